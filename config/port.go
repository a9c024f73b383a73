package config

import (
	"net/netip"

	"github.com/gonvme/gonvme/fabrics"
)

// Options returns the connect options the port sets, with libnvme's key
// meanings: its host_traddr and host_iface, its queue, timeout and flag
// tunables, dhchap_key as dhchap_secret and dhchap_ctrl_key as
// dhchap_ctrl_secret. The address (transport, traddr, trsvcid) is left out:
// it says which connects the port applies to.
func (p Port) Options() fabrics.Options {
	return fabrics.Options{
		HostTraddr: p.HostTraddr, HostIface: p.HostIface,
		DHCHAPSecret: p.DHCHAPKey, DHCHAPCtrlSecret: p.DHCHAPCtrlKey,
		NrIOQueues: p.NrIOQueues, NrWriteQueues: p.NrWriteQueues, NrPollQueues: p.NrPollQueues,
		QueueSize: p.QueueSize, KeepAliveTmo: p.KeepAliveTmo, ReconnectDelay: p.ReconnectDelay,
		CtrlLossTmo: p.CtrlLossTmo, FastIOFailTmo: p.FastIOFailTmo, Tos: p.Tos,
		DuplicateConnect: p.DuplicateConnect, DisableSQFlow: p.DisableSQFlow,
		HdrDigest: p.HdrDigest, DataDigest: p.DataDigest, TLS: p.TLS, Concat: p.Concat,
	}
}

// Matches reports whether the port describes the connect o, by libnvme's
// rule for finding a configured controller: the same transport, and the same
// traddr, host_traddr, host_iface and trsvcid wherever both the port and o
// give one (IP addresses compared as addresses).
func (p Port) Matches(o fabrics.Options) bool {
	return p.Transport == o.Transport &&
		sameIfBoth(p.Traddr, o.Traddr, sameAddr) &&
		sameIfBoth(p.HostTraddr, o.HostTraddr, sameAddr) &&
		sameIfBoth(p.HostIface, o.HostIface, equal) &&
		sameIfBoth(p.Trsvcid, o.Trsvcid, equal)
}

func equal(a, b string) bool { return a == b }

func sameIfBoth(a, b string, same func(a, b string) bool) bool {
	return a == "" || b == "" || same(a, b)
}

func sameAddr(a, b string) bool {
	x, errX := netip.ParseAddr(a)
	y, errY := netip.ParseAddr(b)
	if errX == nil && errY == nil {
		return x == y
	}
	return a == b
}

// Configure fills in what config.json says about the connect o, as libnvme
// does on every connect. A host whose hostnqn is o.HostNQN gives its
// dhchap_key; among its subsystems named o.NQN, the first port that Matches
// o gives its options. Either fills only what o leaves unset or holds only
// as a default. It returns that port (nil when none matched), whose
// Keyring and TLSKeyIdentity are for the caller to look up.
func Configure(hosts []Host, o *fabrics.Options) *Port {
	for _, h := range hosts {
		if h.HostNQN != o.HostNQN {
			continue
		}
		if h.DHCHAPKey != "" {
			o.FillFrom(fabrics.Options{DHCHAPSecret: h.DHCHAPKey})
		}
		for _, s := range h.Subsystems {
			if s.NQN != o.NQN {
				continue
			}
			for i := range s.Ports {
				if s.Ports[i].Matches(*o) {
					o.FillFrom(s.Ports[i].Options())
					return &s.Ports[i]
				}
			}
		}
		return nil
	}
	return nil
}
