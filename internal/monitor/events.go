package monitor

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/gonvme/gonvme/nvmf"
)

// LogChanged makes the target whose walk read discovery controller device
// due at once: its log changed (an AEN) or it reconnected (rediscover).
// It reports whether device is one of the monitor's.
func (m *Monitor) LogChanged(device string) bool {
	hit := false
	for _, t := range m.targets {
		if t.used[device] || t.created[device] != "" {
			t.due, hit = m.clock.Now(), true
		}
	}
	return hit
}

// Everything makes every target due at once (events were lost).
func (m *Monitor) Everything() {
	for _, t := range m.targets {
		t.due = m.clock.Now()
	}
}

// Removed notes that controller device is gone; the target that used it
// is due at once, so that its discovery controller is re-created. It
// reports whether device was one of the monitor's. A removal of a name
// that exists again is stale (the kernel reuses the lowest free name, so
// a failed connect's short-lived controller often bears the name of one
// connected next) and is ignored.
func (m *Monitor) Removed(device string) bool {
	if _, err := m.host.State(device); err == nil {
		return false
	}
	hit := false
	for _, t := range m.targets {
		delete(t.io, device)
		if t.used[device] || t.created[device] != "" {
			delete(t.used, device)
			delete(t.created, device)
			t.due, hit = m.clock.Now(), true
		}
	}
	return hit
}

// Reload replaces the configured targets: new ones are due at once,
// removed ones lose the discovery controllers the monitor created for
// them (it returns their names), kept ones keep their state.
func (m *Monitor) Reload(ts []nvmf.Target) ([]string, error) {
	want := map[string]nvmf.Target{}
	for _, t := range ts {
		want[targetKey(t)] = t
	}
	var deleted []string
	var errs []error
	kept := m.targets[:0]
	for _, t := range m.targets {
		if nt, ok := want[t.key]; ok {
			t.Target = nt
			kept = append(kept, t)
			continue
		}
		d, err := m.release(t, false)
		deleted = append(deleted, d...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	m.targets = kept
	m.setTargets(ts)
	return deleted, errors.Join(errs...)
}

// Stop removes every discovery controller the monitor created, except the
// own controller of a target configured persistent, and returns their
// names. I/O controllers stay connected.
func (m *Monitor) Stop() ([]string, error) {
	var deleted []string
	var errs []error
	for _, t := range m.targets {
		d, err := m.release(t, t.Persistent)
		deleted = append(deleted, d...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return deleted, errors.Join(errs...)
}

func (m *Monitor) release(t *target, keepOwn bool) ([]string, error) {
	names := make([]string, 0, len(t.created))
	for name := range t.created {
		names = append(names, name)
	}
	sort.Strings(names)
	var deleted []string
	var errs []error
	for _, name := range names {
		if keepOwn && t.created[name] == t.key {
			continue
		}
		if _, err := m.host.State(name); err != nil {
			delete(t.created, name) // gone already
			continue
		}
		if err := m.host.Delete(name); err != nil {
			errs = append(errs, fmt.Errorf("removing discovery controller %s of %s: %w", name, t.Target, err))
			continue
		}
		delete(t.created, name)
		deleted = append(deleted, name)
	}
	return deleted, errors.Join(errs...)
}

// TargetStatus is what the monitor knows of one target.
type TargetStatus struct {
	Target nvmf.Target
	// Controllers are the discovery controllers its last walk read;
	// Created those of them (and of earlier walks) the monitor connected.
	Controllers, Created []string
	// Genctr is the generation counter of its last log; Seen is false
	// while no log has been read.
	Genctr   uint64
	Seen     bool
	Failures int
	Retry    time.Time // zero unless a retry is pending
	LastErr  error
}

// Status describes every target, in configuration order.
func (m *Monitor) Status() []TargetStatus {
	out := make([]TargetStatus, 0, len(m.targets))
	for _, t := range m.targets {
		s := TargetStatus{Target: t.Target, Genctr: t.genctr, Seen: t.seen, Failures: t.failures, LastErr: t.lastErr}
		for name := range t.used {
			s.Controllers = append(s.Controllers, name)
		}
		for name := range t.created {
			s.Created = append(s.Created, name)
		}
		slices.Sort(s.Controllers)
		slices.Sort(s.Created)
		if t.failures > 0 {
			s.Retry = t.due
		}
		out = append(out, s)
	}
	return out
}
