package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/internal/compat"
	"github.com/gonvme/gonvme/internal/netroute"
	"github.com/gonvme/gonvme/internal/rdma"
	"github.com/gonvme/gonvme/nqn"
	"github.com/gonvme/gonvme/nvmf"
)

// Exit statuses.
const (
	ExitOK     = 0
	ExitFailed = 1 // something asked for was not done
	ExitUsage  = 2 // bad flags or values; nothing was written to the kernel
)

// Env is what a run of gonvme sees of its host.
type Env struct {
	FS      hostfs.FS
	Edge    *nvmf.Edge
	Stdout  io.Writer
	Stderr  io.Writer
	Version string
	Commit  string
	// Context is cancelled on interrupt; nil means never, unless
	// Interrupts is set.
	Context context.Context
	// Interrupts, used when Context is nil, makes a context cancelled on
	// interrupt and its stop function. Only the commands that change
	// kernel state (connect, connect-all, disconnect, disconnect-all) ask
	// for it, on first use: installing signal handlers is start-up time
	// the read-only commands need not spend, and interrupting them needs
	// no cleanup. Run calls stop when the command returns.
	Interrupts func() (context.Context, context.CancelFunc)
	// IsRoot reports whether the process may write to the kernel; nil
	// means it may.
	IsRoot func() bool
	// LookupEnv reads LIBNVME_HOSTNQN and LIBNVME_HOSTID; nil means the
	// process environment.
	LookupEnv func(string) (string, bool)
	// Net is the network stack doctor and failure explanations ask;
	// the zero value is the running kernel's.
	Net netroute.Host
	// Verbs asks a uverbs device for its ports' MTUs; nil means the
	// running kernel (rdma.QueryPorts).
	Verbs rdma.PortQuerier
	// Random is the source of new keys; nil means crypto/rand.
	Random io.Reader
	// Keys lists, reads and revokes kernel keys for tls-key; nil means
	// the kernel's (package keyring).
	Keys KeyOps

	// OpenKernelLog opens the kernel log the explanations quote; nil
	// means /dev/kmsg under FS.
	OpenKernelLog func() (KernelLogSource, error)
	// Terminal reports whether stderr is a terminal (progress lines are
	// drawn only there); nil means it is not.
	Terminal func() bool
	// MonitorHooks replace the monitor's event sources in tests.
	MonitorHooks MonitorHooks

	// profile is the nvme-cli release whose output is reproduced
	// (--compat, GONVME_COMPAT).
	profile compat.Profile

	journal KernelLogSource
	// confQuiet and confVerbose are discovery.conf's --quiet (any line)
	// and --verbose (by line, "file:N"), read with the targets.
	confQuiet   bool
	confVerbose map[string]bool
	ids         map[[2]string]nqn.Identity // resolved once per run, see identity
	json        *jsonConfig                // config.json, once read
	stop        context.CancelFunc         // of the context Interrupts made
	psk         *pskImport                 // --tls-key given as a PSK, see tlsimport.go
}

// interruptible returns the context the commands that change kernel state
// run under: Context, else one that Interrupts makes (once), else one that
// is never cancelled.
func (env *Env) interruptible() context.Context {
	if env.Context == nil && env.Interrupts != nil {
		env.Context, env.stop = env.Interrupts()
	}
	if env.Context == nil {
		env.Context = context.Background()
	}
	return env.Context
}

// usageError marks bad input: wrong flags, bad values, missing arguments.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, a ...any) error {
	return &usageError{fmt.Errorf(format, a...)}
}

// errReported marks a failure whose details were already written.
var errReported = errors.New("failed")

// Run runs gonvme with args (without the program name) and returns the
// exit status.
func Run(env Env, args []string) int {
	if env.Edge == nil {
		env.Edge = nvmf.NewEdge(env.FS)
	}
	env.psk = &pskImport{}
	defer func() {
		if env.stop != nil {
			env.stop()
		}
	}()
	app := newApp(&env)
	ctx := env.Context
	if ctx == nil {
		ctx = context.Background()
	}
	err := app.RunContext(ctx, append([]string{"gonvme"}, targetArgs(app, args)...))
	if err == nil {
		return ExitOK
	}
	if !errors.Is(err, errReported) {
		fmt.Fprintf(env.Stderr, "gonvme: %v\n", err)
	}
	var ue *usageError
	if errors.As(err, &ue) {
		return ExitUsage
	}
	return ExitFailed
}

