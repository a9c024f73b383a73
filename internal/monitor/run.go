package monitor

import (
	"context"
	"time"
)

// EventKind says what an Event reports.
type EventKind int

// Event kinds.
const (
	// LogChange: discovery controller Device has a new log (an AEN) or
	// reconnected (rediscover).
	LogChange EventKind = iota
	// Removal: controller Device is gone.
	Removal
	// Reload: the configuration changed; Load reads it again.
	Reload
	// Lost: events were lost; every target is walked again.
	Lost
)

// Event is something the monitor reacts to.
type Event struct {
	Kind   EventKind
	Device string
	// Load reads the configuration again (Reload), in Run's goroutine.
	Load func() (Config, error)
}

// Reporter is told what the monitor did: each Pass of a Step, each reload
// with the discovery controllers it removed, the ones removed at the end,
// and when the monitor has done what was due and waits.
type Reporter interface {
	Pass(Pass)
	Reloaded(targets int, removed []string, err error)
	Stopped(removed []string, err error)
	Idle()
}

// Run handles events and due work until ctx is done, then stops the
// monitor (see Stop). A discovery or connect under way when ctx is done
// finishes; nothing new starts.
func (m *Monitor) Run(ctx context.Context, events <-chan Event, r Reporter) {
	for ctx.Err() == nil {
		for _, p := range m.Step(ctx) {
			r.Pass(p)
		}
		if ctx.Err() != nil {
			break
		}
		r.Idle()
		var tick <-chan time.Time
		var timer *time.Timer
		if next, ok := m.Next(); ok {
			timer = time.NewTimer(max(next.Sub(m.clock.Now()), 0))
			tick = timer.C
		}
		select {
		case <-ctx.Done():
		case <-tick:
		case ev := <-events:
			m.handle(ev, r)
		}
		if timer != nil {
			timer.Stop()
		}
	}
	r.Stopped(m.Stop())
}

func (m *Monitor) handle(ev Event, r Reporter) {
	switch ev.Kind {
	case LogChange:
		m.LogChanged(ev.Device)
	case Removal:
		m.Removed(ev.Device)
	case Lost:
		m.Everything()
	case Reload:
		cfg, err := ev.Load()
		if err != nil {
			r.Reloaded(len(m.targets), nil, err)
			return
		}
		m.Configure(cfg)
		names, err := m.Reload(cfg.Targets)
		r.Reloaded(len(m.targets), names, err)
	}
}
