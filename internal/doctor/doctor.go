package doctor

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/internal/netroute"
	"github.com/gonvme/gonvme/internal/rdma"
	"github.com/gonvme/gonvme/keyring"
	"github.com/gonvme/gonvme/nqn"
	"github.com/gonvme/gonvme/nvmf"
)

// Probes are doctor's edges to the host. The privileged ones (Supported,
// Discover, Connect) are nil when not running as root: their checks are
// then skipped.
type Probes struct {
	FS         hostfs.FS
	Supported  func() (fabrics.Supported, error)
	Route      func(netroute.Query) (netroute.Route, error)
	Interfaces func() ([]netroute.Interface, error)
	DialTCP    func(addr string) error
	// Discover reads the discovery log at o's address, with the kernel's
	// log lines about it.
	Discover func(o fabrics.Options) (*nvmf.Discovered, []string, error)
	// Connect connects one I/O controller and deletes it again unless it
	// existed before.
	Connect func(o fabrics.Options) (ConnectResult, error)
	// QueryPorts asks a uverbs device for its ports' MTUs; nil leaves
	// them unknown.
	QueryPorts rdma.PortQuerier
	// TLSLayerMissing says the kernel lacks its TLS layer, and Cipher
	// whether it has the cipher kernel TLS uses (nvmf.Edge's, neither
	// loading anything); nil: not asked.
	TLSLayerMissing func() bool
	Cipher          func() nvmf.CipherState
	// FindKeyring finds a keyring by description and ListKeys lists a
	// keyring's keys (package keyring); nil as non-root.
	FindKeyring func(desc string) (int, error)
	ListKeys    func(ring int) ([]keyring.Key, error)
}

// Request is what to check: the host alone (Options.Traddr empty), the
// path to a target, or with Options.NQN a subsystem there. Options carry
// the host identity and the -w/-f of the connects doctor may make; with
// Options.TLS the TLS checks run too, and those connects use TLS.
type Request struct {
	Options fabrics.Options
}

// Run runs the checklist.
func Run(p Probes, r Request) Report {
	o := r.Options
	checks := HostChecks(p.FS, o.Transport, p.Supported)
	if o.TLS {
		checks = append(checks, TLSChecks(gatherTLS(p, o))...)
	}
	devs, derr := rdma.Read(p.FS)
	if o.Transport != "tcp" {
		if p.QueryPorts != nil {
			rdma.ReadMTUs(p.FS, devs, p.QueryPorts)
		}
		checks = append(checks, RDMAChecks(devs, derr, o.Transport == "rdma")...)
	}
	if o.Traddr == "" {
		return NewReport(checks)
	}
	in, err := gatherPath(p, o, devs)
	if err != nil {
		checks = append(checks, check(SectionPath, "interfaces", Fail, err.Error(), ""))
		return NewReport(checks)
	}
	checks = append(checks, PathChecks(in)...)
	return NewReport(append(checks, targetChecks(p, o)...))
}

// Path gathers the path facts of a connect with options o.
func Path(p Probes, o fabrics.Options) (PathInput, error) {
	devs, err := rdma.Read(p.FS)
	if err != nil {
		return PathInput{}, err
	}
	return gatherPath(p, o, devs)
}

func gatherPath(p Probes, o fabrics.Options, devs []rdma.Device) (PathInput, error) {
	in := PathInput{Transport: o.Transport, HostIface: o.HostIface, Devs: devs}
	var err error
	if in.Traddr, err = netip.ParseAddr(o.Traddr); err != nil {
		return in, fmt.Errorf("target address %s: %w", quote(o.Traddr), err)
	}
	if o.HostTraddr != "" {
		if in.HostTraddr, err = netip.ParseAddr(o.HostTraddr); err != nil {
			return in, fmt.Errorf("--host-traddr %s: %w", quote(o.HostTraddr), err)
		}
	}
	if in.Ifaces, err = p.Interfaces(); err != nil {
		return in, fmt.Errorf("listing network interfaces: %w", err)
	}
	q := netroute.Query{Dst: in.Traddr}
	if in.Transport != "rdma" {
		// TCP binds the socket to -w and -f, so the kernel routes from
		// them; rdma_cm binds the device by the source address instead.
		q.Src = in.HostTraddr
		if i, ok := netroute.ByName(in.Ifaces, o.HostIface); ok {
			q.IfIndex = i.Index
		}
	}
	in.Route, in.RouteErr = p.Route(q)
	return in, nil
}

func targetChecks(p Probes, o fabrics.Options) []Check {
	var out []Check
	if o.Trsvcid == "" {
		o.Trsvcid = nvmf.DefaultTrsvcid(o.Transport, o.NQN == "")
	}
	where := o.Transport + " " + net.JoinHostPort(o.Traddr, o.Trsvcid)
	if o.Transport == "tcp" {
		tc := TCPCheck(net.JoinHostPort(o.Traddr, o.Trsvcid), p.DialTCP(net.JoinHostPort(o.Traddr, o.Trsvcid)))
		out = append(out, tc)
		if tc.Status == Fail {
			return out
		}
	}
	if p.Discover == nil {
		out = append(out, needsRoot(SectionTarget, "discovery", "connecting a discovery controller to "+where))
		if o.NQN != "" {
			out = append(out, needsRoot(SectionTarget, "host allowed", "connecting to "+quote(o.NQN)))
		}
		return out
	}
	dOpts := o
	dOpts.NQN = ""
	d, lines, err := p.Discover(dOpts)
	dc := DiscoveryCheck(where, d, err, lines)
	if o.TLS && errors.Is(err, nvmf.ErrNoKey) {
		dc.Fix = "a TLS discovery controller needs a PSK of its own: gonvme check-tls-key --insert -n " + o.HostNQN + " -c " + nqn.Discovery +
			" -d <the target's PSK> (or gen-tls-key --insert, and give the target the same)"
	}
	out = append(out, dc)
	if err != nil || o.NQN == "" {
		return out
	}
	cr, cerr := p.Connect(nvmf.IOOptions(o))
	return append(out, SubsystemChecks(d.Log, o.NQN, o.HostNQN, cr, cerr)...)
}
