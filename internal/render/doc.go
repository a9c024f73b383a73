// Package render turns gonvme's results into the text and JSON that a
// chosen nvme-cli 2.x release (a compat.Profile) prints for the same
// commands: the discovery log, `list`, `list -v` and `list-subsys`.
// Functions write to an io.Writer and do no other I/O.
//
// The JSON keys are nvme-cli's (README, "JSON output").
package render
