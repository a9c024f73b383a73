package sysfs

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/gonvme/gonvme/internal/hostfs"
)

// Class directories the topology is read from.
const (
	ControllerClass = "/sys/class/nvme"
	SubsystemClass  = "/sys/class/nvme-subsystem"
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

// Scan reads the topology under fs. A host without /sys/class/nvme (the nvme
// modules are not loaded) has an empty topology. Each directory is listed
// once and only the attributes the Topology holds are read.
func Scan(fs hostfs.FS) (*Topology, error) {
	return scanTopology(fs, true)
}

// ScanPaths reads only the part of the topology that NewIndex, Lookup and a
// discovery controller check need, about a third of Scan's reads: each
// controller's Name, Instance, Transport, RawAddress, Address, SubsysNQN,
// State, CntrlType and Subsystem, and each subsystem's Name, Instance, Type
// and Controllers. Every other field is left empty; use Scan to show the
// topology.
func ScanPaths(fs hostfs.FS) (*Topology, error) {
	return scanTopology(fs, false)
}

func scanTopology(fs hostfs.FS, full bool) (*Topology, error) {
	t := &Topology{}
	subsysOf := map[string]string{}
	names, err := listDir(fs, SubsystemClass)
	if err != nil {
		return nil, err
	}
	subs, err := scanAll(names, subsystemInstance, func(name string, n int) (*Subsystem, error) {
		return scanSubsystem(fs, name, n, full)
	})
	if err != nil {
		return nil, err
	}
	for _, s := range subs {
		for _, c := range s.Controllers {
			subsysOf[c] = s.Name
		}
		t.Subsystems = append(t.Subsystems, s)
	}

	names, err = listDir(fs, ControllerClass)
	if err != nil {
		return nil, err
	}
	ctrls, err := scanAll(names, controllerInstance, func(name string, n int) (*Controller, error) {
		return scanController(fs, name, n, full)
	})
	if err != nil {
		return nil, err
	}
	for _, c := range ctrls {
		c.Subsystem = subsysOf[c.Name]
		t.Controllers = append(t.Controllers, c)
	}

	slices.SortFunc(t.Subsystems, func(a, b *Subsystem) int { return cmp.Compare(a.Instance, b.Instance) })
	slices.SortFunc(t.Controllers, func(a, b *Controller) int { return cmp.Compare(a.Instance, b.Instance) })
	return t, nil
}

// scanWorkers is how many directories Scan reads at once. Reading sysfs is
// all system calls; a few at a time keep every CPU busy.
const scanWorkers = 8

// scanAll reads the entries of names that instance accepts, several at a
// time, and returns those that still exist, in the order of names. The
// error is the one of the first failing entry in that order, as a serial
// scan would return it.
func scanAll[T any](names []string, instance func(string) (int, bool), read func(name string, n int) (*T, error)) ([]*T, error) {
	type job struct {
		name string
		n    int
	}
	var jobs []job
	for _, name := range names {
		if n, ok := instance(name); ok {
			jobs = append(jobs, job{name, n})
		}
	}
	out := make([]*T, len(jobs))
	errs := make([]error, len(jobs))
	workers := min(scanWorkers, len(jobs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) {
					return
				}
				out[i], errs[i] = read(jobs[i].name, jobs[i].n)
			}
		}()
	}
	wg.Wait()
	res := make([]*T, 0, len(jobs))
	for i := range jobs {
		if errs[i] != nil {
			return nil, errs[i]
		}
		if out[i] != nil {
			res = append(res, out[i])
		}
	}
	return res, nil
}

// scanSubsystem reads one subsystem; nil when it vanished meanwhile.
// Without full, only what ScanPaths promises is read.
func scanSubsystem(fs hostfs.FS, name string, instance int, full bool) (*Subsystem, error) {
	dir := path.Join(SubsystemClass, name)
	entries, err := listDir(fs, dir)
	if err != nil || entries == nil {
		return nil, err
	}
	r := newAttrReader(fs, dir)
	defer r.close()
	s := &Subsystem{Name: name, Instance: instance}
	if full {
		s.NQN = r.read("subsysnqn")
		s.Model = r.read("model")
		s.Serial = r.read("serial")
		s.Firmware = r.read("firmware_rev")
	}
	s.Type = r.read("subsystype")
	if full {
		s.IOPolicy = r.read("iopolicy")
	}
	var ctrls []int
	for _, e := range entries {
		if n, ok := controllerInstance(e); ok {
			ctrls = append(ctrls, n)
			continue
		}
		if !full {
			continue
		}
		if _, _, ok := SplitNamespaceName(e); ok {
			s.Namespaces = append(s.Namespaces, readNamespace(r, e))
		}
	}
	slices.Sort(ctrls)
	for _, n := range ctrls {
		s.Controllers = append(s.Controllers, "nvme"+strconv.Itoa(n))
	}
	sortNamespaces(s.Namespaces)
	return s, r.err
}

// scanController reads one controller; nil when it vanished meanwhile.
// Without full, only what ScanPaths promises is read.
func scanController(fs hostfs.FS, name string, instance int, full bool) (*Controller, error) {
	dir := path.Join(ControllerClass, name)
	entries, err := listDir(fs, dir)
	if err != nil || entries == nil {
		return nil, err
	}
	r := newAttrReader(fs, dir)
	defer r.close()
	c := &Controller{Name: name, Instance: instance, CntlID: -1}
	// The attributes are read in the same order either way, so that the
	// first error is the same.
	c.Transport = r.read("transport")
	c.RawAddress = r.read("address")
	c.SubsysNQN = r.read("subsysnqn")
	if full {
		c.HostNQN = r.read("hostnqn")
		c.HostID = r.read("hostid")
	}
	c.State = r.read("state")
	if full {
		c.Model = r.read("model")
		c.Serial = r.read("serial")
		c.Firmware = r.read("firmware_rev")
	}
	c.CntrlType = r.read("cntrltype")
	if full {
		c.DCType = r.read("dctype")
		c.NumaNode = r.read("numa_node")
	}
	c.Address = ParseAddress(c.RawAddress)
	if !full {
		return c, r.err
	}
	if id, err := strconv.Atoi(r.read("cntlid")); err == nil {
		c.CntlID = id
	}
	for _, e := range entries {
		if _, _, _, ok := SplitPathName(e); ok {
			c.Paths = append(c.Paths, PathNamespace{
				Name:     e,
				ANAState: r.read(e + "/ana_state"),
				NSID:     r.uint32(e + "/nsid"),
			})
			continue
		}
		if _, _, ok := SplitNamespaceName(e); ok {
			c.Namespaces = append(c.Namespaces, readNamespace(r, e))
		}
	}
	slices.SortFunc(c.Paths, func(a, b PathNamespace) int { return comparePathNames(a.Name, b.Name) })
	sortNamespaces(c.Namespaces)
	return c, r.err
}

func readNamespace(r *attrReader, name string) Namespace {
	return Namespace{
		Name:              name,
		NSID:              r.uint32(name + "/nsid"),
		Sectors:           r.uint64(name + "/size"),
		LBASize:           r.uint32(name + "/queue/logical_block_size"),
		PhysicalBlockSize: r.uint32(name + "/queue/physical_block_size"),
		UUID:              r.read(name + "/uuid"),
		NGUID:             r.read(name + "/nguid"),
		EUI:               r.read(name + "/eui"),
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
