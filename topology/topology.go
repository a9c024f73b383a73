package topology

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/gonvme/gonvme/hostfs"
)

// Class directories the topology is read from.
const (
	ControllerClass = "/sys/class/nvme"
	SubsystemClass  = "/sys/class/nvme-subsystem"
)

// Where the kernel keeps the devices the class directories link to: every
// subsystem, and every fabrics controller (RDMA, TCP, loop). A scan opens
// these once and each device relative to them, a one-component lookup
// instead of the walk through the class link; a device not found there
// (a PCIe or FC controller sits under its adapter) is opened through its
// class link.
const (
	subsystemDevices = "/sys/devices/virtual/nvme-subsystem"
	fabricsDevices   = "/sys/devices/virtual/nvme-fabrics/ctl"
)

// Controller is one NVMe controller, /sys/class/nvme/nvmeN. Each field names
// the attribute it comes from; an attribute the kernel does not provide
// leaves its field empty.
type Controller struct {
	Name       string  // "nvme3"
	Instance   int     // 3
	Transport  string  // transport: rdma, tcp, fc, loop, pcie
	RawAddress string  // address, as the kernel prints it
	Address    Address // address, parsed
	SubsysNQN  string  // subsysnqn
	HostNQN    string  // hostnqn
	HostID     string  // hostid
	State      string  // state: live, connecting, resetting, deleting, dead …
	Model      string  // model
	Serial     string  // serial
	Firmware   string  // firmware_rev
	CntrlType  string  // cntrltype: io, discovery, admin
	DCType     string  // dctype: none, ddc, cdc
	NumaNode   string  // numa_node
	CntlID     int     // cntlid; -1 when absent
	// Subsystem is the nvme-subsystem directory that links to this
	// controller ("nvme-subsys2"), "" if none does.
	Subsystem string
	// Paths are the hidden per-path devices nvmeScCnM of multipath
	// namespaces reached through this controller.
	Paths []PathNamespace
	// Namespaces are the block devices nvmeCnM this controller owns alone,
	// as the kernel creates them when native multipath is off.
	Namespaces []Namespace
}

// PathNamespace is one controller's path to a multipath namespace, a hidden
// device such as nvme2c3n1.
type PathNamespace struct {
	Name     string // "nvme2c3n1"
	ANAState string // ana_state: optimized, non-optimized, inaccessible …
	NSID     uint32 // nsid
}

// Subsystem is one NVM subsystem, /sys/class/nvme-subsystem/nvme-subsysN.
type Subsystem struct {
	Name        string // "nvme-subsys2"
	Instance    int    // 2
	NQN         string // subsysnqn
	Model       string // model
	Serial      string // serial
	Firmware    string // firmware_rev
	Type        string // subsystype: nvm, discovery
	IOPolicy    string // iopolicy: numa, round-robin, queue-depth
	Controllers []string
	// Namespaces are the multipath namespace block devices nvmeSnM.
	Namespaces []Namespace
}

// Namespace is a namespace block device: a multipath head nvmeSnM under its
// subsystem, or a controller's own nvmeCnM when multipath is off.
type Namespace struct {
	Name              string // "nvme2n1"
	NSID              uint32 // nsid
	Sectors           uint64 // size, in 512-byte units whatever the LBA size
	LBASize           uint32 // queue/logical_block_size
	PhysicalBlockSize uint32 // queue/physical_block_size
	UUID              string // uuid
	NGUID             string // nguid
	EUI               string // eui
}

// Topology is every NVMe controller and subsystem of the host. Both lists,
// and every list inside them, are sorted by instance number (nvme2 before
// nvme10).
type Topology struct {
	Controllers []*Controller
	Subsystems  []*Subsystem
}

