package topology

import (
	"net/netip"
	"strings"

	"github.com/gonvme/gonvme/nqn"
)

// PathKey describes a connection as connect or connect-all is about to make
// it. Empty fields were not given.
type PathKey struct {
	Transport, Traddr, Trsvcid, HostTraddr, HostIface, SubsysNQN string
}

// Index finds existing controllers for a PathKey. Build it once per scan with
// NewIndex; it does not change when the host does.
type Index struct {
	byTransport map[string][]indexed
}

type indexed struct {
	c         *Controller
	discovery bool
}

// NewIndex indexes the controllers of t that can still carry I/O: those in
// state deleting, "deleting (no IO)" or dead are left out, as the kernel
// leaves them out of its own duplicate check.
func NewIndex(t *Topology) *Index {
	ix := &Index{byTransport: map[string][]indexed{}}
	for _, c := range t.Controllers {
		switch c.State {
		case "deleting", "deleting (no IO)", "dead":
			continue
		}
		s := t.SubsystemOf(c)
		disc := c.CntrlType == "discovery" || c.SubsysNQN == nqn.Discovery ||
			(s != nil && s.Type == "discovery")
		ix.byTransport[c.Transport] = append(ix.byTransport[c.Transport], indexed{c, disc})
	}
	return ix
}

// Lookup returns the lowest-numbered controller that already is the
// connection k describes, or nil. The rules follow libnvme's controller
// matching (src/nvme/tree.c):
//
//   - The transport must be equal.
//   - The well-known discovery NQN matches any discovery controller, whatever
//     NQN it reports (since TP8013 a discovery controller reached through the
//     well-known NQN may report a unique one). Any other non-empty NQN must be
//     equal; an empty one matches every controller.
//   - Addresses of rdma and tcp controllers compare as IP addresses: IPv4
//     equals its IPv4-mapped IPv6 form, IPv6 compares in canonical form
//     ignoring the zone. Strings that are not IP literals, and the addresses
//     of other transports (fc, loop), compare case-insensitively.
//   - tcp: traddr and trsvcid must be equal, empty only matching empty. The
//     local side is checked only when k names it: host_traddr against the
//     controller's src_addr (kernel ≥ 6.1), else its host_traddr; host_iface
//     against its host_iface. When the controller records neither, it
//     matches (libnvme is optimistic too; unlike libnvme this does not map
//     addresses to interfaces through getifaddrs).
//   - other transports: traddr, trsvcid, host_traddr and host_iface compare
//     only when both sides are non-empty.
//   - A host_traddr or host_iface of "none" counts as empty.
func (ix *Index) Lookup(k PathKey) *Controller {
	if strings.EqualFold(k.HostTraddr, "none") {
		k.HostTraddr = ""
	}
	if strings.EqualFold(k.HostIface, "none") {
		k.HostIface = ""
	}
	for _, e := range ix.byTransport[k.Transport] {
		if matches(e, k) {
			return e.c
		}
	}
	return nil
}

func matches(e indexed, k PathKey) bool {
	c := e.c
	switch {
	case k.SubsysNQN == nqn.Discovery:
		if !e.discovery {
			return false
		}
	case k.SubsysNQN != "" && k.SubsysNQN != c.SubsysNQN:
		return false
	}
	ip := k.Transport == "rdma" || k.Transport == "tcp"
	a := c.Address
	if k.Transport == "tcp" {
		if k.Trsvcid != a.Trsvcid || !sameAddr(k.Traddr, a.Traddr, ip) {
			return false
		}
		if k.HostTraddr != "" {
			local := a.SrcAddr
			if local == "" {
				local = a.HostTraddr
			}
			if local != "" && !sameAddr(k.HostTraddr, local, ip) {
				return false
			}
		}
		return k.HostIface == "" || a.HostIface == "" || k.HostIface == a.HostIface
	}
	return bothOrMatch(k.Traddr, a.Traddr, func(x, y string) bool { return sameAddr(x, y, ip) }) &&
		bothOrMatch(k.Trsvcid, a.Trsvcid, func(x, y string) bool { return x == y }) &&
		bothOrMatch(k.HostTraddr, a.HostTraddr, func(x, y string) bool { return sameAddr(x, y, ip) }) &&
		bothOrMatch(k.HostIface, a.HostIface, func(x, y string) bool { return x == y })
}

// bothOrMatch compares x and y with eq when both are set; an empty side
// matches anything.
func bothOrMatch(x, y string, eq func(x, y string) bool) bool {
	return x == "" || y == "" || eq(x, y)
}

// sameAddr compares two transport addresses; see Lookup.
func sameAddr(x, y string, ip bool) bool {
	if ip {
		a, errA := netip.ParseAddr(x)
		b, errB := netip.ParseAddr(y)
		if errA == nil && errB == nil {
			return a.WithZone("").Unmap() == b.WithZone("").Unmap()
		}
	}
	return strings.EqualFold(x, y)
}
