// Package cli is gonvme's command line: nvme-cli 2.x's fabrics commands
// with the same flag names (short and long) and output formats, wired to
// the nvmf, fabrics, discovery and sysfs packages.
//
// Run is the whole program minus process start-up: it takes the arguments
// and an Env (host root, kernel edge, output streams), writes to those
// streams only, and returns the exit status, so every command is tested by
// calling Run against fixture roots and a fake kernel edge.
package cli
