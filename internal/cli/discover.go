package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/config"
	"github.com/gonvme/gonvme/internal/render"
	"github.com/gonvme/gonvme/nvmf"
)

// refuseDiscovery are the nvme-cli flags discover and connect-all refuse.
var refuseDiscovery = append([]refusal{refuseNoRetries, {"tls-key-identity", false,
	"it names the TLS PSK of one subsystem, so it applies to connect only (nvme-cli 2.16 accepts it here and does not use it)"}},
	refuseNBFT...)

// discoveryFlags are discover's and connect-all's own flags.
func discoveryFlags(formats, dryRun string) []cli.Flag {
	return append(append([]cli.Flag{
		&cli.StringFlag{Name: "device", Aliases: []string{"d"}, Usage: "use the existing discovery controller `DEVICE` (nvmeN)"},
		outputFlag("normal", "output format: "+formats),
		&cli.StringFlag{Name: "raw", Aliases: []string{"r"}, Usage: "save the raw discovery log page to `FILE` (connect-all: FILE, FILE.2, … for each discovery controller)"},
		&cli.BoolFlag{Name: "persistent", Aliases: []string{"p"}, Usage: "keep the discovery controller connected"},
		&cli.BoolFlag{Name: "quiet", Usage: "connect-all: do not report subsystems that are already connected, and draw no progress line (discover refuses it: it connects nothing)"},
		&cli.StringFlag{Name: "config", Aliases: []string{"J"}, Value: config.JSONConfigPath, Usage: "JSON configuration `FILE`, or 'none'"},
		&cli.BoolFlag{Name: "force", Usage: "create a new discovery controller even if a matching one exists"},
		contextFlag(),
		dryRunFlag(dryRun),
		verboseFlag(),
	}, append(urfaveFlags("d"), secretFileFlags(false)...)...), refusedFlags(refuseDiscovery...)...)
}

// discoveryTargets returns the discovery controllers a discover or
// connect-all run asks: the one on the command line, else the configured
// ones.
func (env *Env) discoveryTargets(c *cli.Context) ([]nvmf.Target, []error, error) {
	base, err := env.commandOptions(c)
	if err != nil {
		return nil, nil, err
	}
	if c.IsSet("transport") || c.IsSet("traddr") || c.IsSet("device") {
		if c.IsSet("device") && !c.IsSet("traddr") {
			return []nvmf.Target{{Options: base, Where: "--device", Device: strings.TrimPrefix(c.String("device"), "/dev/")}}, nil, nil
		}
		if err := validateTarget(base); err != nil {
			return nil, nil, err
		}
		return []nvmf.Target{{Options: base, Where: ""}}, nil, nil
	}
	targets, errs := env.configuredTargets(c.String("config"), c.String("context"), base)
	if len(targets) == 0 && len(errs) == 0 {
		return nil, nil, usageErrorf("no discovery controller given: use --transport and --traddr, or list discovery controllers in %s or %s",
			config.DiscoveryConfPath, config.JSONConfigPath)
	}
	return targets, errs, nil
}

func discoverCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "discover",
		Usage: "read the discovery log of a discovery controller",
		Description: "Connects a discovery controller (-t/-a/-s, or every one in /etc/nvme/config.json and\n" +
			"/etc/nvme/discovery.conf), prints its discovery log and removes the controller again\n" +
			"unless --persistent.",
		Flags: discoveryFlags("normal, json or binary",
			"print the option string of the discovery controller it would connect (or name the existing one it would use) and write nothing; "+
				"the log is not read"),
		Before: checkRefused(append([]refusal{{"quiet", false,
			"it hides the already-connected reports of connect-all and connect; discover connects nothing to report"}}, refuseDiscovery...)...),
		Action: env.changeAction(change{name: "discover", formats: []string{"normal", "json", "binary"}, journal: true}, func(c *cli.Context, format string) (func() error, error) {
			if err := noDiscoverySecret(c); err != nil {
				return nil, err
			}
			targets, cfgErrs, err := env.discoveryTargets(c)
			if err != nil {
				return nil, err
			}
			dopts := nvmf.DiscoverOptions{
				Persistent: c.Bool("persistent"),
				Force:      c.Bool("force"),
				Device:     strings.TrimPrefix(c.String("device"), "/dev/"),
			}
			if c.Bool("dry-run") {
				return nil, env.dryRunDiscovery("discover", targets, cfgErrs, dopts)
			}
			return func() error {
				if err := env.pskTargets(targets); err != nil {
					return err
				}
				return env.discover(c, format, targets, cfgErrs, dopts)
			}, nil
		}),
	}
}

// discover reads and prints the discovery log of each of targets.
func (env *Env) discover(c *cli.Context, format string, targets []nvmf.Target, cfgErrs []error, dopts nvmf.DiscoverOptions) error {
	failed := env.reportAll(cfgErrs)
	// Discover creates controllers: an interrupt lets the one in
	// flight finish and remove its controller, and asks no more.
	ctx := env.interruptible()
	for _, t := range targets {
		to := dopts
		to.Persistent = to.Persistent || t.Persistent
		to.Force = to.Force || t.Force
		d, err := env.Edge.DiscoverContext(ctx, t, to)
		if err != nil {
			env.report(env.explain(networkError{err}, t.Options))
			failed = true
		}
		if d == nil {
			continue
		}
		if c.Bool("verbose") || env.confVerbose[t.Where] {
			env.noteDiscovery(d)
		}
		if err := env.printDiscovery(c, format, d); err != nil {
			env.report(err)
			failed = true
		}
	}
	if failed {
		return errReported
	}
	return nil
}

func (env *Env) printDiscovery(c *cli.Context, format string, d *nvmf.Discovered) error {
	if raw := c.String("raw"); raw != "" {
		if err := os.WriteFile(raw, d.Raw, 0o600); err != nil {
			return fmt.Errorf("saving the discovery log: %w", err)
		}
		fmt.Fprintf(env.Stdout, "Discovery log is saved to %s\n", raw)
		return nil
	}
	switch format {
	case "json":
		return render.DiscoveryJSON(env.Stdout, env.profile, d.Log)
	case "binary":
		_, err := env.Stdout.Write(d.Raw)
		return err
	}
	return render.DiscoveryText(env.Stdout, env.profile, d.Log)
}

// report writes one failure to stderr.
func (env *Env) report(err error) {
	fmt.Fprintf(env.Stderr, "gonvme: %v\n", err)
}

// reportAll writes every error and says whether there was any.
func (env *Env) reportAll(errs []error) bool {
	for _, err := range errs {
		env.report(err)
	}
	return len(errs) > 0
}

// noteDiscovery says on stderr, under -v, which discovery controller
// answered and what became of it.
func (env *Env) noteDiscovery(d *nvmf.Discovered) {
	fate := "an existing one, left as it was"
	switch {
	case d.Created && d.Kept:
		fate = "created and kept (--persistent)"
	case d.Created:
		fate = "created and removed again"
	}
	fmt.Fprintf(env.Stderr, "discovered %d records at %s through %s (%s)\n",
		len(d.Log.Entries), render.Escape(d.Target.String()), d.Controller, fate)
}
