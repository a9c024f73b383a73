package render

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/gonvme/gonvme/internal/compat"
	"github.com/gonvme/gonvme/internal/sysfs"
)

// HostIdent is the host's default identity, from /etc/nvme/hostnqn and
// /etc/nvme/hostid ("" when a file is missing). Controllers that report no
// host NQN, and subsystems without any controller, are listed under it.
type HostIdent struct{ HostNQN, HostID string }

// SubsysText writes `nvme list-subsys` as the profile's nvme-cli prints
// it, for example 2.3's:
//
//	nvme-subsys0 - NQN=nqn.2026-11.io.gonvme:test1
//	\
//	 +- nvme0 rdma traddr=169.254.99.1,trsvcid=4420 live
//
// Before 2.5 a subsystem with namespaces lists the paths of its first
// namespace (one per controller that has one, with a trailing space where
// the ANA state is left empty); otherwise, and from 2.5 always, it lists
// its controllers. verbose is -v, which from 2.11 adds attribute lines.
func SubsysText(w io.Writer, p compat.Profile, host HostIdent, t *sysfs.Topology, verbose bool) error {
	return subsysText(w, p, newView(p, host, t, nil), false, verbose)
}

// SubsysJSON writes `nvme list-subsys -o json` as the profile's nvme-cli
// prints it: [{"HostNQN","HostID","Subsystems":[{"Name","NQN",…,"Paths":
// [{"Name","Transport","Address","State"}]}]}], the subsystem keys
// between NQN and Paths depending on the release and on verbose. HostID
// is left out for a host without one.
func SubsysJSON(w io.Writer, p compat.Profile, host HostIdent, t *sysfs.Topology, verbose bool) error {
	return subsysJSON(w, p, newView(p, host, t, nil), false, verbose)
}

// SubsysDeviceText writes `nvme list-subsys DEVICE`: only the subsystem of
// the namespace block device (a name such as "nvme0n1" or a path such as
// "/dev/nvme0n1") and the paths to that namespace, each followed by its ANA
// state.
func SubsysDeviceText(w io.Writer, p compat.Profile, host HostIdent, t *sysfs.Topology, device string, verbose bool) error {
	f, err := newDeviceFilter(device)
	if err != nil {
		return err
	}
	return subsysText(w, p, newView(p, host, t, f), true, verbose)
}

// SubsysDeviceJSON is SubsysDeviceText's JSON form: paths gain "ANAState".
func SubsysDeviceJSON(w io.Writer, p compat.Profile, host HostIdent, t *sysfs.Topology, device string, verbose bool) error {
	f, err := newDeviceFilter(device)
	if err != nil {
		return err
	}
	return subsysJSON(w, p, newView(p, host, t, f), true, verbose)
}

// subsysPaths is what a subsystem's "+-" lines show: the paths of its
// first namespace, or nil for its controllers.
func subsysPaths(p compat.Profile, s *viewSubsys, showANA bool) []*viewPath {
	if p.Has(compat.SubsysControllers) && !showANA {
		return nil
	}
	return s.firstNamespacePaths()
}

