package doctor

import (
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"syscall"

	"github.com/gonvme/gonvme/internal/netroute"
	"github.com/gonvme/gonvme/internal/rdma"
)

// PathInput is what the path checks judge: the connection asked for and
// the facts gathered about it.
type PathInput struct {
	Transport  string
	Traddr     netip.Addr
	HostTraddr netip.Addr // -w, zero when not given
	HostIface  string     // -f, "" when not given
	Route      netroute.Route
	RouteErr   error
	Ifaces     []netroute.Interface
	Devs       []rdma.Device
}

// Judged is the interface and source address a connection uses: the
// route's, except that a local target is judged by the interface holding
// its address (rdma_cm never uses lo) and an RDMA source address pins the
// device whose interface holds it (rdma_cm binds to it).
func (in PathInput) Judged() (iface string, src netip.Addr) {
	iface, src = in.Route.Iface, in.Route.Src
	if in.Route.Type == "local" {
		src = in.Traddr
		if h, ok := netroute.Holder(in.Ifaces, in.Traddr); ok {
			iface = h.Name
		}
	}
	if in.Transport == "rdma" && in.HostTraddr.IsValid() {
		src = in.HostTraddr
		if h, ok := netroute.Holder(in.Ifaces, in.HostTraddr); ok {
			iface = h.Name
		}
	}
	return iface, src
}

// RouteEvidence says which way the connection goes, in the words the
// explanations of failed connects use too.
func (in PathInput) RouteEvidence() string {
	iface, src := in.Judged()
	s := fmt.Sprintf("route to %s leaves through %s (source %s", in.Traddr, iface, src)
	if in.Route.Gateway.IsValid() {
		s += ", gateway " + in.Route.Gateway.String()
	}
	s += fmt.Sprintf(", table %d)", in.Route.Table)
	switch {
	case in.Route.Type == "local" && iface == in.Route.Iface:
		s += fmt.Sprintf("; %s is this host's own address", in.Traddr)
	case in.Route.Type == "local":
		s += fmt.Sprintf("; %s is this host's own address: the kernel routes it through %s, the connection uses %s, which holds it", in.Traddr, in.Route.Iface, iface)
	}
	if in.Transport == "rdma" && in.HostTraddr.IsValid() && in.Route.Type != "local" && in.Route.Iface != iface {
		s += fmt.Sprintf("; the routing table sends packets through %s, but rdma_cm binds to the RDMA device of --host-traddr %s", in.Route.Iface, in.HostTraddr)
	}
	return s
}

// PathChecks checks the route to the target, -w and -f, the source GID
// (RDMA) and interfaces sharing the subnet in use.
func PathChecks(in PathInput) []Check {
	var out []Check
	if in.HostTraddr.IsValid() {
		out = append(out, hostTraddrCheck(in))
	}
	if in.RouteErr != nil {
		fix := "give this host an address in the target's subnet or a route to it (ip route add " + in.Traddr.String() + " via GATEWAY)"
		ev := fmt.Sprintf("no route to %s: %v", in.Traddr, in.RouteErr)
		if !errors.Is(in.RouteErr, syscall.ENETUNREACH) && !errors.Is(in.RouteErr, syscall.EHOSTUNREACH) {
			fix = "check the address and this host's routing (ip route get " + in.Traddr.String() + ")"
		}
		return append(out, check(SectionPath, "route", Fail, ev, fix))
	}
	iface, src := in.Judged()
	ports := rdma.OnNetdev(in.Devs, iface)
	ev := in.RouteEvidence()
	switch {
	case in.Transport != "rdma":
		out = append(out, check(SectionPath, "route", OK, ev, ""))
	case len(ports) == 0:
		out = append(out, check(SectionPath, "route", Fail, ev+"; "+iface+" has no RDMA device",
			"the RDMA connection cannot use "+iface+": "+subnetFix(in, iface)))
	default:
		out = append(out, check(SectionPath, "route", OK, ev+"; RDMA device "+join(ports), ""))
	}
	if in.HostIface != "" {
		out = append(out, hostIfaceCheck(in, iface))
	}
	if in.Transport == "rdma" && len(ports) > 0 {
		out = append(out, gidCheck(in.Devs, iface, src))
	}
	return append(out, subnetCheck(in, iface, src))
}

func hostTraddrCheck(in PathInput) Check {
	h, ok := netroute.Holder(in.Ifaces, in.HostTraddr)
	if !ok {
		return check(SectionPath, "host-traddr", Fail, in.HostTraddr.String()+" is not an address of this host",
			"give --host-traddr one of this host's addresses (ip -o addr)")
	}
	ev := fmt.Sprintf("%s is held by %s", in.HostTraddr, h.Name)
	if in.Transport != "rdma" && in.RouteErr == nil && in.Route.Type != "local" && in.Route.Iface != h.Name {
		return check(SectionPath, "host-traddr", Warn, ev+", but the route to "+in.Traddr.String()+" leaves through "+in.Route.Iface,
			"use an address of "+in.Route.Iface+", or route the target through "+h.Name)
	}
	return check(SectionPath, "host-traddr", OK, ev, "")
}

