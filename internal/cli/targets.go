package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/internal/config"
	"github.com/gonvme/gonvme/internal/nvmf"
	"github.com/gonvme/gonvme/nqn"
)

// commandOptions reads the fabrics flags and fills in the host identity
// (explicit flags, then /etc/nvme, then derived). Values from files are
// marked as defaults, so a kernel that lacks the token drops them quietly.
func (env *Env) commandOptions(c *cli.Context) (fabrics.Options, error) {
	o, err := optionsFrom(contextLookup(c))
	if err != nil {
		return o, err
	}
	return env.withIdentity(o)
}

func (env *Env) withIdentity(o fabrics.Options) (fabrics.Options, error) {
	id, err := nqn.ResolveIdentity(env.FS, o.HostNQN, o.HostID)
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
func (env *Env) configuredTargets(jsonPath string, base fabrics.Options) ([]nvmf.Target, []error) {
	var targets []nvmf.Target
	var errs []error
	if jsonPath != "none" {
		hosts, err := env.readJSONConfig(jsonPath)
		if err != nil {
			errs = append(errs, err)
		}
		for _, h := range hosts {
			for _, s := range h.Subsystems {
				for _, p := range s.Ports {
					o := base
					o.Transport, o.Traddr, o.Trsvcid = p.Transport, p.Traddr, p.Trsvcid
					if p.HostTraddr != "" {
						o.HostTraddr = p.HostTraddr
					}
					if p.HostIface != "" {
						o.HostIface = p.HostIface
					}
					if h.HostNQN != "" && base.Defaults["hostnqn"] {
						o.HostNQN = h.HostNQN
					}
					if h.HostID != "" && base.Defaults["hostid"] {
						o.HostID = h.HostID
					}
					if err := validateTarget(o); err != nil {
						errs = append(errs, fmt.Errorf("%s: %w", p.Where, err))
						continue
					}
					targets = append(targets, nvmf.Target{Options: o, Where: p.Where})
				}
			}
		}
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
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
			continue
		}
		o := mergeOptions(base, lo)
		if err := validateTarget(o); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
			continue
		}
		targets = append(targets, nvmf.Target{Options: o, Where: where})
	}
	return targets, errs
}

func (env *Env) readJSONConfig(path string) ([]config.Host, error) {
	if path == config.JSONConfigPath {
		return config.ReadJSONConfig(env.FS)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, usageErrorf("--config: %v", err)
		}
		return nil, err
	}
	return config.ParseJSONConfig(b, path)
}

// mergeOptions lays the values set in over onto base.
func mergeOptions(base, over fabrics.Options) fabrics.Options {
	o := over
	o.Defaults = copyMap(base.Defaults)
	strs := []struct {
		dst *string
		b   string
	}{
		{&o.HostNQN, base.HostNQN}, {&o.HostID, base.HostID}, {&o.HostTraddr, base.HostTraddr},
		{&o.HostIface, base.HostIface}, {&o.DHCHAPSecret, base.DHCHAPSecret},
	}
	for _, s := range strs {
		if *s.dst == "" {
			*s.dst = s.b
		}
	}
	if over.HostNQN != "" {
		delete(o.Defaults, "hostnqn")
	}
	if over.HostID != "" {
		delete(o.Defaults, "hostid")
	}
	ints := []struct {
		dst **int
		b   *int
	}{
		{&o.NrIOQueues, base.NrIOQueues}, {&o.NrWriteQueues, base.NrWriteQueues}, {&o.NrPollQueues, base.NrPollQueues},
		{&o.QueueSize, base.QueueSize}, {&o.KeepAliveTmo, base.KeepAliveTmo}, {&o.ReconnectDelay, base.ReconnectDelay},
		{&o.CtrlLossTmo, base.CtrlLossTmo}, {&o.FastIOFailTmo, base.FastIOFailTmo}, {&o.Tos, base.Tos},
	}
	for _, n := range ints {
		if *n.dst == nil {
			*n.dst = n.b
		}
	}
	o.DuplicateConnect = o.DuplicateConnect || base.DuplicateConnect
	o.DisableSQFlow = o.DisableSQFlow || base.DisableSQFlow
	o.HdrDigest = o.HdrDigest || base.HdrDigest
	o.DataDigest = o.DataDigest || base.DataDigest
	return o
}

func copyMap(m map[string]bool) map[string]bool {
	c := make(map[string]bool, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
