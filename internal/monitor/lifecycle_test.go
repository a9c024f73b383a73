package monitor_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gonvme/gonvme/internal/monitor"
	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/nvmftest"
)

func TestReconnectingDiscoveryControllerIsWaitedFor(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, addr1, 1, sub(addr1, sub1))
	c := newClock()
	m := newMonitor(f, c, target(addr1))
	step(t, m)
	n := len(f.Kernel.Writes())
	f.WriteFile(t, "/sys/class/nvme/nvme0/state", "connecting\n")
	m.LogChanged("nvme0")
	ps := step(t, m)
	if len(ps) != 1 || ps[0].Reconnecting != "nvme0" || ps[0].Retry.IsZero() {
		t.Fatalf("passes = %+v; want the walk put off while nvme0 reconnects", ps)
	}
	wantWrites(t, f, n)
	f.WriteFile(t, "/sys/class/nvme/nvme0/state", "live\n")
	serve(f, addr1, 2, sub(addr1, sub1), sub(addr1, sub2))
	m.LogChanged("nvme0") // NVME_EVENT=rediscover
	if ps := step(t, m); len(ps) != 1 || ps[0].Err != nil {
		t.Fatalf("after rediscover: passes = %+v", ps)
	}
	wantWrites(t, f, n, sub2+" "+addr1+" ctrl_loss_tmo=600")
}

func TestReferralsControllerRemovedWhenTheReferralGoes(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, addr1, 1, sub(addr1, sub1), nvmftest.Referral("rdma", addr2, "4420"))
	serve(f, addr2, 1, sub(addr2, sub2))
	m := newMonitor(f, newClock(), target(addr1))
	step(t, m)
	// nvme0 discovery at addr1, nvme1 discovery at addr2, nvme2 sub1, nvme3 sub2
	st := m.Status()[0]
	if !slices.Equal(st.Created, []string{"nvme0", "nvme1"}) {
		t.Fatalf("created = %v; want both discovery controllers", st.Created)
	}
	serve(f, addr2, 2, sub(addr2, sub2), sub(addr2, sub3))
	if !m.LogChanged("nvme1") {
		t.Fatal("an AEN on the referral's controller was not the monitor's")
	}
	n := len(f.Kernel.Writes())
	step(t, m)
	wantWrites(t, f, n, sub3+" "+addr2+" ctrl_loss_tmo=600")
	// The root log unreadable (its port away): the referral's controller
	// stays, the referral being unknown.
	f.Admin.OpenErr = map[string]error{"nvme0": errors.New("port away")}
	f.Kernel.Fail = nvmftest.FailWhen("traddr", addr1, syscall.ECONNREFUSED)
	m.LogChanged("nvme0")
	if ps := step(t, m); len(ps) != 1 || ps[0].Err == nil || len(ps[0].Deleted) != 0 {
		t.Fatalf("with the root log unreadable: passes = %+v; want a failure and nothing deleted", ps)
	}
	f.Admin.OpenErr, f.Kernel.Fail = nil, nil
	serve(f, addr1, 2, sub(addr1, sub1))
	m.LogChanged("nvme0")
	ps := step(t, m)
	if len(ps) != 1 || ps[0].Err != nil || !slices.Equal(ps[0].Deleted, []string{"nvme1"}) {
		t.Fatalf("passes = %+v; want nvme1 deleted", ps)
	}
	if got := f.Controllers(t); !slices.Equal(got, []string{"nvme0", "nvme2", "nvme3", "nvme4"}) {
		t.Errorf("controllers = %v; want the I/O controllers kept", got)
	}
}

