// Command gonvme is an NVMe over Fabrics host tool: a drop-in for
// nvme-cli's fabrics commands (discover, connect, connect-all, disconnect,
// disconnect-all, list, list-subsys, gen-hostnqn, show-hostnqn).
package main

import (
	"context"
	"os"

	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/internal/cli"
)

// Set by the linker: -X main.version=… -X main.commit=….
var (
	version = "dev"
	commit  = "unknown"
)

func main() {
	os.Exit(cli.Run(cli.Env{
		FS:      hostfs.New(os.Getenv("GONVME_ROOT")),
		Stdout:  os.Stdout,
		Stderr:  os.Stderr,
		Version: version,
		Commit:  commit,
		// SIGINT and SIGTERM cancel the commands that change kernel
		// state, which then clean up (a second signal ends them at
		// once); the others just end.
		Interrupts: func() (context.Context, context.CancelFunc) {
			return cli.InterruptContext(os.Stderr)
		},
		Terminal: func() bool { return cli.IsTerminal(os.Stderr) },
		IsRoot:   func() bool { return os.Geteuid() == 0 },
	}, os.Args[1:]))
}
