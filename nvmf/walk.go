package nvmf

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"github.com/gonvme/gonvme/discovery"
	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/internal/pool"
	"github.com/gonvme/gonvme/topology"
)

// Limits on a discovery walk, so that a loop of referrals or a hostile log
// cannot make it run away.
const (
	MaxReferralDepth    = 8
	MaxDiscoveryTargets = 256
	discoveryWorkers    = 4
)

// Outcome says what happened to one path.
type Outcome int

// Path outcomes.
const (
	Connected Outcome = iota
	AlreadyConnected
	Failed
	NotAttempted // interrupted before its turn
	Skipped      // not connectable from this discovery controller; Err says why
)

func (o Outcome) String() string {
	switch o {
	case Connected:
		return "connected"
	case AlreadyConnected:
		return "already connected"
	case Failed:
		return "failed"
	case Skipped:
		return "skipped"
	}
	return "not attempted"
}

// PathResult is one I/O path that a discovery log listed.
type PathResult struct {
	Options fabrics.Options // what was (or would have been) connected
	Via     Target          // the discovery controller that listed it
	Device  string          // "nvme4" when connected or already connected
	Outcome Outcome
	// Refused is set on an AlreadyConnected path that the scan did not
	// find connected: the kernel refused its connect (EALREADY).
	Refused bool
	Err     error
}

// DiscoveryResult is one discovery controller asked during a walk.
type DiscoveryResult struct {
	Target Target
	Depth  int
	Found  *Discovered // nil when the log was not read (then Err says why)
	// Err is also set beside Found when only removing the discovery
	// controller failed (a *CleanupError).
	Err error
}

// Report is the outcome of a walk and its connects.
type Report struct {
	Discoveries []DiscoveryResult
	Paths       []PathResult
	offered     []string
}

// OfferedNQNs lists every subsystem NQN the discovery logs named, matched
// or not, in the order first seen.
func (r *Report) OfferedNQNs() []string { return r.offered }

// Failed reports whether anything in the walk or its connects failed or was
// left undone.
func (r *Report) Failed() bool {
	for _, d := range r.Discoveries {
		if d.Err != nil {
			return true
		}
	}
	for _, p := range r.Paths {
		if p.Outcome == Failed || p.Outcome == NotAttempted {
			return true
		}
	}
	return false
}

// Connectable reports whether any path of r is not Skipped.
func (r *Report) Connectable() bool {
	for _, p := range r.Paths {
		if p.Outcome != Skipped {
			return true
		}
	}
	return false
}

// WalkOptions tunes a discovery walk.
type WalkOptions struct {
	Persistent bool
	Force      bool
	// DiscoveryCtrlLossTmo, when set, is the ctrl_loss_tmo of the
	// discovery controllers the walk creates (see DiscoverOptions).
	DiscoveryCtrlLossTmo *int
	// Template carries the settings applied to every I/O connect (host
	// address and interface, identity, queue counts, timeouts, digests).
	Template fabrics.Options
	// Match, when set, keeps only the subsystems with this NQN.
	Match string
	// Configure, when set, adds configured settings to each I/O connect
	// before the defaults are filled in (config.json's ports); a path it
	// fails for is Failed with its error.
	Configure func(*fabrics.Options) error
}

// Walk asks every target and, breadth first, every discovery controller
// that their logs refer to, several at a time. It returns the discoveries
// in a deterministic order and the I/O paths they list, without duplicates.
func (e *Edge) Walk(ctx context.Context, targets []Target, o WalkOptions) (*Report, error) {
	topo, err := e.ScanPaths()
	if err != nil {
		return nil, err
	}
	ix := e.newPathIndex(topo)
	rep := &Report{}
	seenTarget := map[topology.PathKey]bool{}
	seenPath := map[topology.PathKey]bool{}
	seenNQN := map[string]bool{}
	level := make([]Target, 0, len(targets))
	for _, t := range targets {
		k := keyOf(discoveryOptions(t.Options, o.Persistent))
		if !seenTarget[k] {
			seenTarget[k] = true
			level = append(level, t)
		}
	}
	// A cancelled walk still goes through the remaining level, recording
	// each target there as not asked, so the report shows it failed.
	for depth := 0; len(level) > 0; depth++ {
		results := make([]DiscoveryResult, len(level))
		pool.Each(len(level), discoveryWorkers, func(i int) {
			t := level[i]
			results[i] = DiscoveryResult{Target: t, Depth: depth}
			if err := ctx.Err(); err != nil {
				results[i].Err = fmt.Errorf("not asked: %w", err)
				return
			}
			results[i].Found, results[i].Err = e.discover(ix, t, DiscoverOptions{
				Persistent: o.Persistent || t.Persistent, Force: o.Force || t.Force, Device: t.Device,
				CtrlLossTmo: o.DiscoveryCtrlLossTmo})
			if f := results[i].Found; f != nil && t.Device != "" {
				// The named controller's own transport and address.
				results[i].Target.Options = f.Target.Options
			}
		})
		var next []Target
		for _, r := range results {
			rep.Discoveries = append(rep.Discoveries, r)
			if r.Found == nil {
				continue
			}
			for _, ent := range r.Found.Log.Entries {
				skip := entrySkip(r.Target, ent)
				if ent.SubType == discovery.SubTypeNVMe && skip == "" && !seenNQN[ent.SubNQN] {
					seenNQN[ent.SubNQN] = true
					rep.offered = append(rep.offered, ent.SubNQN)
				}
				if ent.SubType != discovery.SubTypeReferral && ent.SubType != discovery.SubTypeNVMe ||
					ent.SubType == discovery.SubTypeNVMe && o.Match != "" && ent.SubNQN != o.Match {
					continue
				}
				// A skipped referral is reported only when every subsystem
				// is wanted: it says nothing about one NQN.
				if skip != "" {
					if ent.SubType == discovery.SubTypeReferral && o.Match != "" {
						continue
					}
					p := skippedPath(r.Target, ent, skip)
					if k := keyOf(p.Options); !seenPath[k] {
						seenPath[k] = true
						rep.Paths = append(rep.Paths, p)
					}
					continue
				}
				switch ent.SubType {
				case discovery.SubTypeReferral:
					rt := entryTarget(r.Target, ent)
					k := keyOf(discoveryOptions(rt.Options, o.Persistent))
					if seenTarget[k] || depth+1 > MaxReferralDepth || len(seenTarget) >= MaxDiscoveryTargets {
						continue
					}
					seenTarget[k] = true
					next = append(next, rt)
				case discovery.SubTypeNVMe:
					p, err := pathOptions(o, r.Target, ent)
					k := keyOf(p)
					if seenPath[k] {
						continue
					}
					seenPath[k] = true
					pr := PathResult{Options: p, Via: r.Target, Outcome: NotAttempted}
					if err != nil {
						pr.Outcome, pr.Err = Failed, err
					}
					rep.Paths = append(rep.Paths, pr)
				}
			}
		}
		level = next
	}
	for i := range rep.Paths {
		if rep.Paths[i].Outcome != NotAttempted {
			continue
		}
		if c := ix.lookup(rep.Paths[i].Options); c != nil {
			rep.Paths[i].Outcome, rep.Paths[i].Device = AlreadyConnected, c.Name
		}
	}
	return rep, nil
}

