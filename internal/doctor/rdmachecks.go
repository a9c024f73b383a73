package doctor

import (
	"fmt"
	"strings"

	"github.com/gonvme/gonvme/internal/rdma"
)

// RDMAChecks checks each RDMA port: its state, the interfaces behind it
// and its GID table. required (a -t rdma run) makes a host without RDMA
// devices fail.
func RDMAChecks(devs []rdma.Device, readErr error, required bool) []Check {
	if readErr != nil {
		return []Check{check(SectionRDMA, "devices", Fail, readErr.Error(), "check that sysfs is mounted at /sys")}
	}
	if len(devs) == 0 {
		st, fix := Skip, ""
		if required {
			st, fix = Fail, "load the NIC's RDMA driver (mlx5_ib, irdma, …) or add a soft device: rdma link add rxe0 type rxe netdev IFACE"
		}
		return []Check{check(SectionRDMA, "devices", st, "no RDMA devices in "+rdma.ClassDir, fix)}
	}
	var out []Check
	for _, d := range devs {
		for _, p := range d.Ports {
			out = append(out, portChecks(d, p)...)
		}
	}
	return out
}

func portChecks(d rdma.Device, p rdma.Port) []Check {
	name := fmt.Sprintf("%s port %d", d.Name, p.Number)
	var out []Check
	ev := fmt.Sprintf("state %s, physical state %s, link layer %s, node type %s", p.State, p.PhysState, p.LinkLayer, d.NodeType)
	if p.State == "ACTIVE" {
		out = append(out, check(SectionRDMA, name, OK, ev, ""))
	} else {
		fix := "bring the link up: ip link set IFACE up, check the cable and switch port"
		if p.LinkLayer == "InfiniBand" {
			fix = "an InfiniBand port needs a subnet manager (opensm) and a link: check the cable and 'ibstat'"
		}
		out = append(out, check(SectionRDMA, name, Warn, ev, fix))
	}
	var nds []string
	for _, n := range p.Netdevs {
		nds = append(nds, fmt.Sprintf("%s (%s, MTU %d)", n.Name, n.State, n.MTU))
		if !n.Up() {
			out = append(out, check(SectionRDMA, name+" netdev "+n.Name, Warn,
				fmt.Sprintf("%s behind %s is %s: RDMA traffic over it stops", n.Name, name, n.State), "ip link set "+n.Name+" up"))
		}
	}
	switch {
	case len(nds) > 0:
		out = append(out, check(SectionRDMA, name+" netdev", OK, strings.Join(nds, ", "), ""))
	case p.LinkLayer == "Ethernet":
		out = append(out, check(SectionRDMA, name+" netdev", Warn, "no network interface behind this RoCE port (empty GID table)",
			"give the port's interface an IP address; RoCE needs one to fill the GID table"))
	}
	out = append(out, mtuChecks(d, p, name)...)
	var gids []string
	for _, g := range p.GIDs {
		s := fmt.Sprintf("%d %s", g.Index, g.GID)
		if g.IPv4.IsValid() {
			s += " " + g.IPv4.String()
		}
		if g.Type != "" {
			s += " " + g.Type
		}
		if g.Netdev != "" {
			s += " " + g.Netdev
		}
		gids = append(gids, s)
	}
	if len(gids) == 0 {
		out = append(out, check(SectionRDMA, name+" gids", Warn, "the GID table is empty", "assign an IP address to the port's interface"))
	} else {
		out = append(out, check(SectionRDMA, name+" gids", OK, fmt.Sprintf("%d: %s", len(gids), strings.Join(gids, "; ")), ""))
	}
	return out
}
