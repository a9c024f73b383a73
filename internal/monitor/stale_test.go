package monitor_test

import (
	"slices"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/internal/monitor"
	"github.com/gonvme/gonvme/internal/uevent"
	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/nvmftest"
)

func staleMonitor(f *nvmftest.Fake, targets ...nvmf.Target) *monitor.Monitor {
	return monitor.New(monitor.EdgeHost(f.Edge), newClock(), monitor.Config{
		Targets: targets, Walk: nvmf.WalkOptions{Template: identity(fabrics.Options{})}, Backoff: testBackoff,
		DisconnectStale: true,
	})
}

func TestDisconnectStaleRemovesOnlyItsOwnPathsThatLeftTheLog(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, addr1, 1, sub(addr1, sub1), sub(addr1, sub2), sub(addr1, sub3))
	f.Kernel.Fail = racer(t, f, "nvme7", sub3) // connected by someone else
	m := staleMonitor(f, target(addr1))
	step(t, m) // nvme0 discovery, nvme1 sub1, nvme2 sub2
	f.Kernel.Fail = nil
	serve(f, addr1, 2, sub(addr1, sub1))
	m.LogChanged("nvme0")
	ps := step(t, m)
	if len(ps) != 1 || ps[0].Err != nil || !slices.Equal(ps[0].Disconnected, []string{"nvme2"}) {
		t.Fatalf("passes = %+v; want nvme2 (sub2) disconnected", ps)
	}
	if got := f.Controllers(t); !slices.Equal(got, []string{"nvme0", "nvme1", "nvme7"}) {
		t.Errorf("controllers = %v; want sub3's controller of another owner kept", got)
	}
}

func TestDisconnectStaleWaitsForEveryLog(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, addr1, 1, sub(addr1, sub1), nvmftest.Referral("rdma", addr2, "4420"))
	serve(f, addr2, 1, sub(addr2, sub2))
	m := staleMonitor(f, target(addr1))
	step(t, m) // nvme0, nvme1 discovery; nvme2 sub1, nvme3 sub2
	delete(f.Admin.Logs, nvmftest.Target("rdma", addr2, "4420"))
	f.Kernel.Fail = nvmftest.FailWhen("traddr", addr2, syscall.ECONNREFUSED)
	m.LogChanged("nvme0")
	ps := step(t, m)
	if len(ps) != 1 || ps[0].Err == nil || len(ps[0].Disconnected) != 0 {
		t.Fatalf("passes = %+v; want the failed read reported and nothing disconnected", ps)
	}
	if got := f.Controllers(t); !slices.Equal(got, []string{"nvme0", "nvme1", "nvme2", "nvme3"}) {
		t.Errorf("controllers = %v; want all kept", got)
	}
}

func TestWithoutDisconnectStaleNothingIsRemoved(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, addr1, 1, sub(addr1, sub1), sub(addr1, sub2))
	m := newMonitor(f, newClock(), target(addr1))
	step(t, m)
	serve(f, addr1, 2, sub(addr1, sub1))
	m.LogChanged("nvme0")
	if ps := step(t, m); len(ps) != 1 || len(ps[0].Disconnected) != 0 {
		t.Errorf("passes = %+v; want nothing disconnected", ps)
	}
}

func TestLostEventsWalkEveryTarget(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, addr1, 1, sub(addr1, sub1))
	serve(f, addr2, 1, sub(addr2, sub2))
	m := newMonitor(f, newClock(), target(addr1), target(addr2))
	step(t, m)
	m.Everything()
	if ps := step(t, m); len(ps) != 2 {
		t.Errorf("%d passes; want both targets walked again", len(ps))
	}
}

func TestFromUevent(t *testing.T) {
	u := func(action string, env ...string) uevent.Uevent {
		e := map[string]string{"SUBSYSTEM": "nvme", "DEVNAME": "nvme4"}
		for i := 0; i+1 < len(env); i += 2 {
			e[env[i]] = env[i+1]
		}
		return uevent.Uevent{Action: action, DevPath: "/devices/virtual/nvme-fabrics/ctl/nvme4", Env: e}
	}
	for _, c := range []struct {
		name string
		in   uevent.Uevent
		want monitor.Event
		ok   bool
	}{
		{"discovery log change", u("change", "NVME_AEN", "0x70f002"), monitor.Event{Kind: monitor.LogChange, Device: "nvme4"}, true},
		{"rediscover", u("change", "NVME_EVENT", "rediscover"), monitor.Event{Kind: monitor.LogChange, Device: "nvme4"}, true},
		{"removal", u("remove"), monitor.Event{Kind: monitor.Removal, Device: "nvme4"}, true},
		{"namespace change AEN", u("change", "NVME_AEN", "0x000002"), monitor.Event{}, false},
		{"connected", u("change", "NVME_EVENT", "connected"), monitor.Event{}, false},
		{"add", u("add"), monitor.Event{}, false},
		{"other subsystem", uevent.Uevent{Action: "remove", Env: map[string]string{"SUBSYSTEM": "block"}}, monitor.Event{}, false},
	} {
		got, ok := monitor.FromUevent(c.in)
		if ok != c.ok || got.Kind != c.want.Kind || got.Device != c.want.Device {
			t.Errorf("%s: FromUevent = %+v, %v; want %+v, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}
