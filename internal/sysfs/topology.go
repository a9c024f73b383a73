package sysfs

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strconv"
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
	t := &Topology{}
	subsysOf := map[string]string{}
	names, err := listDir(fs, SubsystemClass)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		n, ok := subsystemInstance(name)
		if !ok {
			continue
		}
		s, err := scanSubsystem(fs, name, n)
		if err != nil {
			return nil, err
		}
		if s == nil {
			continue
		}
		for _, c := range s.Controllers {
			subsysOf[c] = s.Name
		}
		t.Subsystems = append(t.Subsystems, s)
	}

	names, err = listDir(fs, ControllerClass)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		n, ok := controllerInstance(name)
		if !ok {
			continue
		}
		c, err := scanController(fs, name, n)
		if err != nil {
			return nil, err
		}
		if c == nil {
			continue
		}
		c.Subsystem = subsysOf[name]
		t.Controllers = append(t.Controllers, c)
	}

	slices.SortFunc(t.Subsystems, func(a, b *Subsystem) int { return cmp.Compare(a.Instance, b.Instance) })
	slices.SortFunc(t.Controllers, func(a, b *Controller) int { return cmp.Compare(a.Instance, b.Instance) })
	return t, nil
}

// scanSubsystem reads one subsystem; nil when it vanished meanwhile.
func scanSubsystem(fs hostfs.FS, name string, instance int) (*Subsystem, error) {
	dir := path.Join(SubsystemClass, name)
	entries, err := listDir(fs, dir)
	if err != nil || entries == nil {
		return nil, err
	}
	r := attrReader{fs: fs, dir: dir}
	s := &Subsystem{
		Name:     name,
		Instance: instance,
		NQN:      r.read("subsysnqn"),
		Model:    r.read("model"),
		Serial:   r.read("serial"),
		Firmware: r.read("firmware_rev"),
		Type:     r.read("subsystype"),
		IOPolicy: r.read("iopolicy"),
	}
	var ctrls []int
	for _, e := range entries {
		if n, ok := controllerInstance(e); ok {
			ctrls = append(ctrls, n)
			continue
		}
		if _, _, ok := SplitNamespaceName(e); ok {
			s.Namespaces = append(s.Namespaces, readNamespace(&r, e))
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
func scanController(fs hostfs.FS, name string, instance int) (*Controller, error) {
	dir := path.Join(ControllerClass, name)
	entries, err := listDir(fs, dir)
	if err != nil || entries == nil {
		return nil, err
	}
	r := attrReader{fs: fs, dir: dir}
	c := &Controller{
		Name:       name,
		Instance:   instance,
		Transport:  r.read("transport"),
		RawAddress: r.read("address"),
		SubsysNQN:  r.read("subsysnqn"),
		HostNQN:    r.read("hostnqn"),
		HostID:     r.read("hostid"),
		State:      r.read("state"),
		Model:      r.read("model"),
		Serial:     r.read("serial"),
		Firmware:   r.read("firmware_rev"),
		CntrlType:  r.read("cntrltype"),
		DCType:     r.read("dctype"),
		NumaNode:   r.read("numa_node"),
		CntlID:     -1,
	}
	c.Address = ParseAddress(c.RawAddress)
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
			c.Namespaces = append(c.Namespaces, readNamespace(&r, e))
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
}

func (r *attrReader) read(attr string) string {
	if r.err != nil {
		return ""
	}
	v, err := r.fs.ReadAttr(path.Join(r.dir, attr))
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
