package cli

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nqn"
	"github.com/gonvme/gonvme/nvmf"
)

// commandOptions reads the fabrics flags and fills in the host identity
// (see identity). Values not given as flags are marked as defaults, so a
// kernel that lacks the token drops them quietly.
func (env *Env) commandOptions(c *cli.Context) (fabrics.Options, error) {
	lookup, err := env.pskFromFlag(contextLookup(c))
	if err != nil {
		return fabrics.Options{}, err
	}
	o, err := optionsFrom(lookup)
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

// validateTarget is nvmf.ValidateTarget with its error as a usage error.
func validateTarget(o fabrics.Options) error {
	if err := nvmf.ValidateTarget(o); err != nil {
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
	for _, t := range nvmf.JSONTargets(env.jsonHosts(jsonPath).hosts, base, context) {
		if err := validateTarget(t.Options); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", t.Where, err))
			continue
		}
		targets = append(targets, t)
	}
	conf, confErrs := env.Edge.DiscoveryConfTargets(base)
	errs = append(errs, confErrs...)
	for _, t := range conf {
		targets = append(targets, t)
		// As in nvme-cli, --quiet on a line holds for the whole run;
		// --verbose reports that line's discovery.
		env.confQuiet = env.confQuiet || t.Quiet
		if t.Verbose {
			if env.confVerbose == nil {
				env.confVerbose = map[string]bool{}
			}
			env.confVerbose[t.Where] = true
		}
	}
	return targets, errs
}

// contextFlag is nvme-cli's --context (2.5 to 2.16).
func contextFlag() cli.Flag {
	return &cli.StringFlag{Name: "context", Usage: "act only for `NAME`: skip config.json subsystems whose \"application\" is another one"}
}