func TestLostDiscoveryControllerIsRecreated(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, addr1, 1, sub(addr1, sub1))
	m := newMonitor(f, newClock(), target(addr1))
	step(t, m)
	if err := f.Del.Delete("nvme0"); err != nil { // disconnect-all
		t.Fatal(err)
	}
	if !m.Removed("nvme0") {
		t.Fatal("Removed(nvme0) missed the monitor's discovery controller")
	}
	n := len(f.Kernel.Writes())
	step(t, m)
	wantWrites(t, f, n, disc+addr1+" ctrl_loss_tmo=-1 keep_alive_tmo=30")
	if st := m.Status()[0]; !slices.Equal(st.Created, []string{"nvme0"}) {
		t.Errorf("created = %v; want the new nvme0", st.Created)
	}
}

// The kernel reuses names: the removal of a failed connect's nvme2 may be
// read after nvme2 names the next controller, which stays the monitor's.
func TestStaleRemovalOfAReusedNameIsIgnored(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, addr1, 1, sub(addr1, sub1))
	m := newMonitor(f, newClock(), target(addr1))
	step(t, m)
	if m.Removed("nvme0") {
		t.Error("the removal of nvme0, which exists, was taken")
	}
	if ps := step(t, m); len(ps) != 0 {
		t.Errorf("a stale removal made work: %+v", ps)
	}
	if st := m.Status()[0]; !slices.Equal(st.Created, []string{"nvme0"}) {
		t.Errorf("created = %v; want nvme0 still the monitor's", st.Created)
	}
}

func TestStopLeavesIOControllersAndConfiguredPersistentOnes(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, addr1, 1, sub(addr1, sub1))
	serve(f, addr2, 1, sub(addr2, sub2))
	kept := target(addr2)
	kept.Persistent = true
	m := newMonitor(f, newClock(), target(addr1), kept)
	step(t, m)
	deleted, err := m.Stop()
	if err != nil || !slices.Equal(deleted, []string{"nvme0"}) {
		t.Fatalf("Stop = %v, %v; want nvme0 deleted", deleted, err)
	}
	if got := f.Controllers(t); !slices.Equal(got, []string{"nvme1", "nvme2", "nvme3"}) {
		t.Errorf("controllers = %v; want the I/O ones and the persistent discovery controller", got)
	}
}

func TestStopReportsAFailedDelete(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, addr1, 1, sub(addr1, sub1))
	m := newMonitor(f, newClock(), target(addr1))
	step(t, m)
	f.Del.Errs = map[string]error{"nvme0": errors.New("busy")}
	if deleted, err := m.Stop(); len(deleted) != 0 || err == nil {
		t.Errorf("Stop = %v, %v; want the failure", deleted, err)
	}
}

func TestReloadAddsAndRemovesTargets(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, addr1, 1, sub(addr1, sub1))
	serve(f, addr2, 1, sub(addr2, sub2))
	m := newMonitor(f, newClock(), target(addr1))
	step(t, m)
	deleted, err := m.Reload([]nvmf.Target{target(addr2)})
	if err != nil || !slices.Equal(deleted, []string{"nvme0"}) {
		t.Fatalf("Reload = %v, %v; want the removed target's nvme0 deleted", deleted, err)
	}
	n := len(f.Kernel.Writes())
	step(t, m)
	wantWrites(t, f, n, disc+addr2+" ctrl_loss_tmo=-1 keep_alive_tmo=30", sub2+" "+addr2+" ctrl_loss_tmo=600")
	if deleted, err := m.Reload([]nvmf.Target{target(addr2)}); len(deleted) != 0 || err != nil {
		t.Errorf("an unchanged reload = %v, %v", deleted, err)
	}
	if ps := step(t, m); len(ps) != 0 {
		t.Errorf("an unchanged reload made work: %+v", ps)
	}
}

// recorder is a Reporter that keeps what it is told.
type recorder struct {
	passes  chan monitor.Pass
	idle    chan struct{}
	mu      sync.Mutex
	removed []string
	reloads []reload
}

func (r *recorder) Pass(p monitor.Pass) { r.passes <- p }

func (r *recorder) Stopped(names []string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.removed = append(r.removed, names...)
}

func (r *recorder) Reloaded(n int, names []string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reloads = append(r.reloads, reload{n, names, err})
}