// pathOptions builds the I/O connect of one discovery log entry, as
// nvme-cli does: the settings of the discovery target that listed it (a
// discovery.conf line or config.json port over the command line), then the
// template for what they leave out, then what w.Configure adds, then the
// defaults.
func pathOptions(w WalkOptions, via Target, ent discovery.Entry) (fabrics.Options, error) {
	o := via.Options
	o.FillFrom(w.Template)
	o.Transport, o.Traddr, o.Trsvcid, _ = entryAddress(ent)
	o.NQN = ent.SubNQN
	o.Discovery = false
	var err error
	if w.Configure != nil {
		err = w.Configure(&o)
	}
	o = IOOptions(o)
	if ent.TReq&discovery.TReqDisableSQFlow != 0 && !o.DisableSQFlow {
		o.DisableSQFlow = true
		o.Defaults["disable_sqflow"] = true
	}
	// A TCP port whose TSAS names a security type requires TLS: libnvme
	// connects it with tls.
	if o.Transport == "tcp" && ent.TCPSecType() != 0 && !o.TLS {
		o.TLS = true
		o.Defaults["tls"] = true
	}
	return o, err
}

// entrySkip says why a referral or subsystem entry listed by the discovery
// controller via is not followed, or returns "".
func entrySkip(via Target, ent discovery.Entry) string {
	transport, _, _, skip := entryAddress(ent)
	if skip == "" && transport != via.Options.Transport {
		skip = transportSkip(transport, via.Options.Transport, ent.SubType == discovery.SubTypeReferral)
	}
	switch {
	case skip == "":
		return ""
	case ent.SubType == discovery.SubTypeReferral:
		return "referral " + skip
	}
	return "entry " + skip
}

func skippedPath(via Target, ent discovery.Entry, skip string) PathResult {
	var o fabrics.Options
	o.Transport, o.Traddr, o.Trsvcid, _ = entryAddress(ent)
	o.NQN = ent.SubNQN
	return PathResult{Options: o, Via: via, Outcome: Skipped, Err: errors.New(skip)}
}

// ConnectPaths connects every path of r that is not connected yet, one
// after another (the kernel serializes connects anyway). It stops starting
// new connects when ctx is done; those paths stay NotAttempted. A path the
// kernel refuses with EALREADY (connected by someone else meanwhile) is
// AlreadyConnected, with the controller that serves it.
func (e *Edge) ConnectPaths(ctx context.Context, r *Report) {
	prog := Progress{}
	for _, p := range r.Paths {
		if p.Outcome == NotAttempted {
			prog.Total++
		}
	}
	for i := range r.Paths {
		p := &r.Paths[i]
		if p.Outcome != NotAttempted {
			continue
		}
		if err := ctx.Err(); err != nil {
			p.Err = fmt.Errorf("not attempted: %w", err)
			continue
		}
		s := e.Log.begin()
		reply, err := e.checkAndCreate(p.Options)
		if err != nil && p.Options.Defaults["disable_sqflow"] && errors.Is(err, syscall.EINVAL) {
			o := p.Options
			o.DisableSQFlow = false
			p.Options = o
			reply, err = e.checkAndCreate(o)
		}
		switch {
		case err == nil:
			p.Outcome, p.Device = Connected, reply.Device()
			s.created(p.Device)
		case errors.Is(err, syscall.EALREADY):
			p.Outcome, p.Err, p.Refused = AlreadyConnected, nil, true
			p.Device, _ = e.kernelSaysConnected(p.Options, err)
		default:
			p.Outcome, p.Err = Failed, s.wrap(err)
			prog.Failed++
		}
		prog.Done++
		e.progress(prog)
	}
}

// checkAndCreate validates the options of a path built from a discovery
// log entry, untrusted input, and creates its controller.
func (e *Edge) checkAndCreate(o fabrics.Options) (fabrics.Reply, error) {
	v, err := o.Check()
	if err != nil {
		return fabrics.Reply{}, err
	}
	return e.create(v)
}