func hostIfaceCheck(in PathInput, iface string) Check {
	if _, ok := netroute.ByName(in.Ifaces, in.HostIface); !ok {
		return check(SectionPath, "host-iface", Fail, "no interface "+quote(in.HostIface)+" on this host", "name one of this host's interfaces (ip -o link)")
	}
	if in.HostIface != iface {
		return check(SectionPath, "host-iface", Fail, fmt.Sprintf("%s is not on the route: the connection leaves through %s", in.HostIface, iface),
			"name "+iface+", or route the target through "+in.HostIface)
	}
	return check(SectionPath, "host-iface", OK, in.HostIface+" is on the route", "")
}

// gidCheck looks for a GID of the source address on iface's RDMA ports.
func gidCheck(devs []rdma.Device, iface string, src netip.Addr) Check {
	var types []string
	ib, iwarp := false, false
	for _, d := range devs {
		for _, p := range d.Ports {
			on := false
			for _, n := range p.Netdevs {
				on = on || n.Name == iface
			}
			if !on {
				continue
			}
			ib = ib || p.LinkLayer == "InfiniBand"
			iwarp = iwarp || d.NodeType == "RNIC"
			for _, g := range p.GIDs {
				if g.Addr() == src.Unmap() && (g.Netdev == "" || g.Netdev == iface) {
					types = append(types, fmt.Sprintf("%s/%d index %d %s", d.Name, p.Number, g.Index, g.Type))
				}
			}
		}
	}
	name := "source gid"
	switch {
	case iwarp:
		return check(SectionPath, name, OK, "iWARP device on "+iface+": it connects over TCP/IP from "+src.String()+" and has no address GIDs", "")
	case ib:
		return check(SectionPath, name, OK, "InfiniBand link layer on "+iface+": rdma_cm resolves "+src.String()+" through IPoIB", "")
	case len(types) == 0:
		return check(SectionPath, name, Fail, "no GID for "+src.String()+" on the RDMA device of "+iface,
			"the GID table follows the interface's addresses: check that "+src.String()+" is assigned to "+iface+" (ip addr add ADDR/PREFIX dev "+iface+")")
	}
	sort.Strings(types)
	all := strings.Join(types, ", ")
	if !strings.Contains(all, " v2") && strings.Contains(all, " v1") {
		return check(SectionPath, name, Warn, "only RoCE v1 GIDs for "+src.String()+": "+all+"; RoCE v1 does not cross IP routers",
			"use a NIC or firmware with RoCE v2, or keep host and target in one L2 segment")
	}
	return check(SectionPath, name, OK, "GIDs for "+src.String()+": "+all, "")
}

// sharers lists the interfaces other than lo with an address in the subnet
// of src on iface or in a subnet holding the target.
func sharers(in PathInput, iface string, src netip.Addr) (netip.Prefix, []netroute.Sharer) {
	var subnet netip.Prefix
	if h, ok := netroute.ByName(in.Ifaces, iface); ok {
		subnet, _ = netroute.PrefixOf(h, src)
	}
	if !subnet.IsValid() {
		return subnet, nil
	}
	mine := netroute.Sharer{Iface: iface, Prefix: subnet}
	return subnet.Masked(), append([]netroute.Sharer{mine}, netroute.SameSubnet(in.Ifaces, iface, subnet)...)
}

func subnetFix(in PathInput, iface string) string {
	_, src := in.Judged()
	_, sh := sharers(in, iface, src)
	for _, s := range sh {
		if s.Iface != iface && len(rdma.OnNetdev(in.Devs, s.Iface)) > 0 {
			return fmt.Sprintf("give %s and %s separate subnets (ip addr del %s dev %s), or pin the source to the RDMA interface: --host-traddr %s",
				s.Iface, iface, subnetAddr(in, iface, src), iface, s.Prefix.Addr())
		}
	}
	return "connect through an interface with an RDMA device: give it an address in the target's subnet, or pin the source with --host-traddr ADDR"
}

func subnetAddr(in PathInput, iface string, src netip.Addr) string {
	if h, ok := netroute.ByName(in.Ifaces, iface); ok {
		if p, ok := netroute.PrefixOf(h, src); ok {
			return p.String()
		}
	}
	return src.String()
}

func subnetCheck(in PathInput, iface string, src netip.Addr) Check {
	name := "same subnet"
	subnet, sh := sharers(in, iface, src)
	if !subnet.IsValid() {
		return check(SectionPath, name, Skip, fmt.Sprintf("%s holds no prefix of %s", iface, src), "")
	}
	if len(sh) < 2 {
		return check(SectionPath, name, OK, fmt.Sprintf("only %s has an address in %s", iface, subnet), "")
	}
	var parts []string
	rdmaElsewhere := false
	for _, s := range sh {
		ports := rdma.OnNetdev(in.Devs, s.Iface)
		d := "no RDMA device"
		if len(ports) > 0 {
			d = "RDMA " + join(ports)
			rdmaElsewhere = rdmaElsewhere || s.Iface != iface
		}
		parts = append(parts, fmt.Sprintf("%s (%s, %s)", s.Iface, s.Prefix, d))
	}
	ev := fmt.Sprintf("%s share %s; the connection to %s takes %s", strings.Join(parts, " and "), subnet, in.Traddr, iface)
	fix := subnetFix(in, iface)
	if in.Transport == "rdma" && len(rdma.OnNetdev(in.Devs, iface)) == 0 && rdmaElsewhere {
		return check(SectionPath, name, Fail, ev+", the one without an RDMA device", fix)
	}
	return check(SectionPath, name, Warn, ev+": the kernel may route this subnet's traffic through either",
		"give each interface its own subnet; for RDMA pin the source with --host-traddr")
}
