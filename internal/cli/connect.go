package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/config"
	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/internal/compat"
	"github.com/gonvme/gonvme/internal/render"
	"github.com/gonvme/gonvme/nqn"
	"github.com/gonvme/gonvme/nvmf"
)

func connectCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "connect",
		Usage: "connect to an NVMe-oF subsystem",
		Description: "With --transport and --traddr, connects one path. With only --nqn, asks the discovery\n" +
			"controllers configured in /etc/nvme/discovery.conf and config.json where that subsystem\n" +
			"is and connects every path they list for it.",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "dhchap-ctrl-secret", Aliases: []string{"C"}, Usage: "DH-HMAC-CHAP controller key, for bidirectional authentication (@FILE reads it from FILE)"},
			&cli.StringFlag{Name: "config", Aliases: []string{"J"}, Value: config.JSONConfigPath, Usage: "JSON configuration `FILE`, or 'none'"},
			contextFlag(),
			tlsKeyIdentityFlag(),
			idempotentFlag(),
			dryRunFlag("print the option string connect would write to /dev/nvme-fabrics (secrets redacted) and write nothing; " +
				"with only --nqn, print those of the discovery controllers it would ask"),
			outputFlag("", "print the new device: normal or json (default: as the --compat release does; 2.7 on print it)"),
			verboseFlag(),
		}, append(append(urfaveFlags(), secretFileFlags(true)...), refusedFlags(refuseNoRetries)...)...),
		Before: checkRefused(refuseNoRetries),
		Action: env.changeAction(change{name: "connect", formats: []string{"", "normal", "json"}, journal: true}, func(c *cli.Context, format string) (func() error, error) {
			o, err := env.commandOptions(c)
			if err != nil {
				return nil, err
			}
			if o.NQN == "" {
				return nil, usageErrorf("required argument --nqn (-n) not given")
			}
			if c.Bool("verbose") {
				env.noteSpecForm(o)
			}
			if o.Transport == "" && o.Traddr == "" {
				if c.IsSet("tls-key-identity") {
					return nil, usageErrorf("--tls-key-identity needs --transport tcp and --traddr: it names the key of one connection")
				}
				return env.connectByNQN(c, o, format)
			}
			if o.Transport == "" {
				return nil, usageErrorf("required argument --transport (-t) not given")
			}
			if env.psk.key != "" && (!o.TLS || o.Transport != "tcp") {
				return nil, usageErrorf("--tls-key with a PSK needs --tls and --transport tcp: the PSK is for a TLS connection")
			}
			if o, err = env.withTLSKeyIdentity(c, o); err != nil {
				return nil, err
			}
			return env.connectOne(c, o, format)
		}),
	}
}

// idempotentFlag is nvme-cli 3.0's --idempotent: already connected is
// success, gonvme's behaviour anyway; it also keeps the note quiet unless -v.
func idempotentFlag() cli.Flag {
	return &cli.BoolFlag{Name: "idempotent", Usage: "succeed when the path is already connected (gonvme always does; accepted for nvme-cli 3.0 scripts); say so only with -v"}
}

func (env *Env) connectOne(c *cli.Context, o fabrics.Options, format string) (func() error, error) {
	cfg := env.jsonHosts(c.String("config"))
	if len(cfg.errs) > 0 {
		return nil, usageErrorf("%w\n  nothing was connected: fix the configuration, or leave it out with -J none", errors.Join(cfg.errs...))
	}
	// A port's tls_key is inserted after the checks and the root test.
	env.psk.deferPort = true
	if configure := env.configure(c.String("config")); configure != nil {
		if err := configure(&o); err != nil {
			return nil, err
		}
	}
	env.psk.deferPort = false
	o = nvmf.IOOptions(o)
	v, err := o.Check()
	if err != nil {
		return nil, &usageError{err}
	}
	if c.Bool("dry-run") {
		if v, err = env.importPSKs(c, o, v, true); err != nil {
			return nil, err
		}
		return nil, env.dryRunConnect(v)
	}
	return func() error {
		if v, err = env.importPSKs(c, o, v, false); err != nil {
			return err
		}
		return env.connect(c, v, format)
	}, nil
}

// connect connects the path v and prints its controller.
func (env *Env) connect(c *cli.Context, v fabrics.Validated, format string) error {
	o := v.Options()
	dev, err := env.Edge.Connect(v)
	if errors.Is(err, nvmf.ErrAlreadyConnected) {
		if !c.Bool("idempotent") || c.Bool("verbose") {
			fmt.Fprintln(env.Stderr, alreadyConnected(o.Target(), dev))
		}
		return nil
	}
	if errors.Is(err, errors.ErrUnsupported) {
		return &usageError{err}
	}
	if errors.Is(err, nvmf.ErrTLSUnavailable) {
		return fmt.Errorf("connect --tls: %w", err)
	}
	if err != nil {
		return env.offeredHint(env.explain(err, o), o)
	}
	return env.printDevice(format, dev)
}