func newApp(env *Env) *cli.App {
	cli.VersionPrinter = func(c *cli.Context) {
		fmt.Fprintf(c.App.Writer, "gonvme version %s (commit %s)\n", env.Version, env.Commit)
	}
	env.profile = compat.New(compat.Default)
	app := &cli.App{
		Name: "gonvme",
		Flags: []cli.Flag{&cli.StringFlag{
			Name:    "compat",
			EnvVars: []string{"GONVME_COMPAT"},
			Value:   compat.Default.String(),
			Usage:   "print output as nvme-cli `VERSION` (2.3 to 2.16) does; give it before the command",
		}},
		Before: func(c *cli.Context) error {
			v, err := compat.ParseVersion(c.String("compat"))
			if err != nil {
				return usageErrorf("--compat (or GONVME_COMPAT): %w", err)
			}
			env.profile = compat.New(v)
			return nil
		},
		Usage:                  "NVMe over Fabrics host tool: discover, connect and manage remote NVMe subsystems (RDMA, TCP)",
		Version:                env.Version,
		Writer:                 env.Stdout,
		ErrWriter:              env.Stderr,
		UseShortOptionHandling: true,
		HideHelpCommand:        true,
		ExitErrHandler:         func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return &usageError{err}
		},
		Commands: []*cli.Command{
			discoverCommand(env),
			connectAllCommand(env),
			monitorCommand(env),
			connectCommand(env),
			disconnectCommand(env),
			disconnectAllCommand(env),
			listCommand(env),
			listSubsysCommand(env),
			genHostNQNCommand(env),
			genTLSKeyCommand(env),
			checkTLSKeyCommand(env),
			tlsKeyCommand(env),
			showHostNQNCommand(env),
			versionCommand(env),
			targetCommand(env),
			doctorCommand(env),
			rdmaDevicesCommand(env),
			showGIDsCommand(env),
			genDHCHAPKeyCommand(env),
			checkDHCHAPKeyCommand(env),
		},
	}
	setUsageError(app.Commands, app.OnUsageError)
	return app
}

func setUsageError(cmds []*cli.Command, f cli.OnUsageErrorFunc) {
	for _, c := range cmds {
		c.OnUsageError = f
		setUsageError(c.Subcommands, f)
	}
}

// noArgs refuses stray positional arguments, which nvme-cli would ignore
// but which usually mean a mistyped flag.
func noArgs(c *cli.Context) error {
	if c.NArg() > 0 {
		return usageErrorf("unexpected argument %q (flags take the form --name=value or -x value)", c.Args().First())
	}
	return nil
}

// outputFormat validates -o.
func outputFormat(c *cli.Context, allowed ...string) (string, error) {
	f := c.String("output-format")
	for _, a := range allowed {
		if f == a {
			return f, nil
		}
	}
	if f == "tabular" {
		return "", usageErrorf("--output-format: tabular is nvme-cli 2.16's table of 'nvme show-topology', which gonvme does not have; use one of %s",
			strings.Join(allowed, ", "))
	}
	return "", usageErrorf("--output-format: %q is not one of %s", f, strings.Join(allowed, ", "))
}

func outputFlag(def string, usage string) cli.Flag {
	return &cli.StringFlag{Name: "output-format", Aliases: []string{"o"}, Value: def, Usage: usage}
}

func verboseFlag() cli.Flag {
	return &cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "print more detail"}
}

// requireRoot fails early, with the fix, when the kernel would refuse.
func (env *Env) requireRoot(what string) error {
	if env.IsRoot == nil || env.IsRoot() {
		return nil
	}
	return fmt.Errorf("%s needs root: writing to %s and to controllers' delete_controller is reserved to root; run it with sudo: %w",
		what, env.FS.Path("/dev/nvme-fabrics"), os.ErrPermission)
}

// Definition returns the command tree without a host behind it, for
// generating man pages and shell completion.
func Definition(version string) *cli.App {
	env := &Env{Version: version, Commit: "", Stdout: io.Discard, Stderr: io.Discard}
	return newApp(env)
}
