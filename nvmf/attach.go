package nvmf

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nqn"
	"github.com/gonvme/gonvme/topology"
)

// ConnectContext connects one I/O path, with the I/O defaults filled in
// (IOOptions), and returns the new controller. When a controller already
// serves the path it returns that one with an error matching
// ErrAlreadyConnected, so an idempotent attach is one errors.Is.
//
// The kernel's connect cannot be interrupted: ctx is checked before it
// starts, and when ctx is done by the time the kernel returns, the
// controller it created is deleted again and ctx's error is returned.
// A cancelled connect leaves no controller behind.
func (e *Edge) ConnectContext(ctx context.Context, o fabrics.Options) (*topology.Controller, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, err := IOOptions(o).Check()
	if err != nil {
		return nil, err
	}
	name, err := e.Connect(v)
	if name == "" {
		return nil, err
	}
	if err == nil && ctx.Err() != nil {
		if derr := e.Delete(name); derr != nil {
			return nil, fmt.Errorf("%w; deleting %s, connected meanwhile, failed: %w", ctx.Err(), name, derr)
		}
		return nil, ctx.Err()
	}
	c, cerr := e.Controller(name)
	if cerr != nil {
		return nil, errors.Join(err, cerr)
	}
	return c, err
}

// Controller reads the controller called name ("nvme3") from sysfs, with
// the attributes of topology.PathsView and its controller ID.
func (e *Edge) Controller(name string) (*topology.Controller, error) {
	c, err := topology.ReadController(e.FS, name, topology.PathsView)
	if err != nil {
		return nil, fmt.Errorf("reading controller %s from %s: %w", name, e.FS.Path(topology.ControllerClass), err)
	}
	if c == nil {
		return nil, fmt.Errorf("controller %s: %w (no %s)", name, ErrNoController, e.FS.Path(topology.ControllerClass+"/"+name))
	}
	if v, err := e.FS.ReadAttr(topology.ControllerClass + "/" + name + "/cntlid"); err == nil {
		if id, err := strconv.Atoi(v); err == nil {
			c.CntlID = id
		}
	}
	return c, nil
}

// ConnectAll asks every target and the discovery controllers their logs
// refer to (Walk), then connects each path they offer that is not
// connected yet (ConnectPaths), as connect-all does. With o.Match set and
// no log offering that subsystem, the error matches ErrNotOffered.
// Failures of single discoveries and paths are in the report
// (Report.Failed).
func (e *Edge) ConnectAll(ctx context.Context, targets []Target, o WalkOptions) (*Report, error) {
	r, err := e.Walk(ctx, targets, o)
	if err != nil {
		return r, err
	}
	if o.Match != "" && !r.Connectable() && r.asked() {
		return r, fmt.Errorf("%w: no discovery controller asked offers %s (closest: %v)",
			ErrNotOffered, o.Match, Closest(o.Match, r.OfferedNQNs()))
	}
	e.ConnectPaths(ctx, r)
	return r, nil
}

// asked reports whether at least one discovery log was read.
func (r *Report) asked() bool {
	for _, d := range r.Discoveries {
		if d.Found != nil {
			return true
		}
	}
	return false
}

// Topology reads the whole host topology: subsystems, their controllers
// with state, namespaces and paths with ANA state.
func (e *Edge) Topology(ctx context.Context) (*topology.Topology, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return e.Scan()
}

// AttachOptions says which volume Attach connects.
type AttachOptions struct {
	// NQN is the subsystem of the volume.
	NQN string
	// Targets are the discovery controllers to find it through.
	Targets []Target
	// Template carries the settings of every I/O connect (identity,
	// timeouts: PodDefaults suits container volumes).
	Template fabrics.Options
	// Wait says which namespaces must have devices before Attach returns.
	Wait WaitOptions
}

// Attachment is an attached volume: the connect report and the
// namespaces, each with its device in /dev.
type Attachment struct {
	Report     *Report
	Namespaces []topology.Namespace
}

// Attach connects every path the targets offer to the subsystem o.NQN
// (paths connected already count), under the attach lock (Lock), and
// waits until its namespaces have devices. It fails when no path could be
// connected; a report with some failed paths and a working volume is not
// an error (see Report.Failed). When ctx is done, no new connect starts;
// the controllers already connected stay and are in the returned report,
// so the caller can keep or Detach them: none is left untracked.
func (e *Edge) Attach(ctx context.Context, o AttachOptions) (*Attachment, error) {
	unlock, err := e.Lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	rep, err := e.ConnectAll(ctx, o.Targets, WalkOptions{Template: o.Template, Match: o.NQN})
	if err != nil {
		return &Attachment{Report: rep}, err
	}
	var failures []error
	up := false
	for _, p := range rep.Paths {
		switch p.Outcome {
		case Connected, AlreadyConnected:
			up = true
		case Failed:
			failures = append(failures, fmt.Errorf("%s: %w", p.Options.Target(), p.Err))
		}
	}
	for _, d := range rep.Discoveries {
		if d.Err != nil && d.Found == nil {
			failures = append(failures, fmt.Errorf("discovery at %s: %w", d.Target, d.Err))
		}
	}
	if !up {
		if len(failures) == 0 {
			failures = append(failures, fmt.Errorf("%w: no discovery controller answered for %s", ErrNotOffered, o.NQN))
		}
		return &Attachment{Report: rep}, fmt.Errorf("attaching %s: no path connected: %w", o.NQN, errors.Join(failures...))
	}
	ns, err := e.WaitNamespaces(ctx, o.NQN, o.Wait)
	return &Attachment{Report: rep, Namespaces: ns}, err
}

// Identity resolves the host identity from the values
// given, then /etc/nvme/hostnqn and hostid (or LIBNVME_HOSTNQN and
// LIBNVME_HOSTID), then values derived from the machine; nqn.Resolve
// also takes config.json's first host, as gonvme connect does.
func (e *Edge) Identity(hostNQN, hostID string) (nqn.Identity, error) {
	return nqn.ResolveIdentity(e.FS, hostNQN, hostID)
}
