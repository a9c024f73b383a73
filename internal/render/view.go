package render

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/gonvme/gonvme/internal/compat"
	"github.com/gonvme/gonvme/topology"
)

// view is the host → subsystem → controller/namespace → path tree that
// nvme-cli prints from, built the way libnvme builds it so that the order
// matches byte for byte. libnvme reads directories in strcmp order
// (nvme1, nvme10, nvme2); up to 1.9 it inserts every host, subsystem,
// controller, namespace and path at the head of its list, so most lists
// come out in reverse name order: subsystems nvme-subsys2 before nvme-subsys0,
// controllers nvme3 before nvme2, namespaces nvme0n2 before nvme0n1. A
// namespace's paths are inserted while walking the (already reversed)
// controllers, and so come out in name order again. Hosts are keyed by the
// controllers' hostnqn and hostid; a subsystem reached with two host NQNs
// is listed under both, each with its own controllers, and its namespaces
// go to the last one found. From libnvme 1.10 (nvme-cli 2.10) every list
// is appended to instead (fwd), and comes out in name order.
type view struct {
	host  HostIdent
	fwd   bool // libnvme 1.10 on appends (compat.TreeForward)
	hosts []*viewHost
}

type viewHost struct {
	nqn, id    string
	subsystems []*viewSubsys
}

type viewSubsys struct {
	name, nqn  string
	sub        *topology.Subsystem // attributes; empty when sysfs has none
	ctrls      []*viewCtrl
	namespaces []*viewNS
}

type viewCtrl struct {
	c          *topology.Controller
	namespaces []topology.Namespace // the controller's own (multipath off)
	paths      []*viewPath
}

type viewNS struct {
	ns    topology.Namespace
	paths []*viewPath
}

type viewPath struct {
	path topology.PathNamespace
	ctrl *viewCtrl
	ns   *viewNS // nil when the path's namespace is not listed
}

// firstNamespacePaths returns the paths of the subsystem's first namespace.
func (s *viewSubsys) firstNamespacePaths() []*viewPath {
	if len(s.namespaces) == 0 {
		return nil
	}
	return s.namespaces[0].paths
}

// filter keeps parts of the topology out of a view, as nvme-cli's scan
// filters do; a nil filter keeps everything.
type filter interface {
	subsystem(name string) bool
	namespace(name string) bool
}

// deviceFilter is `list-subsys DEVICE`: the subsystem whose instance is the
// device's first number, its controllers, and that one namespace.
type deviceFilter struct {
	name   string
	subsys string
}

func newDeviceFilter(device string) (*deviceFilter, error) {
	name := path.Base(device)
	i, _, ok := topology.SplitNamespaceName(name)
	if !ok {
		return nil, fmt.Errorf("invalid device name %q: expected a namespace block device such as nvme0n1 or /dev/nvme0n1", device)
	}
	return &deviceFilter{name: name, subsys: fmt.Sprintf("nvme-subsys%d", i)}, nil
}

func (f *deviceFilter) subsystem(name string) bool { return name == f.subsys }
func (f *deviceFilter) namespace(name string) bool { return name == f.name }

// keepFunc adapts a namespace predicate (with every subsystem kept) to a
// filter.
type keepFunc func(name string) bool

func (keepFunc) subsystem(string) bool        { return true }
func (k keepFunc) namespace(name string) bool { return k(name) }

func newView(p compat.Profile, host HostIdent, t *topology.Topology, f filter) *view {
	v := &view{host: host, fwd: p.Has(compat.TreeForward)}
	ctrls := slices.Clone(t.Controllers)
	slices.SortFunc(ctrls, func(a, b *topology.Controller) int { return strings.Compare(a.Name, b.Name) })
	for _, c := range ctrls {
		v.addController(c, f)
	}
	subs := slices.Clone(t.Subsystems)
	slices.SortFunc(subs, func(a, b *topology.Subsystem) int { return strings.Compare(a.Name, b.Name) })
	for _, s := range subs {
		v.addSubsystem(s, f)
	}
	return v
}

