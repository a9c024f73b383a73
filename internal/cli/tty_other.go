//go:build !linux

package cli

import "os"

// IsTerminal reports whether f is a terminal; off Linux, where gonvme
// changes nothing in the kernel, it never draws progress and says no.
func IsTerminal(f *os.File) bool { return false }
