package nvmf

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/gonvme/gonvme/discovery"
	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nqn"
	"github.com/gonvme/gonvme/topology"
)

// Target is one discovery controller to ask, with where it was configured
// ("command line", "/etc/nvme/discovery.conf:3", …) for messages.
type Target struct {
	Options fabrics.Options
	Where   string
	// Persistent keeps the discovery controller made for this target, as
	// configured for it (config.json "persistent", discovery.conf
	// --persistent).
	Persistent bool
	// Force creates a new discovery controller for this target even if a
	// matching one exists (discovery.conf --force).
	Force bool
	// Device names an existing discovery controller ("nvme2") to read
	// instead of connecting one (connect-all --device).
	Device string
	// Quiet and Verbose are a discovery.conf line's --quiet and
	// --verbose, for what a caller reports.
	Quiet, Verbose bool
}

// from says where the target was configured, for messages.
func (t Target) from() string {
	if t.Where == "" {
		return ""
	}
	return " (from " + t.Where + ")"
}

// String describes the target for messages.
func (t Target) String() string {
	return t.Options.Target() + t.from()
}

// DiscoverOptions tunes one discovery.
type DiscoverOptions struct {
	// Persistent keeps a discovery controller that this call creates.
	Persistent bool
	// Force creates a new discovery controller even if a matching one
	// exists already.
	Force bool
	// Device names an existing discovery controller ("nvme2") to use.
	Device string
	// CtrlLossTmo, when set, is the ctrl_loss_tmo of a discovery
	// controller this call creates (-1: reconnect forever), in place of
	// the target's or the default.
	CtrlLossTmo *int
}

// Discovered is the outcome of one discovery.
type Discovered struct {
	Target     Target
	Controller string // the discovery controller used, "nvme2"
	Created    bool   // this call created Controller
	Kept       bool   // Controller still exists afterwards
	Log        *discovery.Log
	Raw        []byte // header and entries as read, for --raw
}

// Discover reads the discovery log of one discovery controller: an existing
// one named by o.Device, else a persistent one (a keep-alive timeout set)
// already connected to the same address for the same host (unless
// o.Force), else a new one that is deleted again unless o.Persistent.
// A temporary discovery controller of another process is never reused: it
// may vanish at any moment. When the persistent one fails (it went away
// meanwhile), Discover creates its own.
//
// A controller Discover created is removed, persistent or not, when its
// log cannot be read. When it could not be removed, the error holds a
// *CleanupError naming it (beside the result when the log was read).
func (e *Edge) Discover(t Target, o DiscoverOptions) (*Discovered, error) {
	return e.DiscoverContext(context.Background(), t, o)
}

// DiscoverContext is Discover, unless ctx is done already: then it asks
// nothing. A discovery under way when ctx is done finishes (it reads the
// log and removes its controller).
func (e *Edge) DiscoverContext(ctx context.Context, t Target, o DiscoverOptions) (*Discovered, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("not asked: %w", err)
	}
	topo, err := e.ScanPaths()
	if err != nil {
		return nil, err
	}
	return e.discover(e.newPathIndex(topo), t, o)
}

