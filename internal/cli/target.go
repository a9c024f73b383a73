package cli

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/internal/nvmetsys"
	"github.com/gonvme/gonvme/nvmet"
)

// targetCommand is "gonvme target": the kernel NVMe-oF target (nvmet)
// through configfs.
func targetCommand(env *Env) *cli.Command {
	c := &cli.Command{
		Name:  "target",
		Usage: "configure this host's kernel NVMe over Fabrics target (nvmet): subsystems, namespaces, ports, hosts; save and restore in nvmetcli's format",
		Subcommands: []*cli.Command{
			targetListCommand(env),
			targetSubsystemCommand(env),
			targetNamespaceCommand(env),
			targetPortCommand(env),
			targetExposeCommand(env, "expose"),
			targetExposeCommand(env, "unexpose"),
			targetHostCommand(env),
			targetAllowCommand(env, "allow"),
			targetAllowCommand(env, "disallow"),
			targetReferralCommand(env),
			targetClearCommand(env),
			targetSaveCommand(env),
			targetRestoreCommand(env),
		},
	}
	c.Description = describeTarget(c.Subcommands, "gonvme target")
	setUnknownSubcommand(c, "target")
	return c
}

// setUnknownSubcommand makes a command group and the groups under it
// refuse an unknown subcommand as bad usage; without one they show help.
func setUnknownSubcommand(c *cli.Command, path string) {
	if len(c.Subcommands) == 0 {
		return
	}
	c.Action = func(ctx *cli.Context) error {
		if ctx.NArg() > 0 {
			return usageErrorf("%s: unknown subcommand %q (see 'gonvme %s --help')", path, ctx.Args().First(), path)
		}
		return cli.ShowSubcommandHelp(ctx)
	}
	for _, s := range c.Subcommands {
		setUnknownSubcommand(s, path+" "+s.Name)
	}
}

// describeTarget lists every target subcommand with its arguments, flags
// and purpose, for gonvme target --help and its manual page.
func describeTarget(cmds []*cli.Command, prefix string) string {
	var b strings.Builder
	for _, c := range cmds {
		if len(c.Subcommands) > 0 {
			b.WriteString(describeTarget(c.Subcommands, prefix+" "+c.Name))
			continue
		}
		line := prefix + " " + c.Name
		if c.ArgsUsage != "" {
			line += " " + c.ArgsUsage
		}
		for _, f := range c.Flags {
			n := f.Names()
			if n[0] == "output-format" {
				continue
			}
			spell := "--" + n[0]
			if df, ok := f.(cli.DocGenerationFlag); ok && df.TakesValue() {
				spell += " " + strings.ToUpper(strings.ReplaceAll(n[0], "-", "_"))
			}
			line += " [" + spell + "]"
		}
		b.WriteString(line + "\t" + c.Usage + "\n")
	}
	return b.String()
}

// targetAction wraps a target subcommand: output format, positional
// arguments (names), then root, configfs and modules for the transports
// the command needs, then the change itself.
type targetAction struct {
	args      []string // positional argument names, all required
	optional  int      // how many of the last args may be missing
	readOnly  bool
	transport func(c *cli.Context, t *nvmet.Target) []string
	run       func(c *cli.Context, t *nvmet.Target, args []string, out *targetOut) error
}

func (env *Env) targetRun(name string, a targetAction) cli.ActionFunc {
	return func(c *cli.Context) error {
		format, err := outputFormat(c, "normal", "json")
		if err != nil {
			return err
		}
		if c.NArg() > len(a.args) {
			return usageErrorf("target %s: unexpected argument %q", name, c.Args().Get(len(a.args)))
		}
		if c.NArg() < len(a.args)-a.optional {
			return usageErrorf("target %s: missing %s", name, a.args[c.NArg()])
		}
		if !a.readOnly {
			if err := env.requireTargetRoot(name); err != nil {
				return err
			}
		}
		t := nvmet.New(env.FS.Path(nvmetsys.ConfigfsDir))
		var trs []string
		if a.transport != nil {
			trs = a.transport(c, t)
		}
		if err := nvmetsys.Prepare(env.FS, trs...); err != nil {
			return fmt.Errorf("target %s: %w", name, err)
		}
		out := &targetOut{env: env, json: format == "json"}
		if err := a.run(c, t, c.Args().Slice(), out); err != nil {
			return env.targetError(err)
		}
		return out.flush()
	}
}

