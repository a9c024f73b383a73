package monitor

import (
	"context"
	"time"

	"github.com/gonvme/gonvme/internal/nvmf"
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
	// ReloadTargets: the configuration now names Targets.
	ReloadTargets
	// Lost: events were lost; every target is walked again.
	Lost
)

// Event is something the monitor reacts to.
type Event struct {
	Kind    EventKind
	Device  string
	Targets []nvmf.Target
}

// Reporter is told what the monitor did: each Pass of a Step, and the
// discovery controllers removed by a reload or at the end.
type Reporter interface {
	Pass(Pass)
	Removed(names []string, err error)
}

// Run handles events and due work until ctx is done, then stops the
// monitor (see Stop). A discovery or connect under way when ctx is done
// finishes; nothing new starts.
func (m *Monitor) Run(ctx context.Context, events <-chan Event, r Reporter) {
	for ctx.Err() == nil {
		for _, p := range m.Step(ctx) {
			r.Pass(p)
		}
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
	r.Removed(m.Stop())
}

func (m *Monitor) handle(ev Event, r Reporter) {
	switch ev.Kind {
	case LogChange:
		m.LogChanged(ev.Device)
	case Removal:
		m.Removed(ev.Device)
	case Lost:
		m.Everything()
	case ReloadTargets:
		if names, err := m.Reload(ev.Targets); len(names) > 0 || err != nil {
			r.Removed(names, err)
		}
	}
}
