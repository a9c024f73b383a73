package monitor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nvmf"
)

// discoveryCtrlLossTmo keeps the monitor's discovery controllers through
// any outage: the kernel reconnects them for ever.
const discoveryCtrlLossTmo = -1

// Config is what the monitor keeps connected.
type Config struct {
	Targets []nvmf.Target
	// Walk is connect-all's walk: the template and Configure of every I/O
	// connect. Persistent and DiscoveryCtrlLossTmo are set by the monitor.
	Walk    nvmf.WalkOptions
	Backoff Backoff
	// DisconnectStale removes the I/O controllers the monitor connected
	// whose path left every log (once all of a target's logs were read).
	DisconnectStale bool
}

// Monitor is the state of the daemon. Its methods are not safe for
// concurrent use: one goroutine runs it.
type Monitor struct {
	host    Host
	clock   Clock
	walk    nvmf.WalkOptions
	backoff Backoff
	stale   bool
	targets []*target
}

// target is one configured discovery target and what the monitor knows of it.
type target struct {
	nvmf.Target
	key string
	// used are the discovery controllers its last walk read (its own and
	// its referrals'); created those of them the monitor connected, by
	// controller name, with the key of the target each serves.
	used    map[string]bool
	created map[string]string
	// io are the I/O controllers the monitor connected, with their path.
	io       map[string]string
	failures int
	due      time.Time // zero: nothing to do until an event
	lastErr  error
	genctr   uint64
	seen     bool // a log was read at least once
}

// New returns a monitor of cfg; every target is due at once.
func New(h Host, c Clock, cfg Config) *Monitor {
	m := &Monitor{host: h, clock: c}
	m.Configure(cfg)
	m.setTargets(cfg.Targets)
	return m
}

// Configure takes cfg's walk options, backoff and DisconnectStale for
// the walks to come (Reload changes the targets).
func (m *Monitor) Configure(cfg Config) {
	m.walk, m.backoff, m.stale = cfg.Walk, cfg.Backoff, cfg.DisconnectStale
	if m.backoff == (Backoff{}) {
		m.backoff = DefaultBackoff
	}
	m.walk.Persistent = true
	m.walk.DiscoveryCtrlLossTmo = fabrics.Int(discoveryCtrlLossTmo)
}

// targetKey identifies a configured target across reloads.
func targetKey(t nvmf.Target) string {
	o := t.Options
	return fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s", o.Transport, o.Traddr, o.Trsvcid, o.HostTraddr, o.HostIface, o.NQN, o.HostNQN)
}

func (m *Monitor) setTargets(ts []nvmf.Target) {
	now := m.clock.Now()
	for _, t := range ts {
		k := targetKey(t)
		if m.find(k) != nil {
			continue
		}
		m.targets = append(m.targets, &target{Target: t, key: k, used: map[string]bool{}, created: map[string]string{},
			io: map[string]string{}, due: now})
	}
}

func (m *Monitor) find(key string) *target {
	for _, t := range m.targets {
		if t.key == key {
			return t
		}
	}
	return nil
}

// Pass is what one Step did for one target.
type Pass struct {
	Target nvmf.Target
	// Report is the walk and its connects; nil when the walk did not run
	// (Err says why) or was put off (Reconnecting).
	Report *nvmf.Report
	// Reconnecting names the discovery controller the kernel is
	// reconnecting: the walk waits for it rather than connect another.
	Reconnecting string
	// Deleted lists the discovery controllers removed because no log
	// refers to them any more.
	Deleted []string
	// Disconnected lists the I/O controllers removed because their path
	// left the logs (Config.DisconnectStale).
	Disconnected []string
	Err          error
	// Retry is when the target is tried again after a failure; zero when
	// it waits for an event.
	Retry time.Time
}

// Next is when a Step has work to do: the earliest retry or pending event,
// and false when nothing is scheduled.
func (m *Monitor) Next() (time.Time, bool) {
	var next time.Time
	for _, t := range m.targets {
		if !t.due.IsZero() && (next.IsZero() || t.due.Before(next)) {
			next = t.due
		}
	}
	return next, !next.IsZero()
}

