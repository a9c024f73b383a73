package doctor

import (
	"fmt"
	"strings"

	"github.com/gonvme/gonvme/internal/rdma"
)

// mtuChecks reports a port's active MTU (ibv_devinfo's active_mtu) and,
// on RoCE, warns when it is below the largest IB MTU that fits the MTU of
// an interface behind the port with the RoCE headers: rdma_cm then sends
// smaller packets than the network carries. iWARP runs over TCP, which
// segments by the interface MTU: no IB MTU to match there.
func mtuChecks(d rdma.Device, p rdma.Port, name string) []Check {
	name += " mtu"
	if p.MTUErr != nil {
		return []Check{check(SectionRDMA, name, Skip, "active MTU unknown: "+p.MTUErr.Error(), "")}
	}
	if p.ActiveMTU == 0 {
		return nil
	}
	ev := fmt.Sprintf("active MTU %d (max %d)", p.ActiveMTU, p.MaxMTU)
	if d.NodeType == "RNIC" || p.LinkLayer != "Ethernet" {
		if d.NodeType == "RNIC" {
			ev += "; iWARP: TCP segments by the interface MTU"
		}
		return []Check{check(SectionRDMA, name, OK, ev, "")}
	}
	var fits, low []string
	for _, n := range p.Netdevs {
		want := rdma.RoCEMTU(n.MTU)
		if want == 0 {
			continue
		}
		s := fmt.Sprintf("%s's MTU %d fits %d", n.Name, n.MTU, want)
		if p.ActiveMTU < want && p.ActiveMTU < p.MaxMTU {
			low = append(low, s)
		} else {
			fits = append(fits, s)
		}
	}
	if len(low) > 0 {
		return []Check{check(SectionRDMA, name, Warn,
			fmt.Sprintf("%s is below the largest RoCE MTU the interface carries: %s (with %d bytes of RoCE headers); RDMA sends smaller packets than it could",
				ev, strings.Join(low, ", "), rdma.RoCEHeaderBytes),
			fmt.Sprintf("the port did not follow the interface MTU: set it again (ip link set IFACE mtu N), check the NIC's port MTU (ibv_devinfo -d %s) and reload its driver or re-create the soft device", d.Name))}
	}
	if len(fits) > 0 {
		ev += "; largest RoCE MTU: " + strings.Join(fits, ", ")
	}
	return []Check{check(SectionRDMA, name, OK, ev, "")}
}
