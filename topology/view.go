package topology

import "strconv"

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
