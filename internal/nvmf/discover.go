package nvmf

import (
	"errors"
	"fmt"

	"github.com/gonvme/gonvme/discovery"
	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/internal/sysfs"
	"github.com/gonvme/gonvme/nqn"
)

// MaxDiscoveryRetries bounds the re-reads of a discovery log whose
// generation counter keeps changing (nvme-cli uses the same figure).
const MaxDiscoveryRetries = 10

// Default ports and timeouts, as nvme-cli and the kernel use them.
const (
	DefaultRDMAPort         = "4420"
	DefaultTCPDiscoveryPort = "8009"
	DefaultTCPIOPort        = "4420"
	DefaultCtrlLossTmo      = 600
	PersistentDiscoveryKato = 30
)

// DefaultTrsvcid returns the port nvme-cli assumes when none is given.
func DefaultTrsvcid(transport string, discoveryController bool) string {
	switch transport {
	case "rdma":
		return DefaultRDMAPort
	case "tcp":
		if discoveryController {
			return DefaultTCPDiscoveryPort
		}
		return DefaultTCPIOPort
	}
	return ""
}

// Target is one discovery controller to ask, with where it was configured
// ("command line", "/etc/nvme/discovery.conf:3", …) for messages.
type Target struct {
	Options fabrics.Options
	Where   string
	// Persistent keeps the discovery controller made for this target, as
	// configured for it (config.json "persistent", discovery.conf
	// --persistent).
	Persistent bool
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

// discoveryOptions turns a target's options into the options of a discovery
// controller connect, the way nvme-cli does: the well-known NQN unless
// another is given (then the discovery flag), the default port, no I/O
// queue or authentication settings, and a keep-alive timeout only when
// persistent.
func discoveryOptions(o fabrics.Options, persistent bool) fabrics.Options {
	o.Defaults = copyDefaults(o.Defaults)
	if o.NQN == "" {
		o.NQN = nqn.Discovery
	}
	o.Discovery = o.NQN != nqn.Discovery
	if o.Trsvcid == "" {
		o.Trsvcid = DefaultTrsvcid(o.Transport, true)
		o.Defaults["trsvcid"] = true
	}
	o.NrIOQueues, o.NrWriteQueues, o.NrPollQueues, o.QueueSize = nil, nil, nil, nil
	o.DHCHAPSecret, o.DHCHAPCtrlSecret, o.Concat = "", "", false // concat needs the secret
	switch {
	case persistent && o.KeepAliveTmo == nil:
		o.KeepAliveTmo = fabrics.Int(PersistentDiscoveryKato)
		o.Defaults["keep_alive_tmo"] = true
	case !persistent:
		o.KeepAliveTmo = nil
	}
	setCtrlLossDefault(&o)
	return o
}

// IOOptions fills in the defaults of an I/O controller connect.
func IOOptions(o fabrics.Options) fabrics.Options {
	o.Defaults = copyDefaults(o.Defaults)
	if o.Trsvcid == "" {
		if p := DefaultTrsvcid(o.Transport, false); p != "" {
			o.Trsvcid = p
			o.Defaults["trsvcid"] = true
		}
	}
	setCtrlLossDefault(&o)
	return o
}

func setCtrlLossDefault(o *fabrics.Options) {
	if o.CtrlLossTmo == nil && o.Transport != "loop" {
		o.CtrlLossTmo = fabrics.Int(DefaultCtrlLossTmo)
		o.Defaults["ctrl_loss_tmo"] = true
	}
}

func copyDefaults(m map[string]bool) map[string]bool {
	c := make(map[string]bool, len(m)+4)
	for k, v := range m {
		c[k] = v
	}
	return c
}

// keyOf is the sysfs match key of a connect.
func keyOf(o fabrics.Options) sysfs.PathKey {
	return sysfs.PathKey{
		Transport:  o.Transport,
		Traddr:     o.Traddr,
		Trsvcid:    o.Trsvcid,
		HostTraddr: o.HostTraddr,
		HostIface:  o.HostIface,
		SubsysNQN:  o.NQN,
	}
}

// Discover reads the discovery log of one discovery controller: an existing
// one named by o.Device, else a live one already connected to the same
// address (unless o.Force), else a new one that is deleted again unless
// o.Persistent.
func (e *Edge) Discover(t Target, o DiscoverOptions) (*Discovered, error) {
	topo, err := e.ScanPaths()
	if err != nil {
		return nil, err
	}
	return e.discover(sysfs.NewIndex(topo), topo, t, o)
}

func (e *Edge) discover(ix *sysfs.Index, topo *sysfs.Topology, t Target, o DiscoverOptions) (*Discovered, error) {
	t.Options = discoveryOptions(t.Options, o.Persistent)
	d := &Discovered{Target: t}
	var err error
	d.Controller, err = e.existing(ix, topo, t, o)
	if err != nil {
		return nil, err
	}
	d.Kept = d.Controller != ""
	if d.Controller == "" {
		reply, err := fabrics.Connect(e.Kernel, t.Options)
		if err != nil {
			return nil, fmt.Errorf("connecting a discovery controller%s: %w", t.from(), err)
		}
		d.Controller, d.Created, d.Kept = reply.Device(), true, o.Persistent
	}
	d.Log, d.Raw, err = e.fetchLog(d.Controller)
	if d.Created && !d.Kept {
		if derr := e.Delete(d.Controller); derr != nil {
			err = errors.Join(err, fmt.Errorf("removing discovery controller %s: %w", d.Controller, derr))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("discovery through %s at %s: %w", d.Controller, t, err)
	}
	return d, nil
}

// existing returns the discovery controller a discovery of t uses without
// connecting one: o.Device, else a live one at t's address (unless
// o.Force), else "". t.Options are discovery options already.
func (e *Edge) existing(ix *sysfs.Index, topo *sysfs.Topology, t Target, o DiscoverOptions) (string, error) {
	switch {
	case o.Device != "":
		c := topo.Controller(o.Device)
		if c == nil {
			return "", fmt.Errorf("discovery controller %s not found: no %s; list controllers with 'gonvme list-subsys'", o.Device, e.FS.Path("/sys/class/nvme/"+o.Device))
		}
		if !isDiscoveryController(c) {
			return "", fmt.Errorf("%s is not a discovery controller (it is connected to %s); name a discovery controller or use -t/-a", o.Device, c.SubsysNQN)
		}
		return c.Name, nil
	case !o.Force:
		if c := ix.Lookup(keyOf(t.Options)); c != nil && isDiscoveryController(c) {
			return c.Name, nil
		}
	}
	return "", nil
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
	if p.Existing, err = e.existing(sysfs.NewIndex(topo), topo, t, o); err != nil || p.Existing != "" {
		return p, err
	}
	if p.Opts, err = fabrics.Plan(e.Kernel, t.Options); err != nil {
		return p, fmt.Errorf("connecting a discovery controller%s: %w", t.from(), err)
	}
	return p, nil
}

func (e *Edge) fetchLog(ctrl string) (*discovery.Log, []byte, error) {
	dev, err := e.OpenAdmin(e.devPath(ctrl))
	if err != nil {
		return nil, nil, fmt.Errorf("opening %s: %w", e.devPath(ctrl), err)
	}
	defer dev.Close()
	return discovery.Fetch(dev, MaxDiscoveryRetries)
}

func isDiscoveryController(c *sysfs.Controller) bool {
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