func (env *Env) requireTargetRoot(what string) error {
	if env.IsRoot == nil || env.IsRoot() {
		return nil
	}
	return fmt.Errorf("target %s needs root: nvmet's configfs tree (%s) is writable by root only; run it with sudo: %w",
		what, env.FS.Path(nvmetsys.ConfigfsDir+"/nvmet"), os.ErrPermission)
}

// targetOut collects what a command did, printed at the end in text or
// JSON.
type targetOut struct {
	env   *Env
	json  bool
	lines []string
	doc   any
}

func (o *targetOut) did(action, kind, name string) {
	o.lines = append(o.lines, fmt.Sprintf("%s %s %s", kind, name, action))
	if d, ok := o.doc.([]map[string]string); ok || o.doc == nil {
		o.doc = append(d, map[string]string{"action": action, "kind": kind, "name": name})
	}
}

func (o *targetOut) flush() error {
	if o.json {
		if o.doc == nil {
			o.doc = []map[string]string{}
		}
		return writeJSON(o.env.Stdout, o.doc)
	}
	for _, l := range o.lines {
		fmt.Fprintln(o.env.Stdout, l)
	}
	return nil
}

func targetFormatFlag() cli.Flag {
	return outputFlag("normal", "output `FORMAT`: normal or json")
}

// portArg parses a port ID argument.
func portArg(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, usageErrorf("port %q: not a number (port IDs run from 0 to %d)", s, nvmet.MaxPortID)
	}
	if err := nvmet.CheckPortID(n); err != nil {
		return 0, &usageError{err}
	}
	return n, nil
}

// nsidArg parses a namespace ID.
func nsidArg(s string) (int, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, usageErrorf("namespace ID %q: not a number", s)
	}
	if n < 1 || n > nvmet.MaxNSID {
		return 0, usageErrorf("namespace %s: namespace IDs run from 1 to %d", s, nvmet.MaxNSID)
	}
	return int(n), nil
}

// invalidAsUsage makes nvmet's validation errors usage errors (exit 2).
func invalidAsUsage(err error) error {
	if err != nil && nvmet.IsInvalid(err) {
		return &usageError{err}
	}
	return err
}

var errTargetMissing = errors.New("does not exist")

// targetArgs lets target subcommands take flags after their arguments
// ("target subsystem add NQN --allow-any-host"), as the setup guides write
// them: it moves a leaf command's flags, with their values, before its
// positional arguments. Other commands' arguments are returned unchanged.
func targetArgs(app *cli.App, args []string) []string {
	// Skip global flags (--compat 2.13) before the command name.
	start := 0
	for start < len(args) && strings.HasPrefix(args[start], "-") && args[start] != "--" {
		name, _, hasValue := strings.Cut(strings.TrimLeft(args[start], "-"), "=")
		start++
		for _, f := range app.Flags {
			if _, isBool := f.(*cli.BoolFlag); !isBool && !hasValue && slices.Contains(f.Names(), name) {
				start++
			}
		}
	}
	if start >= len(args) || args[start] != "target" {
		return args
	}
	cmd := app.Command("target")
	i := start + 1
	for cmd != nil && i < len(args) {
		sub := cmd.Command(args[i])
		if sub == nil {
			break
		}
		cmd, i = sub, i+1
	}
	if cmd == nil || len(cmd.Subcommands) > 0 {
		return args
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			takesValue[n] = !isBool
		}
	}
	out := append([]string(nil), args[:i]...)
	var pos []string
	for j := i; j < len(args); j++ {
		a := args[j]
		switch {
		case a == "--":
			pos = append(pos, args[j+1:]...)
			j = len(args)
		case len(a) > 1 && a[0] == '-':
			out = append(out, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && takesValue[name] && j+1 < len(args) {
				out = append(out, args[j+1])
				j++
			}
		default:
			pos = append(pos, a)
		}
	}
	if len(pos) > 0 {
		out = append(out, "--")
	}
	return append(out, pos...)
}

// requiredFlag refuses a missing required flag as bad input.
func requiredFlag(c *cli.Context, names ...string) error {
	for _, n := range names {
		if !c.IsSet(n) {
			return usageErrorf("missing --%s", n)
		}
	}
	return nil
}
