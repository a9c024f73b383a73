package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/gonvme/gonvme/internal/monitor"
	"github.com/gonvme/gonvme/internal/registry"
	"github.com/gonvme/gonvme/internal/render"
	"github.com/gonvme/gonvme/internal/sdnotify"
	"github.com/gonvme/gonvme/nvmf"
)

// monitorStatusPath is where a running monitor keeps its state.
const monitorStatusPath = "/run/gonvme/monitor.json"

// monitorLog is the monitor's Reporter: one line per action on stderr
// (the journal under systemd), the status file, and sd_notify.
type monitorLog struct {
	env    *Env
	json   bool
	notify *sdnotify.Notifier
	status func() []monitor.TargetStatus
	ready  bool
	mu     sync.Mutex // lines come from the monitor and the event reader
}

type logLine struct {
	Level   string `json:"level"`
	Device  string `json:"device,omitempty"`
	Target  string `json:"target,omitempty"`
	Message string `json:"message"`
}

// line writes one log line; target is escaped (it may come from the
// network), message must be escaped already.
func (l *monitorLog) line(level, message string, target *fabricsTarget) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ln := logLine{Level: level, Message: message}
	if target != nil {
		ln.Device, ln.Target = target.device, render.Escape(target.name)
	}
	if l.json {
		b, _ := json.Marshal(ln)
		fmt.Fprintf(l.env.Stderr, "%s\n", b)
		return
	}
	s := "gonvme monitor: "
	if ln.Device != "" {
		s += ln.Device + ": "
	}
	if ln.Target != "" {
		s += ln.Target + ": "
	}
	fmt.Fprintf(l.env.Stderr, "%s%s\n", s, message)
}

// fabricsTarget names what a line is about.
type fabricsTarget struct{ device, name string }

func about(device, name string) *fabricsTarget { return &fabricsTarget{device, name} }

func (l *monitorLog) configErrors(errs []error) {
	for _, err := range errs {
		l.line("error", render.Escape(err.Error()), nil)
	}
}

func (l *monitorLog) started(n int) {
	l.line("info", fmt.Sprintf("watching %d discovery controller(s)", n), nil)
}

// Pass logs what one walk did.
func (l *monitorLog) Pass(p monitor.Pass) {
	tgt := p.Target.String()
	if p.Reconnecting != "" {
		l.line("info", fmt.Sprintf("discovery controller is reconnecting; checking again in %s", until(p.Retry)), about(p.Reconnecting, tgt))
		return
	}
	if p.Report == nil {
		l.line("error", render.Escape(p.Err.Error())+"; retrying in "+until(p.Retry), about("", tgt))
		return
	}
	for _, d := range p.Report.Discoveries {
		switch {
		case d.Err != nil:
			l.line("error", render.Escape(d.Err.Error()), about("", d.Target.String()))
		case d.Found.Created:
			l.line("info", fmt.Sprintf("discovery controller connected (%d records)", len(d.Found.Log.Entries)), about(d.Found.Controller, d.Target.String()))
			l.claim(d.Found.Controller)
		}
	}
	for _, pr := range p.Report.Paths {
		switch pr.Outcome {
		case nvmf.Connected:
			l.line("info", "connected", about(pr.Device, pr.Options.Target()))
			l.claim(pr.Device)
		case nvmf.Failed, nvmf.NotAttempted:
			l.line("error", render.Escape(fmt.Sprint(pr.Err)), about("", pr.Options.Target()))
		}
	}
	for _, name := range p.Deleted {
		l.line("info", "discovery controller removed: no log refers to it any more", about(name, ""))
		l.release(name)
	}
	for _, name := range p.Disconnected {
		l.line("info", "disconnected: its path left the discovery log", about(name, ""))
		l.release(name)
	}
	if p.Err != nil {
		l.line("warning", "retrying in "+until(p.Retry), about("", tgt))
	}
}

// claim records the monitor as the owner of a controller it connected.
func (l *monitorLog) claim(device string) {
	if err := registry.Claim(l.env.FS, device, registry.Owner); err != nil {
		l.line("warning", render.Escape(err.Error()), about(device, ""))
	}
}

func (l *monitorLog) release(device string) {
	if err := registry.Release(l.env.FS, device, registry.Owner); err != nil {
		l.line("warning", render.Escape(err.Error()), about(device, ""))
	}
}

func until(t time.Time) string { return time.Until(t).Round(time.Second).String() }

