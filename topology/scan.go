package topology

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strconv"

	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/internal/pool"
)

// Scan reads the whole topology under fs. A host without /sys/class/nvme
// (the nvme modules are not loaded) has an empty topology. Each directory
// is listed once and only the attributes the Topology holds are read.
func Scan(fs hostfs.FS) (*Topology, error) {
	return ScanView(fs, Everything)
}

// ScanPaths reads PathsView: what matching paths and choosing controllers
// need. Use Scan to show the topology.
func ScanPaths(fs hostfs.FS) (*Topology, error) {
	return ScanView(fs, PathsView)
}

// ScanView reads the part of the topology under fs that v names.
func ScanView(fs hostfs.FS, v View) (*Topology, error) {
	p := v.plan()
	subNames, err := listClass(fs, SubsystemClass)
	if err != nil {
		return nil, err
	}
	ctrlNames, err := listClass(fs, ControllerClass)
	if err != nil {
		return nil, err
	}
	subDevs := openParent(fs, subsystemDevices)
	defer subDevs.close()
	ctrlDevs := openParent(fs, fabricsDevices)
	defer ctrlDevs.close()
	var blockPaths map[string][]PathNamespace
	if p.pathsFromBlock {
		if blockPaths, err = pathsByController(fs); err != nil {
			return nil, err
		}
	}

	// Subsystems and controllers are read by one pool of workers, in one
	// go: nothing of a controller depends on its subsystem until the end.
	var jobs []func() error
	var subs []*Subsystem
	var ctrls []*Controller
	for _, name := range subNames {
		if n, ok := subsystemInstance(name); ok {
			i := len(subs)
			subs = append(subs, nil)
			jobs = append(jobs, func() (err error) {
				subs[i], err = scanSubsystem(fs, subDevs, name, n, p)
				return err
			})
		}
	}
	for _, name := range ctrlNames {
		if n, ok := controllerInstance(name); ok {
			i := len(ctrls)
			ctrls = append(ctrls, nil)
			jobs = append(jobs, func() (err error) {
				ctrls[i], err = scanController(fs, ctrlDevs, name, n, p, blockPaths[name])
				return err
			})
		}
	}
	if err := pool.All(len(jobs), scanWorkers, func(i int) error { return jobs[i]() }); err != nil {
		return nil, err
	}

	t := &Topology{}
	subsysOf := map[string]*Subsystem{}
	for _, s := range subs {
		if s == nil { // vanished meanwhile
			continue
		}
		for _, c := range s.Controllers {
			subsysOf[c] = s
		}
		t.Subsystems = append(t.Subsystems, s)
	}
	for _, c := range ctrls {
		if c == nil {
			continue
		}
		if s := subsysOf[c.Name]; s != nil {
			c.Subsystem = s.Name
			if !p.ctrlSubsysNQN {
				// The kernel links a controller only into the subsystem
				// whose NQN it reports.
				c.SubsysNQN = s.NQN
			}
		}
		t.Controllers = append(t.Controllers, c)
	}
	slices.SortFunc(t.Subsystems, func(a, b *Subsystem) int { return cmp.Compare(a.Instance, b.Instance) })
	slices.SortFunc(t.Controllers, func(a, b *Controller) int { return cmp.Compare(a.Instance, b.Instance) })
	return t, nil
}

// scanWorkers is how many directories a scan reads at once. Reading sysfs
// is all system calls; a few at a time keep every CPU busy.
const scanWorkers = 8

// pathsByController lists the per-path namespace devices of /sys/block
// by the controller they belong to, each list sorted as Scan sorts it.
func pathsByController(fs hostfs.FS) (map[string][]PathNamespace, error) {
	names, err := listClass(fs, "/sys/block")
	if err != nil {
		return nil, err
	}
	out := map[string][]PathNamespace{}
	for _, n := range names {
		if _, c, _, ok := SplitPathName(n); ok {
			ctrl := "nvme" + strconv.Itoa(c)
			out[ctrl] = append(out[ctrl], PathNamespace{Name: n})
		}
	}
	for _, paths := range out {
		slices.SortFunc(paths, func(a, b PathNamespace) int { return comparePathNames(a.Name, b.Name) })
	}
	return out, nil
}

// listClass lists the entries of a class directory that may be devices
// (names starting with entryPrefix); a missing directory yields none.
func listClass(fs hostfs.FS, dir string) ([]string, error) {
	d, ok := openAttrDir(fs.Path(dir))
	if !ok {
		return listDir(fs, dir)
	}
	defer d.close()
	names, _, err := d.names(entryPrefix)
	if err != nil {
		return nil, fmt.Errorf("reading the NVMe topology: %w", err)
	}
	return names, nil
}

// ReadNamespace reads the NSID, size (in 512-byte sectors) and logical
// block size of the namespace block device name from /sys/block/NAME, for
// a Namespace scanned without them (NamespacesView). A device that does not
// exist yields zeros and no error.
func ReadNamespace(fs hostfs.FS, name string) (Namespace, error) {
	r := newAttrReader(fs, path.Join("/sys/block", name))
	defer r.close()
	ns := Namespace{Name: name}
	ns.NSID = r.uint32("nsid")
	ns.Sectors = r.uint64("size")
	ns.LBASize = r.uint32("queue/logical_block_size")
	return ns, r.err
}

// NamespaceNames lists the namespace block devices of the host ("nvme0n1",
// not the hidden per-path devices), sorted, from /sys/block.
func NamespaceNames(fs hostfs.FS) ([]string, error) {
	names, err := listClass(fs, "/sys/block")
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(names, func(n string) bool {
		_, _, ok := SplitNamespaceName(n)
		return !ok
	}), nil
}

