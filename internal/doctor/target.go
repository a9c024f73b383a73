package doctor

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"

	"github.com/gonvme/gonvme/discovery"
	"github.com/gonvme/gonvme/nvmf"
)

// TCPCheck judges a TCP connection attempt to addr ("host:port").
func TCPCheck(addr string, err error) Check {
	const name = "tcp port"
	if err == nil {
		return check(SectionTarget, name, OK, "something accepts connections on "+addr, "")
	}
	ev := "connecting to " + addr + ": " + err.Error()
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return check(SectionTarget, name, Fail, ev+": nothing listens there",
			"check the target's port (-s, nvmet: ports/N/addr_trsvcid and addr_traddr) and that the target is running")
	case errors.Is(err, syscall.ETIMEDOUT) || isTimeout(err):
		return check(SectionTarget, name, Fail, ev+": no answer", "a firewall drops the connection, or the address is wrong")
	}
	return check(SectionTarget, name, Fail, ev, "check the address and port")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// DiscoveryCheck judges the discovery connect to target ("rdma
// 169.254.99.1:4420") with the kernel's log lines about it.
func DiscoveryCheck(target string, d *nvmf.Discovered, err error, kernel []string) Check {
	const name = "discovery"
	if err == nil {
		how := "used the existing discovery controller " + d.Controller
		if d.Created {
			how = "discovery controller " + d.Controller + " created and deleted at once"
			if d.Kept {
				how = "discovery controller " + d.Controller + " created and kept"
			}
		}
		return check(SectionTarget, name, OK, fmt.Sprintf("%s answers: %s; log of %d records", target, how, len(d.Log.Entries)), "")
	}
	ev := err.Error() + kernelSuffix(kernel)
	switch {
	case kernelSays(kernel, "invalid service ID"):
		return check(SectionTarget, name, Fail, ev+": the RDMA connection reached "+target+" and was rejected: nothing listens on that port",
			"check the target's port (-s, usually 4420) and that it is enabled (nvmet: ports/N/addr_trsvcid, a subsystem linked)")
	case errors.Is(err, syscall.ECONNREFUSED):
		return check(SectionTarget, name, Fail, ev+": nothing listens at "+target+", or the target rejected the connection",
			"check the target's port (-s) and address (nvmet: ports/N/addr_*), and that the port links a subsystem")
	case errors.Is(err, syscall.ECONNRESET):
		return check(SectionTarget, name, Fail, ev+": the RDMA connection was reset or rejected: nothing listens at "+target+", or the route uses an interface without an RDMA device (see the path checks)",
			"fix the path checks first; else check the target's port (-s) and address")
	case errors.Is(err, syscall.ETIMEDOUT):
		return check(SectionTarget, name, Fail, ev+": no answer from "+target, "check that the target is up and reachable (ping) and that no firewall drops the port")
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EADDRNOTAVAIL), errors.Is(err, syscall.ENODEV):
		return check(SectionTarget, name, Fail, ev+": no usable way to "+target, "see the path checks")
	}
	return check(SectionTarget, name, Fail, ev, "see the kernel log (dmesg) for the transport's reason")
}

// Offered returns the ports ("rdma 169.254.99.1:4420") at which the log
// offers subsystem want, and the subsystems offered, closest to want first.
func Offered(log *discovery.Log, want string) (ports, closest []string) {
	var names []string
	seen := map[string]bool{}
	for _, e := range log.Entries {
		if e.SubType != discovery.SubTypeNVMe {
			continue
		}
		if e.SubNQN == want {
			ports = append(ports, fmt.Sprintf("%s %s:%s (port %d)", discovery.TrTypeString(e.TrType), quote(e.TrAddr), quote(e.TrSvcID), e.PortID))
		} else if !seen[e.SubNQN] {
			seen[e.SubNQN] = true
			names = append(names, e.SubNQN)
		}
	}
	for _, n := range nvmf.Closest(want, names) {
		closest = append(closest, quote(n))
	}
	return ports, closest
}

// ConnectResult is the outcome of doctor's one connect to a subsystem.
type ConnectResult struct {
	Device    string   // the controller connected, "nvme3"
	Existing  bool     // Device was connected before: left as it was
	DeleteErr error    // deleting Device again failed
	Kernel    []string // the kernel's log lines about the connect
}

// SubsystemChecks judges whether subsystem nqn is offered in the
// discovery log and whether this host (hostNQN) may connect to it.
func SubsystemChecks(log *discovery.Log, nqn, hostNQN string, cr ConnectResult, cerr error) []Check {
	ports, closest := Offered(log, nqn)
	notAllowed := cerr != nil && kernelSays(cr.Kernel, "is not allowed")
	var out []Check
	switch {
	case len(ports) > 0:
		out = append(out, check(SectionTarget, "subsystem offered", OK, quote(nqn)+" offered at "+join(ports), ""))
	case notAllowed:
		out = append(out, check(SectionTarget, "subsystem offered", Warn, quote(nqn)+" is not in this host's discovery log: the target leaves out subsystems a host may not use", ""))
	default:
		ev := quote(nqn) + " is not offered here"
		fix := "check the NQN (-n); the target offers no subsystem to this host"
		if len(closest) > 0 {
			ev += "; offered (closest first): " + join(closest)
			fix = "use one of the offered NQNs, or link the subsystem to this port on the target"
		}
		out = append(out, check(SectionTarget, "subsystem offered", Fail, ev, fix))
	}
	const name = "host allowed"
	switch {
	case cerr == nil && cr.Existing:
		out = append(out, check(SectionTarget, name, OK, "already connected as "+cr.Device+" (left as it is)", ""))
	case cerr == nil && cr.DeleteErr != nil:
		out = append(out, check(SectionTarget, name, Fail, "connected as "+cr.Device+" but deleting it failed: "+cr.DeleteErr.Error(),
			"gonvme disconnect -d "+cr.Device))
	case cerr == nil:
		out = append(out, check(SectionTarget, name, OK, quote(hostNQN)+" may connect: connected "+cr.Device+" and deleted it at once", ""))
	case notAllowed:
		out = append(out, check(SectionTarget, name, Fail, "the target refused "+quote(hostNQN)+": "+strings.Join(cr.Kernel, "; "),
			"add "+quote(hostNQN)+" to the subsystem's allowed hosts (nvmet: ln -s /sys/kernel/config/nvmet/hosts/HOSTNQN subsystems/NQN/allowed_hosts/), or set attr_allow_any_host"))
	case len(ports) == 0:
		out = append(out, check(SectionTarget, name, Skip, "the connect failed as for a subsystem the target does not have: "+cerr.Error(), ""))
	default:
		out = append(out, check(SectionTarget, name, Fail, "connecting to "+quote(nqn)+": "+cerr.Error()+kernelSuffix(cr.Kernel),
			"see the kernel's lines; check the host identity and the subsystem's settings on the target"))
	}
	return out
}

func kernelSays(lines []string, s string) bool {
	for _, l := range lines {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

func kernelSuffix(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return "; kernel: " + strings.Join(lines, "; ")
}
