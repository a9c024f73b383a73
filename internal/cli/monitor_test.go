package cli

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gonvme/gonvme/internal/registry"
	"github.com/gonvme/gonvme/internal/uevent"
	"github.com/gonvme/gonvme/nvmftest"
)

// fakeUevents is a kernel event source the test feeds.
type fakeUevents struct {
	ch     chan uevent.Uevent
	closed chan struct{}
}

func newFakeUevents() *fakeUevents {
	return &fakeUevents{ch: make(chan uevent.Uevent), closed: make(chan struct{})}
}

func (f *fakeUevents) Read() (uevent.Uevent, error) {
	select {
	case u := <-f.ch:
		return u, nil
	case <-f.closed:
		return uevent.Uevent{}, os.ErrClosed
	}
}

func (f *fakeUevents) Close() error { close(f.closed); return nil }

func aenOn(dev string) uevent.Uevent {
	return uevent.Uevent{Action: "change", DevPath: "/devices/virtual/nvme-fabrics/ctl/" + dev,
		Env: map[string]string{"SUBSYSTEM": "nvme", "DEVNAME": dev, "NVME_AEN": "0x70f002"}}
}

// monitorRun is a `gonvme monitor` running over the fake edge.
type monitorRun struct {
	t       *testing.T
	f       *nvmftest.Fake
	events  *fakeUevents
	reloads chan struct{}
	cancel  context.CancelFunc
	done    chan result
}

func startMonitor(t *testing.T, f *nvmftest.Fake, args ...string) *monitorRun {
	ctx, cancel := context.WithCancel(context.Background())
	m := &monitorRun{t: t, f: f, events: newFakeUevents(), reloads: make(chan struct{}), cancel: cancel, done: make(chan result, 1)}
	go func() {
		m.done <- runWith(t, f, func(env *Env) {
			env.Context = ctx
			env.MonitorHooks = MonitorHooks{
				Uevents: func() (UeventSource, error) { return m.events, nil },
				Reloads: func() (<-chan struct{}, func()) { return m.reloads, func() {} },
			}
		}, append([]string{"monitor"}, args...)...)
	}()
	return m
}