// Reloaded logs a reload and tells the service manager it is done.
func (l *monitorLog) Reloaded(n int, removed []string, err error) {
	if err != nil {
		l.line("error", "reload: "+render.Escape(err.Error())+"; keeping the previous configuration", nil)
	} else {
		l.line("info", fmt.Sprintf("configuration read again: watching %d discovery controller(s)", n), nil)
	}
	for _, name := range removed {
		l.line("info", "discovery controller removed: no longer configured", about(name, ""))
		l.release(name)
	}
	_ = l.notify.Notify("READY=1")
}

// Stopped logs the end and removes the status file.
func (l *monitorLog) Stopped(removed []string, err error) {
	_ = l.notify.Notify("STOPPING=1")
	for _, name := range removed {
		l.line("info", "discovery controller removed", about(name, ""))
		l.release(name)
	}
	if err != nil {
		l.line("error", render.Escape(err.Error()), nil)
	}
	_ = os.Remove(l.env.FS.Path(monitorStatusPath))
	l.line("info", "stopped; I/O controllers stay connected", nil)
}

// Idle writes the status file and, the first time, tells the service
// manager the monitor is ready.
func (l *monitorLog) Idle() {
	if err := l.writeStatus(); err != nil {
		l.line("warning", render.Escape(err.Error()), nil)
	}
	if !l.ready {
		l.ready = true
		if err := l.notify.Notify("READY=1"); err != nil {
			l.line("warning", render.Escape(err.Error()), nil)
		}
	}
}

type statusTarget struct {
	Target      string   `json:"target"`
	Where       string   `json:"where,omitempty"`
	Controllers []string `json:"controllers"`
	Created     []string `json:"created"`
	Generation  *uint64  `json:"generation,omitempty"`
	Failures    int      `json:"failures"`
	Retry       string   `json:"retry,omitempty"`
	LastError   string   `json:"last_error,omitempty"`
}

type statusDoc struct {
	PID     int    `json:"pid"`
	Updated string `json:"updated"`
	// Goroutines is the daemon's count when idle, to spot a leak.
	Goroutines int            `json:"goroutines"`
	Targets    []statusTarget `json:"targets"`
}

func (l *monitorLog) writeStatus() error {
	doc := statusDoc{PID: os.Getpid(), Updated: time.Now().UTC().Format(time.RFC3339), Goroutines: runtime.NumGoroutine(),
		Targets: []statusTarget{}}
	for _, s := range l.status() {
		st := statusTarget{Target: s.Target.Options.Target(), Where: s.Target.Where, Controllers: nonNil(s.Controllers),
			Created: nonNil(s.Created), Failures: s.Failures}
		if s.Seen {
			g := s.Genctr
			st.Generation = &g
		}
		if !s.Retry.IsZero() {
			st.Retry = s.Retry.UTC().Format(time.RFC3339)
		}
		if s.LastErr != nil {
			st.LastError = s.LastErr.Error()
		}
		doc.Targets = append(doc.Targets, st)
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	path := l.env.FS.Path(monitorStatusPath)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("monitor status: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("monitor status: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("monitor status: %w", err)
	}
	return nil
}

// printMonitorStatus prints the status file of the running monitor.
func (env *Env) printMonitorStatus(format string) error {
	path := env.FS.Path(monitorStatusPath)
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return fmt.Errorf("no monitor is running: %s does not exist; start it with 'systemctl start gonvme-monitor' or 'gonvme monitor': %w", path, err)
	}
	if err != nil {
		return fmt.Errorf("reading the monitor status: %w", err)
	}
	var doc statusDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("%s is not a monitor status file: %w", path, err)
	}
	if format == "json" {
		return writeJSON(env.Stdout, doc)
	}
	fmt.Fprintf(env.Stdout, "monitor pid %d, updated %s, %d goroutines\n", doc.PID, doc.Updated, doc.Goroutines)
	for _, t := range doc.Targets {
		gen := "no log read yet"
		if t.Generation != nil {
			gen = fmt.Sprintf("generation %d", *t.Generation)
		}
		var cs []string
		for _, c := range t.Controllers {
			state, err := env.FS.ReadAttr("/sys/class/nvme/" + c + "/state")
			if err != nil {
				state = "gone"
			}
			cs = append(cs, c+" ("+render.Escape(state)+")")
		}
		ctrls := strings.Join(cs, ", ")
		if ctrls == "" {
			ctrls = "none"
		}
		fmt.Fprintf(env.Stdout, "%s: controllers %s, %s", render.Escape(t.Target), ctrls, gen)
		if t.Retry != "" {
			fmt.Fprintf(env.Stdout, ", %d failure(s), retry at %s: %s", t.Failures, t.Retry, render.Escape(t.LastError))
		}
		fmt.Fprintln(env.Stdout)
	}
	return nil
}