func (e *Edge) discover(ix *pathIndex, t Target, o DiscoverOptions) (*Discovered, error) {
	t.Options = discoveryOptions(t.Options, o.Persistent)
	if o.CtrlLossTmo != nil {
		t.Options.CtrlLossTmo = o.CtrlLossTmo
		delete(t.Options.Defaults, "ctrl_loss_tmo")
	}
	name, err := e.existing(ix, t, o)
	if err != nil {
		return nil, err
	}
	if name != "" {
		if o.Device != "" {
			t.Options = deviceTarget(t.Options, ix.topo.Controller(name))
		}
		d, err := e.readThrough(t, name)
		if err == nil || o.Device != "" {
			return d, err
		}
		// The persistent controller failed (it went away meanwhile):
		// connect one of our own.
	}
	v, err := t.Options.Check()
	if err != nil {
		return nil, fmt.Errorf("connecting a discovery controller%s: %w", t.from(), err)
	}
	s := e.Log.begin()
	reply, err := fabrics.Connect(e.Kernel, v)
	if err != nil {
		return nil, fmt.Errorf("connecting a discovery controller%s: %w", t.from(), s.wrap(err))
	}
	d := &Discovered{Target: t, Controller: reply.Device(), Created: true, Kept: o.Persistent}
	s.created(d.Controller)
	d.Log, d.Raw, err = e.fetchLog(d.Controller)
	var cleanup error
	if !d.Kept || err != nil {
		// Even a persistent one: the caller gets no result naming it.
		if derr := e.Delete(d.Controller); derr != nil {
			cleanup = &CleanupError{Controller: d.Controller, Err: derr}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("discovery through %s at %s: %w", d.Controller, t, s.wrap(errors.Join(err, cleanup)))
	}
	if cleanup != nil {
		return d, fmt.Errorf("discovery through %s at %s: %w", d.Controller, t, cleanup)
	}
	return d, nil
}

// existing returns the discovery controller a discovery of t uses without
// connecting one: o.Device, else a persistent one at t's address for t's
// host (unless o.Force), else "". t.Options are discovery options already.
func (e *Edge) existing(ix *pathIndex, t Target, o DiscoverOptions) (string, error) {
	switch {
	case o.Device != "":
		c := ix.topo.Controller(o.Device)
		if c == nil {
			return "", fmt.Errorf("discovery controller %s not found: no %s; list controllers with 'gonvme list-subsys'", o.Device, e.FS.Path("/sys/class/nvme/"+o.Device))
		}
		if !isDiscoveryController(c) {
			return "", fmt.Errorf("%s is not a discovery controller (it is connected to %s); name a discovery controller or use -t/-a", o.Device, c.SubsysNQN)
		}
		return c.Name, nil
	case !o.Force:
		if c := ix.lookup(t.Options); c != nil && isDiscoveryController(c) && e.persistent(c.Name) {
			return c.Name, nil
		}
	}
	return "", nil
}

// deviceTarget fills in the transport and address of an existing
// discovery controller c, so that the entries and referrals of its log
// are judged and connected as if it had been named with -t/-a/-s.
func deviceTarget(o fabrics.Options, c *topology.Controller) fabrics.Options {
	if o.Transport == "" {
		o.Transport, o.Traddr, o.Trsvcid = c.Transport, c.Address.Traddr, c.Address.Trsvcid
		if o.HostTraddr == "" {
			o.HostTraddr = c.Address.HostTraddr
		}
		if o.HostIface == "" {
			o.HostIface = c.Address.HostIface
		}
	}
	return o
}

// DiscoveryPlan is what a discovery of one target would do, found without
// changing anything: use the existing controller Existing, or write Opts
// (the option string, from fabrics.Plan) to connect a new one.
type DiscoveryPlan struct {
	Target   Target
	Existing string
	Opts     string
}

// PlanDiscover works out what Discover(t, o) would do first, writing
// nothing: which existing discovery controller it would use, or the option
// string of the one it would connect.
func (e *Edge) PlanDiscover(t Target, o DiscoverOptions) (DiscoveryPlan, error) {
	topo, err := e.ScanPaths()
	if err != nil {
		return DiscoveryPlan{}, err
	}
	t.Options = discoveryOptions(t.Options, o.Persistent)
	p := DiscoveryPlan{Target: t}
	if p.Existing, err = e.existing(e.newPathIndex(topo), t, o); err != nil || p.Existing != "" {
		return p, err
	}
	v, err := t.Options.Check()
	if err == nil {
		p.Opts, err = fabrics.Plan(e.Kernel, v)
	}
	if err != nil {
		return p, fmt.Errorf("connecting a discovery controller%s: %w", t.from(), err)
	}
	return p, nil
}

// readThrough reads the log through the existing controller ctrl.
func (e *Edge) readThrough(t Target, ctrl string) (*Discovered, error) {
	d := &Discovered{Target: t, Controller: ctrl, Kept: true}
	var err error
	if d.Log, d.Raw, err = e.fetchLog(ctrl); err != nil {
		return nil, fmt.Errorf("discovery through %s at %s: %w", ctrl, t, err)
	}
	return d, nil
}

// persistent reports whether the discovery controller name has a
// keep-alive timeout, as one created persistent does (a temporary one has
// none and lives only as long as its creator needs it).
func (e *Edge) persistent(name string) bool {
	v, err := e.FS.ReadAttr(topology.ControllerClass + "/" + name + "/kato")
	n, perr := strconv.Atoi(v)
	return err == nil && perr == nil && n > 0
}

// CleanupError says that a discovery controller created for one discovery
// could not be removed afterwards: it is still connected.
type CleanupError struct {
	Controller string
	Err        error
}

func (e *CleanupError) Error() string {
	return fmt.Sprintf("removing discovery controller %s: %v; it is still connected: remove it with 'gonvme disconnect -d %s'",
		e.Controller, e.Err, e.Controller)
}

func (e *CleanupError) Unwrap() error { return e.Err }

func (e *Edge) fetchLog(ctrl string) (*discovery.Log, []byte, error) {
	dev, err := e.OpenAdmin(e.devPath(ctrl))
	if err != nil {
		return nil, nil, fmt.Errorf("opening %s: %w", e.devPath(ctrl), err)
	}
	defer dev.Close()
	return discovery.Fetch(dev, discovery.DefaultRetries)
}

func isDiscoveryController(c *topology.Controller) bool {
	return c.CntrlType == "discovery" || c.SubsysNQN == nqn.Discovery
}

// entryTarget is the discovery target a referral entry points at.
func entryTarget(parent Target, e discovery.Entry) Target {
	o := parent.Options
	o.Transport, o.Traddr, o.Trsvcid, _ = entryAddress(e)
	o.NQN = e.SubNQN
	o.Discovery = false
	where := parent.Options.Traddr
	if parent.Options.Trsvcid != "" {
		where += ":" + parent.Options.Trsvcid
	}
	return Target{Options: o, Where: "referral from " + where}
}