func (r *recorder) Idle() { r.idle <- struct{}{} }

type reload struct {
	targets int
	removed []string
	err     error
}

func TestRunReactsToEventsAndStopsCleanly(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, addr1, 1, sub(addr1, sub1))
	serve(f, addr2, 1, sub(addr2, sub3))
	cfg := func(targets ...nvmf.Target) monitor.Config {
		return monitor.Config{Targets: targets, Walk: nvmf.WalkOptions{Template: identity(fabricsOptions())}}
	}
	m := monitor.New(monitor.EdgeHost(f.Edge), monitor.SystemClock{}, cfg(target(addr1)))
	events := make(chan monitor.Event)
	ctx, cancel := context.WithCancel(background)
	r := &recorder{passes: make(chan monitor.Pass, 10), idle: make(chan struct{}, 10)}
	done := make(chan struct{})
	go func() { m.Run(ctx, events, r); close(done) }()
	<-r.passes
	<-r.idle
	serve(f, addr1, 2, sub(addr1, sub1), sub(addr1, sub2))
	events <- monitor.Event{Kind: monitor.LogChange, Device: "nvme0"}
	<-r.passes
	<-r.idle
	events <- monitor.Event{Kind: monitor.LogChange, Device: "nvme9"} // not the monitor's: no pass
	<-r.idle
	events <- monitor.Event{Kind: monitor.Reload, Load: func() (monitor.Config, error) { return cfg(target(addr2)), nil }}
	<-r.passes
	<-r.idle
	events <- monitor.Event{Kind: monitor.Reload, Load: func() (monitor.Config, error) { return monitor.Config{}, errors.New("unreadable") }}
	<-r.idle
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop within 10 s")
	}
	wantWrites(t, f, 0,
		disc+addr1+" ctrl_loss_tmo=-1 keep_alive_tmo=30",
		sub1+" "+addr1+" ctrl_loss_tmo=600",
		sub2+" "+addr1+" ctrl_loss_tmo=600",
		disc+addr2+" ctrl_loss_tmo=-1 keep_alive_tmo=30",
		sub3+" "+addr2+" ctrl_loss_tmo=600")
	if len(r.passes) != 0 || !slices.Equal(r.removed, []string{"nvme0"}) {
		t.Errorf("%d more passes, removed at the end %v; want none and nvme0 (addr2's, numbered after the reload freed nvme0)", len(r.passes), r.removed)
	}
	if len(r.reloads) != 2 || r.reloads[0].targets != 1 || !slices.Equal(r.reloads[0].removed, []string{"nvme0"}) || r.reloads[1].err == nil {
		t.Errorf("reloads = %+v; want nvme0 removed, then the error", r.reloads)
	}
	if got := f.Controllers(t); !slices.Equal(got, []string{"nvme1", "nvme2", "nvme3"}) {
		t.Errorf("controllers = %v; want the I/O controllers left", got)
	}
}

// A discovery controller of the monitor's that cannot be read is replaced
// by a new one (nvmf's discovery does that) and then removed, not leaked.
func TestReplacedDiscoveryControllerIsRemoved(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, addr1, 1, sub(addr1, sub1))
	m := newMonitor(f, newClock(), target(addr1))
	step(t, m) // nvme0 discovery, nvme1 sub1
	f.Admin.OpenErr = map[string]error{"nvme0": errors.New("stuck")}
	m.LogChanged("nvme0")
	ps := step(t, m)
	if len(ps) != 1 || ps[0].Err != nil || !slices.Equal(ps[0].Deleted, []string{"nvme0"}) {
		t.Fatalf("passes = %+v; want nvme0 replaced and removed; status %+v, writes %v", ps, m.Status(), f.Kernel.Writes())
	}
	if st := m.Status()[0]; !slices.Equal(st.Created, []string{"nvme2"}) || !slices.Equal(st.Controllers, []string{"nvme2"}) {
		t.Errorf("status = %+v; want nvme2 in use", st)
	}
}
