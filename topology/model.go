package topology

import (
	"cmp"
	"slices"
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

// sortNamespaces sorts ns by instance and namespace number.
func sortNamespaces(ns []Namespace) {
	slices.SortFunc(ns, func(a, b Namespace) int {
		ai, an, _ := SplitNamespaceName(a.Name)
		bi, bn, _ := SplitNamespaceName(b.Name)
		return cmp.Or(cmp.Compare(ai, bi), cmp.Compare(an, bn))
	})
}

// comparePathNames orders per-path names by subsystem, namespace, then
// controller.
func comparePathNames(a, b string) int {
	as, ac, an, _ := SplitPathName(a)
	bs, bc, bn, _ := SplitPathName(b)
	return cmp.Or(cmp.Compare(as, bs), cmp.Compare(an, bn), cmp.Compare(ac, bc))
}
