package nvmf

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gonvme/gonvme/topology"
)

// TransportID names the controllers of one path: every field that is set
// must match (SubsysNQN and HostNQN included).
type TransportID struct {
	Transport, Traddr, Trsvcid, HostTraddr, HostIface, HostNQN, SubsysNQN string
}

// String lists the fields that are set with the kernel's option names
// ("transport=tcp,traddr=10.0.0.5,trsvcid=4420").
func (id TransportID) String() string {
	var parts []string
	for _, f := range []struct{ name, v string }{
		{"transport", id.Transport}, {"traddr", id.Traddr}, {"trsvcid", id.Trsvcid}, {"host_traddr", id.HostTraddr},
		{"host_iface", id.HostIface}, {"hostnqn", id.HostNQN}, {"nqn", id.SubsysNQN},
	} {
		if f.v != "" {
			parts = append(parts, f.name+"="+f.v)
		}
	}
	return strings.Join(parts, ",")
}

func (id TransportID) matches(e *Edge, c *topology.Controller) bool {
	a := c.Address
	for _, f := range []struct{ want, have string }{
		{id.Transport, c.Transport}, {id.Traddr, a.Traddr}, {id.Trsvcid, a.Trsvcid},
		{id.HostTraddr, a.HostTraddr}, {id.HostIface, a.HostIface}, {id.SubsysNQN, c.SubsysNQN},
	} {
		if f.want != "" && f.want != f.have {
			return false
		}
	}
	if id.HostNQN == "" {
		return true
	}
	h := c.HostNQN
	if h == "" {
		h, _ = e.FS.ReadAttr(topology.ControllerClass + "/" + c.Name + "/hostnqn")
	}
	return h == id.HostNQN
}

// ErrInUse says a detach found a namespace of the subsystem in use.
var ErrInUse = errors.New("namespace in use")

// InUseError names the namespace that kept a detach from disconnecting.
type InUseError struct {
	Namespace string // "nvme1n1"
	Reason    string // "mounted on /mnt (device 259:3)", "held by dm-0", "open by pid 42"
}

func (e *InUseError) Error() string {
	return fmt.Sprintf("%s is in use: %s; unmount or close it first; nothing was disconnected", e.Namespace, e.Reason)
}

func (e *InUseError) Is(target error) bool { return target == ErrInUse }

// DisconnectNQN deletes every controller of the subsystem nqn (an error
// matching ErrNoController when there is none), workers at a time.
func (e *Edge) DisconnectNQN(ctx context.Context, nqn string, workers int) ([]DeleteResult, error) {
	return e.disconnectWhere(ctx, workers, func(c *topology.Controller) bool { return c.SubsysNQN == nqn },
		"subsystem "+nqn)
}

// DisconnectTransport deletes every controller id matches.
func (e *Edge) DisconnectTransport(ctx context.Context, id TransportID, workers int) ([]DeleteResult, error) {
	return e.disconnectWhere(ctx, workers, func(c *topology.Controller) bool { return id.matches(e, c) },
		"transport ID "+id.String())
}

// Disconnect deletes the controller called name ("nvme3").
func (e *Edge) Disconnect(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := e.Controller(name); err != nil {
		return err
	}
	return e.Delete(name)
}

func (e *Edge) disconnectWhere(ctx context.Context, workers int, match func(*topology.Controller) bool, what string) ([]DeleteResult, error) {
	t, err := e.ScanPaths()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, c := range t.Controllers {
		if match(c) {
			names = append(names, c.Name)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%w for %s", ErrNoController, what)
	}
	return e.deleteAll(ctx, names, workers)
}

// deleteAll deletes names and joins the failures into one error.
func (e *Edge) deleteAll(ctx context.Context, names []string, workers int) ([]DeleteResult, error) {
	res := e.DeleteControllers(ctx, names, workers)
	var errs []error
	for _, r := range res {
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("disconnecting %s: %w", r.Name, r.Err))
		}
	}
	return res, errors.Join(errs...)
}

// Detach disconnects the subsystem nqn as a volume detach should: under
// the host's attach lock (Lock), and only when none of its namespaces is
// mounted, held (by device-mapper, md, a partition's holder) or open;
// otherwise it deletes nothing and returns an *InUseError. A subsystem
// with no controller is detached already: no error.
func (e *Edge) Detach(ctx context.Context, nqn string) ([]DeleteResult, error) {
	unlock, err := e.Lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	t, err := e.ScanView(topology.NamespacesView)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, c := range t.Controllers {
		if c.SubsysNQN == nqn {
			names = append(names, c.Name)
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	var nsNames []string
	for _, ns := range SubsystemNamespaces(t, nqn) {
		nsNames = append(nsNames, ns.Name)
	}
	ns, reason, err := e.inUse(nsNames)
	if err != nil {
		return nil, err
	}
	if reason != "" {
		return nil, &InUseError{Namespace: ns, Reason: reason}
	}
	return e.deleteAll(ctx, names, DefaultDeleteWorkers)
}

// SubsystemNamespaces lists the namespace block devices of the subsystem
// nqn in t (read with topology.Everything or NamespacesView): its multipath namespaces, or
// the ones its controllers own when native multipath is off; by name.
func SubsystemNamespaces(t *topology.Topology, nqn string) []topology.Namespace {
	var out []topology.Namespace
	for _, s := range t.Subsystems {
		if s.NQN == nqn {
			out = append(out, s.Namespaces...)
		}
	}
	for _, c := range t.Controllers {
		if c.SubsysNQN == nqn {
			out = append(out, c.Namespaces...)
		}
	}
	slices.SortFunc(out, func(a, b topology.Namespace) int { return compareNames(a.Name, b.Name) })
	return slices.CompactFunc(out, func(a, b topology.Namespace) bool { return a.Name == b.Name })
}

// compareNames orders device names with their numbers compared as
// numbers ("nvme1n2" before "nvme1n10").
func compareNames(a, b string) int {
	for a != "" && b != "" {
		da, db := digitsPrefix(a), digitsPrefix(b)
		if da != "" && db != "" {
			if len(da) != len(db) {
				return len(da) - len(db)
			}
			if da != db {
				return strings.Compare(da, db)
			}
			a, b = a[len(da):], b[len(db):]
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func digitsPrefix(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}
