// Package textdiff describes where two texts differ, for test failure
// messages that compare command output with nvme-cli's or a golden file.
package textdiff
