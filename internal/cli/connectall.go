package cli

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/internal/compat"
	"github.com/gonvme/gonvme/internal/render"
	"github.com/gonvme/gonvme/nvmf"
)

func connectAllCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "connect-all",
		Usage: "discover and connect every subsystem a discovery controller lists",
		Description: "Asks the discovery controller (-t/-a/-s, or every one in /etc/nvme/config.json and\n" +
			"/etc/nvme/discovery.conf), follows referrals, and connects each NVMe subsystem path that\n" +
			"is not connected yet. It carries on past failures, reports each one, and exits non-zero\n" +
			"if any path or discovery failed.",
		Flags: discoveryFlags("normal or json",
			"print the option string of each discovery controller it would connect (or name the existing one it would use) and write nothing; "+
				"the log is not read, so the connects it would lead to are not shown"),
		Before: checkRefused(refuseDiscovery...),
		Action: env.changeAction(change{name: "connect-all", formats: []string{"normal", "json"}, journal: true}, func(c *cli.Context, format string) (func() error, error) {
			targets, cfgErrs, err := env.discoveryTargets(c)
			if err != nil {
				return nil, err
			}
			if c.IsSet("transport") || c.IsSet("traddr") {
				// The paths still take config.json's settings.
				cfgErrs = append(cfgErrs, env.jsonHosts(c.String("config")).errs...)
			}
			if c.Bool("dry-run") {
				return nil, env.dryRunDiscovery("connect-all", targets, cfgErrs,
					nvmf.DiscoverOptions{Persistent: c.Bool("persistent"), Force: c.Bool("force")})
			}
			return func() error {
				if err := env.pskTargets(targets); err != nil {
					return err
				}
				return env.connectAll(c, format, targets, cfgErrs)
			}, nil
		}),
	}
}

// connectAll walks the discovery controllers targets, connects every path
// they list and reports each.
func (env *Env) connectAll(c *cli.Context, format string, targets []nvmf.Target, cfgErrs []error) error {
	failed := env.reportAll(cfgErrs)
	base, _ := env.commandOptions(c)
	rep, err := env.Edge.Walk(env.interruptible(), targets, nvmf.WalkOptions{
		Persistent: c.Bool("persistent"),
		Force:      c.Bool("force"),
		Template:   base,
		Configure:  env.pskConfigure(env.configure(c.String("config"))),
	})
	if err != nil {
		return err
	}
	quiet := c.Bool("quiet") || env.confQuiet
	env.connectPaths(rep, quiet)
	if raw := c.String("raw"); raw != "" && env.saveRaw(raw, rep) != nil {
		failed = true
	}
	if format == "json" {
		if err := writeJSON(env.Stdout, rep.Doc()); err != nil {
			return err
		}
	} else {
		env.printReport(rep, quiet, c.Bool("verbose"))
	}
	if failed || rep.Failed() {
		return errReported
	}
	return nil
}

// printReport writes one line per path and discovery problem, then a
// summary when anything failed.
func (env *Env) printReport(rep *nvmf.Report, quiet, verbose bool) {
	counts := map[nvmf.Outcome]int{}
	discFailed := 0
	for _, d := range rep.Discoveries {
		switch {
		case d.Err != nil:
			discFailed++
			env.report(env.explain(networkError{d.Err}, d.Target.Options))
		case verbose || env.confVerbose[d.Target.Where]:
			fmt.Fprintf(env.Stdout, "discovered %d records at %s through %s\n", len(d.Found.Log.Entries), render.Escape(d.Target.String()), d.Found.Controller)
		}
	}
	for _, p := range rep.Paths {
		counts[p.Outcome]++
		switch p.Outcome {
		case nvmf.Connected:
			fmt.Fprintf(env.Stdout, "%s: connected %s\n", p.Device, render.Escape(p.Options.Target()))
		case nvmf.AlreadyConnected:
			// nvme-cli skips the connected paths it finds without a word
			// and reports only a connect the kernel refuses; gonvme
			// names the controller of such a path too, and lists the
			// others with -v.
			if p.Refused && !quiet {
				env.alreadyConnected(p.Options)
			}
			if p.Refused && !quiet || verbose {
				dev := p.Device
				if dev == "" {
					dev = "(controller not found)"
				}
				fmt.Fprintf(env.Stdout, "%s: already connected %s\n", dev, render.Escape(p.Options.Target()))
			}
		case nvmf.Skipped:
			if !quiet {
				printSkipped(env.Stdout, p)
			}
		default:
			env.report(env.explain(networkError{p.Err}, p.Options))
		}
	}
	if discFailed > 0 || counts[nvmf.Failed] > 0 || counts[nvmf.NotAttempted] > 0 {
		skipped := ""
		if n := counts[nvmf.Skipped]; n > 0 {
			skipped = fmt.Sprintf(", %d skipped", n)
		}
		fmt.Fprintf(env.Stderr, "connect-all: %d connected, %d already connected, %d failed, %d not attempted%s; %d of %d discovery controllers failed\n",
			counts[nvmf.Connected], counts[nvmf.AlreadyConnected], counts[nvmf.Failed], counts[nvmf.NotAttempted], skipped, discFailed, len(rep.Discoveries))
	}
}

// alreadyConnected reports a path the kernel refused as connected already,
// on stderr, as the profile's nvme-cli connect-all does (see
// compat.ConnectAllAlreadyFull).
func (env *Env) alreadyConnected(o fabrics.Options) {
	if env.profile.Has(compat.ConnectAllAlreadyFull) {
		fmt.Fprintf(env.Stderr, "already connected to hostnqn=%s,nqn=%s,transport=%s,traddr=%s,trsvcid=%s\n",
			render.Escape(o.HostNQN), render.Escape(o.NQN), o.Transport, render.Escape(o.Traddr), render.Escape(o.Trsvcid))
		return
	}
	fmt.Fprintf(env.Stderr, "traddr=%s is already connected\n", render.Escape(o.Traddr))
}

// saveRaw writes the discovery log page of each discovery controller that
// answered to path (the first) and path.2, path.3, … (the others, in the
// report's order), as discover -r saves one.
func (env *Env) saveRaw(path string, rep *nvmf.Report) error {
	n := 0
	var failed error
	for _, d := range rep.Discoveries {
		if d.Found == nil {
			continue
		}
		n++
		p := path
		if n > 1 {
			p = fmt.Sprintf("%s.%d", path, n)
		}
		if err := os.WriteFile(p, d.Found.Raw, 0o600); err != nil {
			failed = fmt.Errorf("saving the discovery log of %s: %w", render.Escape(d.Target.String()), err)
			env.report(failed)
			continue
		}
		fmt.Fprintf(env.Stderr, "Discovery log of %s is saved to %s\n", render.Escape(d.Target.String()), p)
	}
	return failed
}