// lookupHost finds or creates (at the head) the host for a host NQN and
// ID; an empty ID matches any host with that NQN.
func (v *view) lookupHost(hostNQN, hostID string) *viewHost {
	if hostNQN == "" {
		hostNQN, hostID = v.host.HostNQN, v.host.HostID
	}
	for _, h := range v.hosts {
		if h.nqn == hostNQN && (hostID == "" || h.id == hostID) {
			return h
		}
	}
	h := &viewHost{nqn: hostNQN, id: hostID}
	v.hosts = insert(v.fwd, v.hosts, h)
	return h
}

func (v *view) addController(c *topology.Controller, f filter) {
	h := v.lookupHost(c.HostNQN, c.HostID)
	if c.SubsysNQN == "" || c.Subsystem == "" {
		return
	}
	var s *viewSubsys
	for _, hs := range h.subsystems {
		if hs.nqn == c.SubsysNQN && hs.name == c.Subsystem {
			s = hs
			break
		}
	}
	if s == nil {
		s = &viewSubsys{name: c.Subsystem, nqn: c.SubsysNQN, sub: &topology.Subsystem{}}
		h.subsystems = insert(v.fwd, h.subsystems, s)
	}
	if f != nil && !f.subsystem(c.Subsystem) {
		return
	}
	if c.Transport == "" || (c.RawAddress == "" && c.Transport != "loop" && c.Transport != "pcie") {
		return
	}
	vc := &viewCtrl{c: c}
	for _, ns := range sortedByName(c.Namespaces) {
		if f == nil || f.namespace(ns.Name) {
			vc.namespaces = insert(v.fwd, vc.namespaces, ns)
		}
	}
	paths := slices.Clone(c.Paths)
	slices.SortFunc(paths, func(a, b topology.PathNamespace) int { return strings.Compare(a.Name, b.Name) })
	for _, p := range paths {
		vc.paths = insert(v.fwd, vc.paths, &viewPath{path: p, ctrl: vc})
	}
	s.ctrls = insert(v.fwd, s.ctrls, vc)
}

func (v *view) addSubsystem(sub *topology.Subsystem, f filter) {
	if sub.NQN == "" {
		return
	}
	var s *viewSubsys
	for _, h := range v.hosts {
		for _, hs := range h.subsystems {
			if hs.name == sub.Name {
				s = hs
				if hs.nqn == sub.NQN {
					hs.sub = sub
				}
			}
		}
	}
	switch {
	case s == nil:
		h := v.lookupHost(v.host.HostNQN, v.host.HostID)
		s = &viewSubsys{name: sub.Name, nqn: sub.NQN, sub: sub}
		h.subsystems = insert(v.fwd, h.subsystems, s)
	case s.nqn != sub.NQN:
		return
	}
	if f != nil && !f.subsystem(sub.Name) {
		v.remove(s)
		return
	}
	for _, ns := range sortedByName(sub.Namespaces) {
		if f != nil && !f.namespace(ns.Name) {
			continue
		}
		vn := &viewNS{ns: ns}
		s.namespaces = insert(v.fwd, s.namespaces, vn)
		inst, n, _ := topology.SplitNamespaceName(ns.Name)
		for _, vc := range s.ctrls {
			for _, p := range vc.paths {
				ps, _, pn, ok := topology.SplitPathName(p.path.Name)
				if ok && ps == inst && pn == n {
					vn.paths = insert(v.fwd, vn.paths, p)
					p.ns = vn
				}
			}
		}
	}
}

// remove drops a filtered-out subsystem from its host; the host stays.
func (v *view) remove(s *viewSubsys) {
	for _, h := range v.hosts {
		h.subsystems = slices.DeleteFunc(h.subsystems, func(x *viewSubsys) bool { return x == s })
	}
}

// insert adds x to the list as libnvme does: at the head, or (forward)
// at the tail.
func insert[T any](forward bool, list []T, x T) []T {
	if forward {
		return append(list, x)
	}
	return slices.Insert(list, 0, x)
}

func sortedByName(ns []topology.Namespace) []topology.Namespace {
	ns = slices.Clone(ns)
	slices.SortFunc(ns, func(a, b topology.Namespace) int { return strings.Compare(a.Name, b.Name) })
	return ns
}
