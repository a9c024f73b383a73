// Package render turns gonvme's results into the text and JSON that
// nvme-cli 2.x prints for the same commands: the discovery log, `list`
// and `list-subsys`. Functions write to an io.Writer and do no other I/O.
//
// The JSON keys are gonvme's stable, documented schema (README, "JSON
// output"): they match nvme-cli's, and later versions only add keys.
package render