// scanSubsystem reads one subsystem as p says; nil when it vanished
// meanwhile.
func scanSubsystem(fs hostfs.FS, devs parent, name string, instance int, p plan) (*Subsystem, error) {
	r, entries, err := openListed(fs, devs, SubsystemClass, name)
	if r == nil {
		return nil, err
	}
	defer r.close()
	s := &Subsystem{Name: name, Instance: instance}
	if p.subNQN {
		s.NQN = r.read("subsysnqn")
	}
	if p.subIdent {
		s.Model = r.read("model")
		s.Serial = r.read("serial")
		s.Firmware = r.read("firmware_rev")
	}
	if p.subType {
		s.Type = r.read("subsystype")
	}
	if p.subIOPolicy {
		s.IOPolicy = r.read("iopolicy")
	}
	var ctrls []int
	for _, e := range entries {
		if n, ok := controllerInstance(e); ok {
			ctrls = append(ctrls, n)
			continue
		}
		if p.subNS == noEntries {
			continue
		}
		if _, _, ok := SplitNamespaceName(e); ok {
			s.Namespaces = append(s.Namespaces, readNamespace(r, e, p.subNS))
		}
	}
	slices.Sort(ctrls)
	for _, n := range ctrls {
		s.Controllers = append(s.Controllers, "nvme"+strconv.Itoa(n))
	}
	sortNamespaces(s.Namespaces)
	return s, r.err
}

// scanController reads one controller as p says; nil when it vanished
// meanwhile. blockPaths are its per-path namespaces when p takes them from
// /sys/block.
func scanController(fs hostfs.FS, devs parent, name string, instance int, p plan, blockPaths []PathNamespace) (*Controller, error) {
	c := &Controller{Name: name, Instance: instance, CntlID: -1}
	var r *attrReader
	var entries []string
	transportRead := false
	if devs.ok && p.pathsFromBlock && p.ctrlNS == noEntries && p.ctrlPath == always && p.ctrlIdent != withOwnNS {
		// Nothing to list: read the attributes relative to the devices
		// directory. Every controller has a transport attribute; without
		// one there, the controller is elsewhere (PCIe, FC) or gone, and
		// is read through its class link below.
		dir := path.Join(ControllerClass, name)
		r = &attrReader{fs: fs, dir: dir, open: devs.d.within(name, fs.Path(dir)), ok: true}
		v, err := r.open.read("transport")
		switch {
		case err == nil:
			c.Transport, transportRead = v, true
		case !gone(err):
			return nil, fmt.Errorf("reading the NVMe topology: %w", err)
		default:
			r = nil
		}
	}
	if r == nil {
		var err error
		r, entries, err = openListed(fs, devs, ControllerClass, name)
		if r == nil {
			return nil, err
		}
	}
	defer r.close()
	ownNS := false
	for _, e := range entries {
		if _, _, ok := SplitNamespaceName(e); ok {
			ownNS = true
		}
	}
	// The attributes are read in the same order whatever the plan, so
	// that the first error is the same.
	readPath := p.ctrlPath.covers(ownNS)
	if readPath {
		if !transportRead {
			c.Transport = r.read("transport")
		}
		c.RawAddress = r.read("address")
	}
	if p.ctrlSubsysNQN {
		c.SubsysNQN = r.read("subsysnqn")
	}
	if p.ctrlHost {
		c.HostNQN = r.read("hostnqn")
		c.HostID = r.read("hostid")
	}
	if readPath {
		c.State = r.read("state")
	}
	if p.ctrlIdent.covers(ownNS) {
		c.Model = r.read("model")
		c.Serial = r.read("serial")
		c.Firmware = r.read("firmware_rev")
	}
	if p.ctrlType {
		c.CntrlType = r.read("cntrltype")
	}
	if p.ctrlMisc {
		c.DCType = r.read("dctype")
		c.NumaNode = r.read("numa_node")
		if id, err := strconv.Atoi(r.read("cntlid")); err == nil {
			c.CntlID = id
		}
	}
	c.Address = ParseAddress(c.RawAddress)
	if p.pathsFromBlock {
		c.Paths = slices.Clone(blockPaths)
	}
	for _, e := range entries {
		if _, _, _, ok := SplitPathName(e); ok {
			if p.ctrlPaths == noEntries || p.pathsFromBlock {
				continue
			}
			pn := PathNamespace{Name: e}
			if p.ctrlPaths == allAttrs {
				pn.ANAState = r.read(e + "/ana_state")
				pn.NSID = r.uint32(e + "/nsid")
			}
			c.Paths = append(c.Paths, pn)
			continue
		}
		if _, _, ok := SplitNamespaceName(e); ok && p.ctrlNS != noEntries {
			c.Namespaces = append(c.Namespaces, readNamespace(r, e, p.ctrlNS))
		}
	}
	slices.SortFunc(c.Paths, func(a, b PathNamespace) int { return comparePathNames(a.Name, b.Name) })
	sortNamespaces(c.Namespaces)
	return c, r.err
}

func readNamespace(r *attrReader, name string, d depth) Namespace {
	ns := Namespace{Name: name}
	if d == allAttrs {
		ns.NSID = r.uint32(name + "/nsid")
		ns.Sectors = r.uint64(name + "/size")
		ns.LBASize = r.uint32(name + "/queue/logical_block_size")
		ns.PhysicalBlockSize = r.uint32(name + "/queue/physical_block_size")
		ns.UUID = r.read(name + "/uuid")
		ns.NGUID = r.read(name + "/nguid")
		ns.EUI = r.read(name + "/eui")
	}
	return ns
}
