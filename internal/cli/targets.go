package cli

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/internal/config"
	"github.com/gonvme/gonvme/nqn"
	"github.com/gonvme/gonvme/nvmf"
)

// commandOptions reads the fabrics flags and fills in the host identity
// (see identity). Values not given as flags are marked as defaults, so a
// kernel that lacks the token drops them quietly.
func (env *Env) commandOptions(c *cli.Context) (fabrics.Options, error) {
	o, err := optionsFrom(contextLookup(c))
	if err != nil {
		return o, err
	}
	o.DHCHAPCtrlSecret = c.String("dhchap-ctrl-secret")
	if err := withSecretFiles(c, &o); err != nil {
		return o, err
	}
	return env.withIdentity(o, c.String("config"))
}

func (env *Env) withIdentity(o fabrics.Options, jsonPath string) (fabrics.Options, error) {
	id, err := env.identity(o.HostNQN, o.HostID, jsonPath)
	if err != nil {
		return o, &usageError{err}
	}
	o.Defaults = map[string]bool{}
	if o.HostNQN == "" {
		o.Defaults["hostnqn"] = true
	}
	if o.HostID == "" {
		o.Defaults["hostid"] = true
	}
	o.HostNQN, o.HostID = id.HostNQN, id.HostID
	return o, nil
}

// identity resolves the host identity for explicit values hostNQN and
// hostID, once per run: every controller a command creates, discovery
// and I/O alike, carries the same identity even when it had to be
// generated. The first host of the JSON configuration at jsonPath ("" or
// "none": none) comes before /etc/nvme, as in libnvme; a configuration
// that cannot be read is reported where its targets are read.
func (env *Env) identity(hostNQN, hostID, jsonPath string) (nqn.Identity, error) {
	key := [2]string{hostNQN, hostID}
	if id, ok := env.ids[key]; ok {
		return id, nil
	}
	src := nqn.Sources{FS: env.FS, LookupEnv: env.LookupEnv}
	if jsonPath != "" && jsonPath != "none" {
		if hosts, err := env.readJSONConfig(jsonPath); err == nil && len(hosts) > 0 {
			src.Config = nqn.Identity{HostNQN: hosts[0].HostNQN, HostID: hosts[0].HostID}
		}
	}
	id, err := nqn.Resolve(src, hostNQN, hostID)
	if err != nil {
		return id, err
	}
	if env.ids == nil {
		env.ids = map[[2]string]nqn.Identity{}
	}
	env.ids[key] = id
	return id, nil
}

// hostOf is the identity of the targets of config.json host h: base's
// when the command named the host or h is the one base came from, else
// h's host NQN with h's host ID or one derived for it.
func hostOf(base fabrics.Options, h config.Host) (hostNQN, hostID string) {
	if !base.Defaults["hostnqn"] || h.HostNQN == "" || h.HostNQN == base.HostNQN {
		if base.Defaults["hostid"] && h.HostID != "" && h.HostNQN == base.HostNQN {
			return base.HostNQN, h.HostID
		}
		return base.HostNQN, base.HostID
	}
	switch {
	case !base.Defaults["hostid"]:
		return h.HostNQN, base.HostID
	case h.HostID != "":
		return h.HostNQN, h.HostID
	}
	return h.HostNQN, nqn.DeriveHostID(base.HostID, h.HostNQN)
}

// validateTarget checks a discovery target's options the way the connect
// would, so bad input is refused before anything is written.
func validateTarget(o fabrics.Options) error {
	if o.Transport == "" {
		return usageErrorf("--transport (-t) is required with --traddr")
	}
	probe := o
	if probe.NQN == "" {
		probe.NQN = nqn.Discovery
	}
	if probe.Trsvcid == "" {
		probe.Trsvcid = nvmf.DefaultTrsvcid(probe.Transport, true)
	}
	if err := probe.Validate(); err != nil {
		return &usageError{err}
	}
	return nil
}

// configuredTargets reads the discovery controllers of config.json (path
// jsonPath, "none" to skip) and /etc/nvme/discovery.conf. Each inherits the
// tunables and identity of base. A line or entry that is invalid is
// returned as an error naming its file and line; the others still count.
// With context set, config.json subsystems that another application
// manages (their "application" is set and differs) are skipped, as
// nvme-cli 2.16's --context does.
func (env *Env) configuredTargets(jsonPath, context string, base fabrics.Options) ([]nvmf.Target, []error) {
	errs := append([]error(nil), env.jsonHosts(jsonPath).errs...)
	var targets []nvmf.Target
	for _, t := range env.jsonTargets(jsonPath, context, base) {
		if err := validateTarget(t.Options); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", t.Where, err))
			continue
		}
		targets = append(targets, t)
	}
	lines, err := config.ReadDiscoveryConf(env.FS)
	if err != nil {
		errs = append(errs, err)
	}
	for _, l := range lines {
		where := fmt.Sprintf("%s:%d", l.File, l.Line)
		vals, err := parseConfArgs(l.Args)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
			continue
		}
		lo, err := optionsFrom(func(k string) (string, bool) { v, ok := vals[k]; return v, ok })
		if err == nil {
			err = withSecretFiles(nil, &lo)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
			continue
		}
		o := mergeOptions(base, lo)
		if err := validateTarget(o); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
			continue
		}
		targets = append(targets, nvmf.Target{Options: o, Where: where, Persistent: vals["persistent"] == "true", Force: vals["force"] == "true"})
		// As in nvme-cli, --quiet on a line holds for the whole run;
		// --verbose reports that line's discovery.
		env.confQuiet = env.confQuiet || vals["quiet"] == "true"
		if vals["verbose"] == "true" {
			if env.confVerbose == nil {
				env.confVerbose = map[string]bool{}
			}
			env.confVerbose[where] = true
		}
	}
	return targets, errs
}

// contextFlag is nvme-cli's --context (2.5 to 2.16).
func contextFlag() cli.Flag {
	return &cli.StringFlag{Name: "context", Usage: "act only for `NAME`: skip config.json subsystems whose \"application\" is another one"}
}

// mergeOptions lays the values a discovery.conf line sets over the command
// line's base, which gives every other option (its address and NQN aside).
func mergeOptions(base, over fabrics.Options) fabrics.Options {
	o := over
	o.FillFrom(addressless(base))
	return o
}