// Controller returns the controller called name ("nvme3"), or nil.
func (t *Topology) Controller(name string) *Controller {
	for _, c := range t.Controllers {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// SubsystemOf returns the subsystem c belongs to, or nil.
func (t *Topology) SubsystemOf(c *Controller) *Subsystem {
	if c == nil || c.Subsystem == "" {
		return nil
	}
	for _, s := range t.Subsystems {
		if s.Name == c.Subsystem {
			return s
		}
	}
	return nil
}

// A View is the part of the topology a scan reads: everything, or only what
// one command needs. Fields outside a view are left empty (CntlID -1). The
// names, instances and controller ↔ subsystem links are always read.
type View int

const (
	// Everything is the whole Topology (list -v, and anything that shows
	// the attributes of controllers or namespaces).
	Everything View = iota
	// PathsView is what NewIndex, Lookup and a discovery controller check
	// need, about a third of Everything's reads: each controller's
	// Transport, RawAddress, Address, SubsysNQN, State and CntrlType, and
	// each subsystem's Type.
	PathsView
	// SubsystemsView is what list-subsys shows: each controller's
	// Transport, RawAddress, Address, HostNQN, HostID and State, its
	// SubsysNQN (its subsystem's NQN), and the names of its per-path
	// namespaces (not its own namespaces); each subsystem's NQN and the
	// names of its namespaces and its IOPolicy.
	SubsystemsView
	// NamespacesView is what list needs to show and order the namespace
	// block devices: each subsystem's NQN, Model, Serial, Firmware and the
	// names of its namespaces; each controller's HostNQN, HostID,
	// SubsysNQN (its subsystem's NQN) and the names of its per-path and
	// own namespaces; and for the controllers that own namespaces
	// themselves (native multipath off) also Transport, RawAddress,
	// Address, State, Model, Serial and Firmware. Namespaces have their
	// names only (list identifies them; see ReadNamespace).
	NamespacesView
)

func (v View) String() string {
	switch v {
	case Everything:
		return "Everything"
	case PathsView:
		return "PathsView"
	case SubsystemsView:
		return "SubsystemsView"
	case NamespacesView:
		return "NamespacesView"
	}
	return "View(" + strconv.Itoa(int(v)) + ")"
}

// plan is which attributes a View reads.
type plan struct {
	ctrlPath      scope // transport, address, state
	ctrlSubsysNQN bool  // the controller's own subsysnqn; else its subsystem's NQN
	ctrlHost      bool  // hostnqn, hostid
	ctrlIdent     scope // model, serial, firmware_rev
	ctrlType      bool  // cntrltype
	ctrlMisc      bool  // dctype, numa_node, cntlid
	ctrlPaths     depth // per-path namespaces
	// pathsFromBlock takes the per-path namespaces' names from /sys/block
	// (nvmeScCnN names its controller) instead of each controller's
	// directory: with nothing else to list there, a controller's
	// attributes are then read without opening its directory.
	pathsFromBlock bool
	ctrlNS         depth // the controller's own namespaces
	subNQN         bool  // subsysnqn
	subIdent       bool  // model, serial, firmware_rev
	subType        bool  // subsystype
	subIOPolicy    bool  // iopolicy
	subNS          depth // namespace heads
}

// scope says for which controllers an attribute group is read.
type scope int

const (
	never     scope = iota
	withOwnNS       // controllers that own namespaces
	always
)

// covers reports whether s reads the group for a controller that owns
// namespaces (ownNS) or not.
func (s scope) covers(ownNS bool) bool { return s == always || (s == withOwnNS && ownNS) }

// depth says how much of a namespace (or path) entry is read.
type depth int

const (
	noEntries depth = iota // not listed
	namesOnly              // names from the directory listing
	allAttrs               // every attribute the type holds
)

func (v View) plan() plan {
	switch v {
	case PathsView:
		return plan{ctrlPath: always, ctrlSubsysNQN: true, ctrlType: true, subType: true}
	case SubsystemsView:
		return plan{ctrlPath: always, ctrlHost: true, ctrlPaths: namesOnly, pathsFromBlock: true, subNQN: true, subIOPolicy: true, subNS: namesOnly}
	case NamespacesView:
		return plan{ctrlPath: withOwnNS, ctrlHost: true, ctrlIdent: withOwnNS, ctrlPaths: namesOnly, ctrlNS: namesOnly,
			subNQN: true, subIdent: true, subNS: namesOnly}
	}
	return plan{ctrlPath: always, ctrlSubsysNQN: true, ctrlHost: true, ctrlIdent: always, ctrlType: true, ctrlMisc: true,
		ctrlPaths: allAttrs, ctrlNS: allAttrs, subNQN: true, subIdent: true, subType: true, subIOPolicy: true,
		subNS: allAttrs}
}

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
	if err := runAll(jobs); err != nil {
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

// scanWorkers is how many directories a scan reads at once. Reading sysfs
// is all system calls; a few at a time keep every CPU busy.
const scanWorkers = 8

// runAll runs jobs, several at a time, and returns the error of the first
// failing job in the order of jobs, as running them one after another
// would.
func runAll(jobs []func() error) error {
	errs := make([]error, len(jobs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(scanWorkers, len(jobs)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) {
					return
				}
				errs[i] = jobs[i]()
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
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

// entryPrefix starts the name of every directory entry a scan looks at:
// controllers, namespaces and per-path namespaces.
const entryPrefix = "nvme"

// openListed opens the device name of class (through devs when it is
// there) for reading its attributes, and lists its entries that start
// with entryPrefix. A device that does not exist (it vanished meanwhile)
// yields a nil reader and no error; close the reader when done.
func openListed(fs hostfs.FS, devs parent, class, name string) (*attrReader, []string, error) {
	dir := path.Join(class, name)
	r := &attrReader{fs: fs, dir: dir}
	if devs.ok {
		r.open, r.ok = openAttrDirAt(devs.d, name, fs.Path(dir))
	}
	if !r.ok {
		r.open, r.ok = openAttrDir(fs.Path(dir))
	}
	var entries []string
	var err error
	if r.ok {
		var all int
		entries, all, err = r.open.names(entryPrefix)
		if err != nil {
			err = fmt.Errorf("reading the NVMe topology: %w", err)
		} else if all == 0 {
			// Every controller and subsystem directory holds attributes;
			// an empty one was removed after it was opened.
			entries = nil
		}
	} else if entries, err = listDir(fs, dir); entries != nil {
		entries = slices.DeleteFunc(entries, func(e string) bool { return !strings.HasPrefix(e, entryPrefix) })
	}
	if err != nil || entries == nil {
		if err != nil && gone(err) {
			err = nil
		}
		r.close()
		return nil, nil, err
	}
	return r, entries, nil
}

// parent is an open directory that devices are opened relative to; ok is
// false when it could not be opened.
type parent struct {
	d  attrDir
	ok bool
}

func openParent(fs hostfs.FS, dir string) parent {
	d, ok := openAttrDir(fs.Path(dir))
	return parent{d, ok}
}

func (p parent) close() {
	if p.ok {
		p.d.close()
	}
}

// listDir lists a directory's entry names; a missing directory yields nil
// and no error.
func listDir(fs hostfs.FS, dir string) ([]string, error) {
	entries, err := fs.ReadDir(dir)
	if err != nil {
		if gone(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("reading the NVMe topology: %w", err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names, nil
}

// attrReader reads the attributes of one sysfs directory and keeps the first
// error other than a missing attribute.
type attrReader struct {
	fs  hostfs.FS
	dir string
	err error
	// open, when ok, reads attributes relative to an open directory.
	open attrDir
	ok   bool
}

// newAttrReader opens dir for reading its attributes; close it when done.
func newAttrReader(fs hostfs.FS, dir string) *attrReader {
	r := &attrReader{fs: fs, dir: dir}
	r.open, r.ok = openAttrDir(fs.Path(dir))
	return r
}

func (r *attrReader) close() {
	if r.ok {
		r.open.close()
	}
}

func (r *attrReader) read(attr string) string {
	if r.err != nil {
		return ""
	}
	var v string
	var err error
	if r.ok {
		v, err = r.open.read(attr)
	} else {
		v, err = r.fs.ReadAttr(path.Join(r.dir, attr))
	}
	if err != nil {
		if !gone(err) {
			r.err = fmt.Errorf("reading the NVMe topology: %w", err)
		}
		return ""
	}
	return v
}

func (r *attrReader) uint64(attr string) uint64 {
	n, _ := strconv.ParseUint(r.read(attr), 10, 64)
	return n
}

func (r *attrReader) uint32(attr string) uint32 {
	n, _ := strconv.ParseUint(r.read(attr), 10, 32)
	return uint32(n)
}

// gone reports whether err says a file does not exist, or that its device
// went away while it was read.
func gone(err error) bool {
	return errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENODEV) || errors.Is(err, syscall.ENXIO)
}

func sortNamespaces(ns []Namespace) {
	slices.SortFunc(ns, func(a, b Namespace) int {
		ai, an, _ := SplitNamespaceName(a.Name)
		bi, bn, _ := SplitNamespaceName(b.Name)
		return cmp.Or(cmp.Compare(ai, bi), cmp.Compare(an, bn))
	})
}

func comparePathNames(a, b string) int {
	as, ac, an, _ := SplitPathName(a)
	bs, bc, bn, _ := SplitPathName(b)
	return cmp.Or(cmp.Compare(as, bs), cmp.Compare(an, bn), cmp.Compare(ac, bc))
}