// waitStatus waits until the status file says cond.
func (m *monitorRun) waitStatus(what string, cond func(string) bool) {
	m.t.Helper()
	for range 500 {
		if b, err := os.ReadFile(m.f.FS.Path(monitorStatusPath)); err == nil && cond(string(b)) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	m.t.Fatalf("the monitor status never showed %s", what)
}

func (m *monitorRun) stop() result {
	m.t.Helper()
	m.cancel()
	select {
	case r := <-m.done:
		return r
	case <-time.After(10 * time.Second):
		m.t.Fatal("the monitor did not stop within 10 s")
	}
	return result{}
}

func TestMonitorConnectsReactsAndStops(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	f.WriteFile(t, "/etc/nvme/discovery.conf", "--transport=rdma --traddr=10.0.0.1 --trsvcid=4420\n")
	f.Admin.Logs[nvmftest.Target("rdma", "10.0.0.1", "4420")] = nvmftest.PageGen(1, nvmftest.Sub("rdma", "10.0.0.1", "4420", test1))
	m := startMonitor(t, f, "--config=none")
	m.waitStatus("generation 1", func(s string) bool { return strings.Contains(s, `"generation": 1`) })
	f.Admin.Logs[nvmftest.Target("rdma", "10.0.0.1", "4420")] = nvmftest.PageGen(2,
		nvmftest.Sub("rdma", "10.0.0.1", "4420", test1), nvmftest.Sub("rdma", "10.0.0.1", "4420", test2))
	m.events.ch <- aenOn("nvme0")
	m.waitStatus("generation 2", func(s string) bool { return strings.Contains(s, `"generation": 2`) })
	st := run(t, f, "monitor", "--status")
	if st.code != 0 || !strings.Contains(st.stdout, "rdma 10.0.0.1:4420: controllers nvme0 (live), generation 2") {
		t.Errorf("monitor --status:\n%s", st)
	}
	var doc struct{ Goroutines int }
	if js := run(t, f, "monitor", "--status", "-o", "json"); json.Unmarshal([]byte(js.stdout), &doc) != nil || doc.Goroutines < 2 {
		t.Errorf("monitor --status -o json has no goroutine count (at least the monitor's and the event reader's):\n%s", js)
	}
	r := m.stop()
	want := `gonvme monitor: watching 1 discovery controller(s)
gonvme monitor: nvme0: rdma 10.0.0.1:4420 (from ROOT/etc/nvme/discovery.conf:1): discovery controller connected (1 records)
gonvme monitor: nvme1: rdma 10.0.0.1:4420 nqn.2026-11.io.gonvme:test1: connected
gonvme monitor: nvme2: rdma 10.0.0.1:4420 nqn.2026-11.io.gonvme:test2: connected
gonvme monitor: nvme0: discovery controller removed
gonvme monitor: stopped; I/O controllers stay connected
`
	if r.code != 0 || r.stderr != want || r.stdout != "" {
		t.Errorf("monitor run:\n%s\nwant stderr:\n%s", r, want)
	}
	if got := f.Controllers(t); strings.Join(got, " ") != "nvme1 nvme2" {
		t.Errorf("controllers after the stop = %v; want the I/O ones", got)
	}
	if _, err := os.Stat(f.FS.Path(monitorStatusPath)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("status file after the stop: %v; want it removed", err)
	}
	// The registry: the I/O controllers stay the monitor's, the deleted
	// discovery controller's entry is gone; disconnect-all --unowned
	// leaves them and removes a controller nobody owns.
	for dev, want := range map[string]string{"nvme0": "", "nvme1": "gonvme", "nvme2": "gonvme"} {
		if got := registry.OwnerOf(f.FS, dev); got != want {
			t.Errorf("owner of %s = %q; want %q", dev, got, want)
		}
	}
	if _, err := os.Stat(f.FS.Path(registry.Dir + "/nvme0.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("nvme0's registry entry after its delete: %v; want none", err)
	}
	f.AddController(t, "nvme5", map[string]string{"transport": "tcp", "address": "traddr=127.0.0.1,trsvcid=4420",
		"subsysnqn": test1, "state": "live", "cntrltype": "io"})
	if r := run(t, f, "disconnect-all", "--unowned"); r.code != 0 || strings.Join(f.Del.Calls(), " ") != "nvme0 nvme5" {
		t.Errorf("disconnect-all --unowned deleted %v:\n%s\nwant only nvme5 (after the monitor's nvme0)", f.Del.Calls(), r)
	}
}

func TestMonitorRetriesAndReloads(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	f.WriteFile(t, "/etc/nvme/discovery.conf", "--transport=rdma --traddr=10.0.0.1 --trsvcid=4420\n")
	f.Kernel.Fail = nvmftest.FailWhen("traddr", "10.0.0.1", syscall.ECONNREFUSED)
	f.Admin.Logs[nvmftest.Target("rdma", "10.0.0.2", "4420")] = nvmftest.PageGen(1, nvmftest.Sub("rdma", "10.0.0.2", "4420", test2))
	m := startMonitor(t, f, "--config=none", "-o", "json")
	m.waitStatus("a failure", func(s string) bool { return strings.Contains(s, `"failures": 1`) })
	f.WriteFile(t, "/etc/nvme/discovery.conf", "--transport=rdma --traddr=10.0.0.2 --trsvcid=4420\n")
	m.reloads <- struct{}{}
	m.waitStatus("the new target", func(s string) bool { return strings.Contains(s, "10.0.0.2") && strings.Contains(s, `"generation": 1`) })
	r := m.stop()
	for _, want := range []string{
		`{"level":"error","target":"rdma 10.0.0.1:4420 (from ROOT/etc/nvme/discovery.conf:1)","message":"connecting a discovery controller`,
		`{"level":"warning","target":"rdma 10.0.0.1:4420 (from ROOT/etc/nvme/discovery.conf:1)","message":"retrying in 1s"}`,
		`{"level":"info","message":"configuration read again: watching 1 discovery controller(s)"}`,
		`{"level":"info","device":"nvme1","target":"rdma 10.0.0.2:4420 nqn.2026-11.io.gonvme:test2","message":"connected"}`,
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the log lacks %s:\n%s", want, r.stderr)
		}
	}
	if r.code != 0 {
		t.Errorf("exit %d; want 0", r.code)
	}
}

func TestMonitorWithoutUsableConfigurationExits1(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	f.WriteFile(t, "/etc/nvme/discovery.conf", "--transport=rdma --traddr=10.0.0.1 --nr-io-queues=x\n")
	r := startMonitor(t, f, "--config=none").stop()
	if r.code != 1 || !strings.Contains(r.stderr, "discovery.conf:1") || !strings.Contains(r.stderr, "no discovery controller to watch") {
		t.Errorf("monitor with a bad configuration:\n%s", r)
	}
	if len(f.Kernel.Writes()) != 0 {
		t.Errorf("writes %v; want none", f.Kernel.Writes())
	}
}

func TestMonitorStatusWithoutAMonitor(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	if r := run(t, f, "monitor", "--status"); r.code != 1 || !strings.Contains(r.stderr, "no monitor is running") {
		t.Errorf("monitor --status:\n%s", r)
	}
}