func subsysText(w io.Writer, p compat.Profile, v *view, showANA, verbose bool) error {
	var b bytes.Buffer
	first := true
	for _, h := range v.hosts {
		for _, s := range h.subsystems {
			if p.Has(compat.SubsysSkipEmpty) && len(s.ctrls) == 0 {
				continue
			}
			if !first && p.Has(compat.SubsysHostNQN) {
				b.WriteString("\n")
			}
			first = false
			fmt.Fprintf(&b, "%s - NQN=%s\n", s.name, textSafe(s.nqn))
			indent := strings.Repeat(" ", max(len(s.name), 1)+3)
			attr := func(key, val string) { fmt.Fprintf(&b, "%s%s=%s\n", indent, key, textSafe(val)) }
			if p.Has(compat.SubsysHostNQN) {
				attr("hostnqn", h.nqn)
			}
			if p.Has(compat.SubsysIOPolicy) {
				attr("iopolicy", s.sub.IOPolicy)
			}
			if verbose {
				if p.Has(compat.SubsysModelVerbose) {
					attr("model", s.sub.Model)
				}
				if p.Has(compat.SubsysSerialVerbose) {
					attr("serial", s.sub.Serial)
				}
				if p.Has(compat.SubsysModelVerbose) {
					attr("firmware", s.sub.Firmware)
				}
				if p.Has(compat.SubsysIOPolicyVerbose) {
					attr("iopolicy", s.sub.IOPolicy)
				}
				if p.Has(compat.SubsysTypeVerbose) {
					attr("type", s.sub.Type)
				}
			}
			b.WriteString("\\\n")
			if paths := subsysPaths(p, s, showANA); len(paths) > 0 {
				for _, vp := range paths {
					ana := ""
					if showANA {
						ana = vp.path.ANAState
					}
					c := vp.ctrl.c
					fmt.Fprintf(&b, " +- %s %s %s %s %s\n", c.Name, c.Transport, textSafe(c.RawAddress), c.State, ana)
				}
				continue
			}
			for _, vc := range s.ctrls {
				c := vc.c
				fmt.Fprintf(&b, " +- %s %s %s %s\n", c.Name, c.Transport, textSafe(c.RawAddress), c.State)
			}
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

func subsysJSON(w io.Writer, p compat.Profile, v *view, showANA, verbose bool) error {
	hosts := jsonArray{}
	for _, h := range v.hosts {
		subsystems := jsonArray{}
		for _, s := range h.subsystems {
			if p.Has(compat.SubsysSkipEmpty) && len(s.ctrls) == 0 {
				continue
			}
			paths := jsonArray{}
			pathObj := func(c *sysfs.Controller) jsonObject {
				return jsonObject{
					{"Name", c.Name},
					{"Transport", c.Transport},
					{"Address", c.RawAddress},
					{"State", c.State},
				}
			}
			if mp := subsysPaths(p, s, showANA); len(mp) > 0 {
				for _, vp := range mp {
					o := pathObj(vp.ctrl.c)
					if showANA {
						o = append(o, jsonField{"ANAState", vp.path.ANAState})
					}
					paths = append(paths, o)
				}
			} else {
				for _, vc := range s.ctrls {
					paths = append(paths, pathObj(vc.c))
				}
			}
			o := jsonObject{{"Name", s.name}, {"NQN", s.nqn}}
			if p.Has(compat.SubsysJSONIOPolicy) {
				o = append(o, jsonField{"IOPolicy", s.sub.IOPolicy})
			}
			if p.Has(compat.SubsysJSONType) {
				o = append(o, jsonField{"Type", s.sub.Type})
			}
			if verbose && p.Has(compat.SubsysJSONVerbose) {
				o = append(o, jsonField{"Model", s.sub.Model})
				if p.Has(compat.SubsysSerialVerbose) {
					o = append(o, jsonField{"Serial", s.sub.Serial})
				}
				o = append(o, jsonField{"Firmware", s.sub.Firmware}, jsonField{"IOPolicy", s.sub.IOPolicy}, jsonField{"Type", s.sub.Type})
			}
			subsystems = append(subsystems, append(o, jsonField{"Paths", paths}))
		}
		o := jsonObject{{"HostNQN", h.nqn}}
		if h.id != "" {
			o = append(o, jsonField{"HostID", h.id})
		}
		hosts = append(hosts, append(o, jsonField{"Subsystems", subsystems}))
	}
	return writeJSON(w, p, hosts)
}

// view is the host → subsystem → controller/namespace → path tree that
// nvme-cli 2.3 prints from, built the way libnvme 1.3 builds it so that the
// order matches byte for byte. libnvme 1.3 reads directories in strcmp order
// (nvme1, nvme10, nvme2) and inserts every host, subsystem, controller,
// namespace and path at the head of its list, so most lists come out in
// reverse name order: subsystems nvme-subsys2 before nvme-subsys0,
// controllers nvme3 before nvme2, namespaces nvme0n2 before nvme0n1. A
// namespace's paths are inserted while walking the (already reversed)
// controllers, and so come out in name order again. Hosts are keyed by the
// controllers' hostnqn and hostid; a subsystem reached with two host NQNs
// is listed under both, each with its own controllers, and its namespaces
// go to the last one found.
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
	sub        *sysfs.Subsystem // attributes; empty when sysfs has none
	ctrls      []*viewCtrl
	namespaces []*viewNS
}

type viewCtrl struct {
	c          *sysfs.Controller
	namespaces []sysfs.Namespace // the controller's own (multipath off)
	paths      []*viewPath
}

type viewNS struct {
	ns    sysfs.Namespace
	paths []*viewPath
}

type viewPath struct {
	path sysfs.PathNamespace
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
	i, _, ok := sysfs.SplitNamespaceName(name)
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

func newView(p compat.Profile, host HostIdent, t *sysfs.Topology, f filter) *view {
	v := &view{host: host, fwd: p.Has(compat.TreeForward)}
	ctrls := slices.Clone(t.Controllers)
	slices.SortFunc(ctrls, func(a, b *sysfs.Controller) int { return strings.Compare(a.Name, b.Name) })
	for _, c := range ctrls {
		v.addController(c, f)
	}
	subs := slices.Clone(t.Subsystems)
	slices.SortFunc(subs, func(a, b *sysfs.Subsystem) int { return strings.Compare(a.Name, b.Name) })
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

func (v *view) addController(c *sysfs.Controller, f filter) {
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
		s = &viewSubsys{name: c.Subsystem, nqn: c.SubsysNQN, sub: &sysfs.Subsystem{}}
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
	slices.SortFunc(paths, func(a, b sysfs.PathNamespace) int { return strings.Compare(a.Name, b.Name) })
	for _, p := range paths {
		vc.paths = insert(v.fwd, vc.paths, &viewPath{path: p, ctrl: vc})
	}
	s.ctrls = insert(v.fwd, s.ctrls, vc)
}

func (v *view) addSubsystem(sub *sysfs.Subsystem, f filter) {
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
		inst, n, _ := sysfs.SplitNamespaceName(ns.Name)
		for _, vc := range s.ctrls {
			for _, p := range vc.paths {
				ps, _, pn, ok := sysfs.SplitPathName(p.path.Name)
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

func sortedByName(ns []sysfs.Namespace) []sysfs.Namespace {
	ns = slices.Clone(ns)
	slices.SortFunc(ns, func(a, b sysfs.Namespace) int { return strings.Compare(a.Name, b.Name) })
	return ns
}