// printDevice writes the new controller's name as connect -o prints it in
// the profile's release: from 2.7 "connecting to device: nvmeX" also by
// default, before it "device: nvmeX" with -o normal only.
func (env *Env) printDevice(format, dev string) error {
	switch {
	case format == "json":
		return render.WriteJSONDevice(env.Stdout, env.profile, dev)
	case env.profile.Has(compat.ConnectMessage):
		fmt.Fprintf(env.Stdout, "connecting to device: %s\n", dev)
	case format == "normal":
		fmt.Fprintf(env.Stdout, "device: %s\n", dev)
	}
	return nil
}

// connectByNQN finds the subsystem through the configured discovery
// controllers and connects each path they list for it.
func (env *Env) connectByNQN(c *cli.Context, o fabrics.Options, format string) (func() error, error) {
	targets, cfgErrs := env.configuredTargets(c.String("config"), c.String("context"), o)
	if len(targets) == 0 {
		env.reportAll(cfgErrs)
		return nil, usageErrorf("connect --nqn %s without --transport/--traddr needs discovery controllers in %s or %s, and none are configured",
			o.NQN, config.DiscoveryConfPath, config.JSONConfigPath)
	}
	if err := o.Validate(); err != nil && !isMissingTransport(err) {
		return nil, &usageError{err}
	}
	if c.Bool("dry-run") {
		return nil, env.dryRunDiscovery("connect", targets, cfgErrs, nvmf.DiscoverOptions{})
	}
	return func() error { return env.connectDiscovered(c, o, format, targets, cfgErrs) }, nil
}

// connectDiscovered asks the discovery controllers targets for the paths
// of o.NQN, connects them and prints their controllers.
func (env *Env) connectDiscovered(c *cli.Context, o fabrics.Options, format string, targets []nvmf.Target, cfgErrs []error) error {
	if err := env.pskTargets(targets); err != nil {
		return err
	}
	failed := env.reportAll(cfgErrs)
	rep, err := env.Edge.Walk(env.interruptible(), targets, nvmf.WalkOptions{Template: o, Match: o.NQN,
		Configure: env.pskConfigure(env.configure(c.String("config")))})
	if err != nil {
		return err
	}
	for _, d := range rep.Discoveries {
		if d.Err != nil {
			env.report(env.explain(networkError{d.Err}, d.Target.Options))
			failed = true
		}
	}
	if !rep.Connectable() {
		for _, p := range rep.Paths {
			printSkipped(env.Stderr, p) // stdout is for the devices
		}
		env.report(env.notOffered(o.NQN, rep))
		return errReported
	}
	env.connectPaths(rep, false)
	for _, p := range rep.Paths {
		switch p.Outcome {
		case nvmf.Skipped:
			printSkipped(env.Stderr, p) // stdout is for the devices
		case nvmf.Connected:
			if err := env.printDevice(format, p.Device); err != nil {
				return err
			}
		case nvmf.AlreadyConnected:
			if !c.Bool("idempotent") || c.Bool("verbose") {
				fmt.Fprintln(env.Stderr, alreadyConnected(render.Escape(p.Options.Target()), p.Device))
			}
		default:
			env.report(env.explain(networkError{p.Err}, p.Options))
			failed = true
		}
	}
	if failed {
		return errReported
	}
	return nil
}

// alreadyConnected says that the path target is there, served by the
// controller dev ("" when it could not be named).
func alreadyConnected(target, dev string) string {
	if dev == "" {
		return "already connected: " + target + " (the kernel reports it connected; 'gonvme list-subsys' shows its controller)"
	}
	return "already connected: " + target + " is " + dev
}

func isMissingTransport(err error) bool {
	var ve *fabrics.ValidationError
	return errors.As(err, &ve) && (ve.Option == "transport" || ve.Option == "traddr")
}

// notOffered says that no configured discovery controller lists nqn, and
// which NQNs they do list, closest first.
func (env *Env) notOffered(want string, rep *nvmf.Report) error {
	var asked []string
	for _, d := range rep.Discoveries {
		if d.Err == nil {
			asked = append(asked, d.Target.String())
		}
	}
	offered := nvmf.Closest(want, rep.OfferedNQNs())
	msg := fmt.Sprintf("no configured discovery controller offers subsystem %s", want)
	if len(asked) > 0 {
		msg += "\n  asked: " + strings.Join(asked, "\n         ")
	}
	if len(offered) > 0 {
		msg += "\n  they offer (closest first): " + escapeJoin(offered)
	}
	return errors.New(msg)
}

func writeJSON(w interface{ Write([]byte) (int, error) }, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// noteSpecForm tells, under -v, which names are not in the
// specification's NQN form. It is advice: the kernel takes them.
func (env *Env) noteSpecForm(o fabrics.Options) {
	for _, n := range []struct{ what, name string }{{"subsystem NQN", o.NQN}, {"host NQN", o.HostNQN}} {
		if err := nqn.SpecForm(n.name); err != nil {
			var ne *nqn.Error
			if errors.As(err, &ne) {
				fmt.Fprintf(env.Stderr, "note: %s %q %s; the kernel accepts it as it is\n", n.what, n.name, ne.Reason)
			}
		}
	}
}
