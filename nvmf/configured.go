package nvmf

import (
	"fmt"

	"github.com/gonvme/gonvme/config"
	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nqn"
)

// DiscoveryConfTargets reads the discovery controllers of
// /etc/nvme/discovery.conf under e.FS. Each inherits base's settings and
// identity where its line leaves them out. A line that is invalid comes
// back as an error naming its file and line; the others still count.
func (e *Edge) DiscoveryConfTargets(base fabrics.Options) ([]Target, []error) {
	lines, err := config.ReadDiscoveryConf(e.FS)
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	var targets []Target
	for _, l := range lines {
		where := fmt.Sprintf("%s:%d", l.File, l.Line)
		t, err := confTarget(l, base)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
			continue
		}
		t.Where = where
		targets = append(targets, t)
	}
	return targets, errs
}

func confTarget(l config.ConfLine, base fabrics.Options) (Target, error) {
	vals, err := config.ParseArgs(l.Args)
	if err != nil {
		return Target{}, err
	}
	lo, err := config.OptionsFrom(func(k string) (string, bool) { v, ok := vals[k]; return v, ok })
	if err != nil {
		return Target{}, err
	}
	for _, s := range []struct {
		what string
		dst  *string
	}{{"-S/--dhchap-secret", &lo.DHCHAPSecret}, {"-C/--dhchap-ctrl-secret", &lo.DHCHAPCtrlSecret}} {
		if *s.dst, err = config.SecretValue(s.what, *s.dst); err != nil {
			return Target{}, err
		}
	}
	o := lo
	o.FillFrom(addressless(base))
	if err := ValidateTarget(o); err != nil {
		return Target{}, err
	}
	return Target{Options: o, Persistent: vals["persistent"] == "true", Force: vals["force"] == "true",
		Quiet: vals["quiet"] == "true", Verbose: vals["verbose"] == "true"}, nil
}

// JSONTargets lists the discovery controllers config.json's hosts
// configure: every port, as nvme-cli asks them, with the well-known
// discovery NQN, or the subsystem's own NQN for a port marked "discovery"
// (a unique discovery controller). With context set, subsystems another
// application manages (their "application" is set and differs) are
// skipped, as nvme-cli 2.16's --context does. A port gives its
// host_traddr and host_iface and keeps its discovery controller when
// "persistent" (or its host says "persistent_discovery_ctrl"); base's
// values win.
func JSONTargets(hosts []config.Host, base fabrics.Options, context string) []Target {
	var targets []Target
	for _, h := range hosts {
		for _, s := range h.Subsystems {
			if context != "" && s.Application != "" && s.Application != context {
				continue
			}
			for _, p := range s.Ports {
				o := addressless(base)
				o.Transport, o.Traddr, o.Trsvcid = p.Transport, p.Traddr, p.Trsvcid
				if p.Discovery && s.NQN != nqn.Discovery {
					o.NQN = s.NQN
				}
				o.FillFrom(fabrics.Options{HostTraddr: p.HostTraddr, HostIface: p.HostIface})
				o.HostNQN, o.HostID = hostOf(base, h)
				targets = append(targets, Target{Options: o, Where: p.Where, Persistent: p.Persistent || h.PersistentDiscovery})
			}
		}
	}
	return targets
}

// ValidateTarget checks a discovery target's options the way its connect
// would (with the discovery NQN and port when it names none), so that bad
// input is refused before anything is written.
func ValidateTarget(o fabrics.Options) error {
	if o.Transport == "" {
		return fmt.Errorf("--transport (-t) is required with --traddr")
	}
	probe := o
	if probe.NQN == "" {
		probe.NQN = nqn.Discovery
	}
	if probe.Trsvcid == "" {
		probe.Trsvcid = DefaultTrsvcid(probe.Transport, true)
	}
	return probe.Validate()
}

// hostOf is the identity of the targets of config.json host h: base's
// when the caller named the host or h is the one base came from, else h's
// host NQN with h's host ID or one derived for it.
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

// addressless is o without what names a controller (transport, address,
// NQN), the part of a caller's options a configured target inherits.
func addressless(o fabrics.Options) fabrics.Options {
	o.Transport, o.Traddr, o.Trsvcid, o.NQN, o.Discovery = "", "", "", "", false
	return o
}