// Step walks and connects every target that is due, one after another.
func (m *Monitor) Step(ctx context.Context) []Pass {
	var out []Pass
	for _, t := range m.targets {
		if ctx.Err() != nil {
			break
		}
		if t.due.IsZero() || t.due.After(m.clock.Now()) {
			continue
		}
		out = append(out, m.pass(ctx, t))
	}
	return out
}

func (m *Monitor) pass(ctx context.Context, t *target) Pass {
	p := Pass{Target: t.Target}
	t.due = time.Time{}
	if name := m.reconnecting(t); name != "" {
		p.Reconnecting = name
		return m.fail(t, p, fmt.Errorf("discovery controller %s is reconnecting", name))
	}
	rep, err := m.host.Walk(ctx, []nvmf.Target{t.Target}, m.walk)
	if err != nil {
		return m.fail(t, p, err)
	}
	m.host.ConnectPaths(ctx, rep)
	p.Report = rep
	p.Deleted, err = m.record(t, rep)
	var serr error
	p.Disconnected, serr = m.disconnectStale(t, rep)
	err = errors.Join(err, serr)
	if rep.Failed() {
		err = errors.Join(append([]error{err}, reportErrors(rep)...)...)
	}
	if err != nil {
		return m.fail(t, p, err)
	}
	t.failures, t.lastErr = 0, nil
	return p
}

// reconnecting returns the discovery controller of t's own address that
// the kernel is reconnecting, or "".
func (m *Monitor) reconnecting(t *target) string {
	for name, key := range t.created {
		if key != t.key {
			continue
		}
		if s, err := m.host.State(name); err == nil && (s == "connecting" || s == "resetting") {
			return name
		}
	}
	return ""
}

func (m *Monitor) fail(t *target, p Pass, err error) Pass {
	t.failures++
	t.lastErr = err
	t.due = m.clock.Now().Add(m.backoff.Delay(t.failures))
	p.Err, p.Retry = err, t.due
	return p
}

// record notes the discovery controllers the walk used and created, and
// removes the ones the monitor created that no log refers to any more or
// that another controller to the same address replaced.
func (m *Monitor) record(t *target, rep *nvmf.Report) ([]string, error) {
	asked, served := map[string]bool{}, map[string]bool{}
	t.used = map[string]bool{}
	for _, d := range rep.Discoveries {
		k := targetKey(d.Target)
		asked[k] = true
		var ce *nvmf.CleanupError
		if d.Found == nil && errors.As(d.Err, &ce) {
			// Connected, log unreadable, and not removable: still ours.
			t.created[ce.Controller] = k
		}
		if d.Found == nil {
			continue
		}
		served[k] = true
		t.used[d.Found.Controller] = true
		if d.Found.Created {
			t.created[d.Found.Controller] = k
		}
		if d.Depth == 0 {
			t.genctr, t.seen = d.Found.Log.Genctr, true
		}
	}
	for _, d := range rep.Discoveries {
		if d.Depth == 0 && d.Found == nil {
			// The referrals are unknown while the target's own log is
			// unreadable: their controllers stay.
			return nil, nil
		}
	}
	var deleted []string
	var errs []error
	for name, k := range t.created {
		if t.used[name] {
			continue
		}
		if _, err := m.host.State(name); err != nil {
			delete(t.created, name) // gone already
			continue
		}
		if asked[k] && !served[k] {
			continue // its log could not be read this time: keep it
		}
		if err := m.host.Delete(name); err != nil {
			errs = append(errs, fmt.Errorf("removing discovery controller %s, no longer referred to: %w", name, err))
			continue
		}
		delete(t.created, name)
		deleted = append(deleted, name)
	}
	return deleted, errors.Join(errs...)
}

func reportErrors(rep *nvmf.Report) []error {
	var errs []error
	for _, d := range rep.Discoveries {
		if d.Err != nil {
			errs = append(errs, d.Err)
		}
	}
	for _, p := range rep.Paths {
		if p.Outcome == nvmf.Failed || p.Outcome == nvmf.NotAttempted {
			errs = append(errs, fmt.Errorf("%s: %w", p.Options.Target(), p.Err))
		}
	}
	return errs
}
