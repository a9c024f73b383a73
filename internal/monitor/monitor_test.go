package monitor_test

import (
	"context"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/internal/monitor"
	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/nvmftest"
)

const (
	addr1 = "10.0.0.1"
	addr2 = "10.0.0.2"
	sub1  = "nqn.2026-11.io.example:sub1"
	sub2  = "nqn.2026-11.io.example:sub2"
	sub3  = "nqn.2026-11.io.example:sub3"
)

var background = context.Background()

// clock is a Clock the test moves by hand.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time              { return c.now }
func (c *clock) advance(d time.Duration)     { c.now = c.now.Add(d) }
func newClock() *clock                       { return &clock{now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)} }
func sub(addr, subnqn string) nvmftest.Entry { return nvmftest.Sub("rdma", addr, "4420", subnqn) }

func serve(f *nvmftest.Fake, addr string, gen uint64, entries ...nvmftest.Entry) {
	f.Admin.Logs[nvmftest.Target("rdma", addr, "4420")] = nvmftest.PageGen(gen, entries...)
}

func identity(o fabrics.Options) fabrics.Options {
	o.HostNQN, o.HostID = nvmftest.HostNQN, nvmftest.HostID
	o.Defaults = map[string]bool{"hostnqn": true, "hostid": true}
	return o
}

func target(addr string) nvmf.Target {
	return nvmf.Target{Options: identity(fabrics.Options{Transport: "rdma", Traddr: addr, Trsvcid: "4420"}), Where: "discovery.conf:1"}
}

var testBackoff = monitor.Backoff{Min: time.Second, Max: 8 * time.Second}

func newMonitor(f *nvmftest.Fake, c *clock, targets ...nvmf.Target) *monitor.Monitor {
	return monitor.New(monitor.EdgeHost(f.Edge), c, monitor.Config{
		Targets: targets, Walk: nvmf.WalkOptions{Template: identity(fabrics.Options{})}, Backoff: testBackoff,
	})
}

// writes returns the fake kernel's writes from the n-th on, anonymized and
// shortened to the tokens that tell them apart.
func writes(f *nvmftest.Fake, from int) []string {
	var out []string
	for _, w := range f.Kernel.Writes()[from:] {
		m := nvmftest.ParseOptions(w)
		s := m["nqn"] + " " + m["traddr"] + " ctrl_loss_tmo=" + m["ctrl_loss_tmo"]
		if v, ok := m["keep_alive_tmo"]; ok {
			s += " keep_alive_tmo=" + v
		}
		out = append(out, s)
	}
	return out
}

func wantWrites(t *testing.T, f *nvmftest.Fake, from int, want ...string) {
	t.Helper()
	if got := writes(f, from); !slices.Equal(got, want) {
		t.Errorf("kernel writes:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

const disc = "nqn.2014-08.org.nvmexpress.discovery "

func step(t *testing.T, m *monitor.Monitor) []monitor.Pass {
	t.Helper()
	return m.Step(background)
}

func TestStartKeepsADiscoveryControllerAndConnectsEveryPath(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, addr1, 1, sub(addr1, sub1), sub(addr1, sub2))
	m := newMonitor(f, newClock(), target(addr1))
	ps := step(t, m)
	if len(ps) != 1 || ps[0].Err != nil || ps[0].Report == nil {
		t.Fatalf("passes = %+v; want one without error", ps)
	}
	wantWrites(t, f, 0,
		disc+addr1+" ctrl_loss_tmo=-1 keep_alive_tmo=30",
		sub1+" "+addr1+" ctrl_loss_tmo=600",
		sub2+" "+addr1+" ctrl_loss_tmo=600")
	if got := f.Controllers(t); !slices.Equal(got, []string{"nvme0", "nvme1", "nvme2"}) {
		t.Errorf("controllers = %v; want the discovery controller kept beside both paths", got)
	}
	if next, ok := m.Next(); ok {
		t.Errorf("Next = %v; want nothing due after a clean pass", next)
	}
	if ps := step(t, m); len(ps) != 0 {
		t.Errorf("a second Step did %+v; want nothing", ps)
	}
	st := m.Status()
	if len(st) != 1 || !slices.Equal(st[0].Controllers, []string{"nvme0"}) || !slices.Equal(st[0].Created, []string{"nvme0"}) ||
		st[0].Genctr != 1 || !st[0].Seen || st[0].Failures != 0 || !st[0].Retry.IsZero() {
		t.Errorf("status = %+v", st)
	}
}

func TestLogChangeConnectsOnlyWhatIsNew(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, addr1, 1, sub(addr1, sub1))
	m := newMonitor(f, newClock(), target(addr1))
	step(t, m)
	n := len(f.Kernel.Writes())
	if m.LogChanged("nvme5") {
		t.Error("LogChanged of a controller the monitor does not use reported a hit")
	}
	if ps := step(t, m); len(ps) != 0 {
		t.Errorf("Step after a foreign AEN did %+v; want nothing", ps)
	}
	serve(f, addr1, 2, sub(addr1, sub1), sub(addr1, sub3))
	if !m.LogChanged("nvme0") {
		t.Fatal("LogChanged(nvme0) missed the monitor's discovery controller")
	}
	if ps := step(t, m); len(ps) != 1 || ps[0].Err != nil {
		t.Fatalf("passes = %+v", ps)
	}
	wantWrites(t, f, n, sub3+" "+addr1+" ctrl_loss_tmo=600")
	if g := m.Status()[0].Genctr; g != 2 {
		t.Errorf("generation = %d; want 2", g)
	}
}

func TestUnreachableTargetRetriedWithCappedBackoffForEver(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, addr1, 1, sub(addr1, sub1))
	f.Kernel.Fail = nvmftest.FailWhen("traddr", addr1, syscall.ECONNREFUSED)
	c := newClock()
	m := newMonitor(f, c, target(addr1))
	for i, wait := range []time.Duration{1, 2, 4, 8, 8, 8} {
		start := c.now
		ps := step(t, m)
		if len(ps) != 1 || ps[0].Err == nil {
			t.Fatalf("attempt %d: passes = %+v; want one failure", i+1, ps)
		}
		if got := ps[0].Retry.Sub(start); got != wait*time.Second {
			t.Errorf("attempt %d: retry in %v; want %v", i+1, got, wait*time.Second)
		}
		c.advance(wait*time.Second - time.Millisecond)
		if ps := step(t, m); len(ps) != 0 {
			t.Errorf("attempt %d: Step before the retry is due did %+v", i+1, ps)
		}
		c.advance(time.Millisecond)
	}
	if len(f.Kernel.Writes()) != 6 {
		t.Errorf("%d writes; want one discovery connect per attempt", len(f.Kernel.Writes()))
	}
	f.Kernel.Fail = nil
	n := len(f.Kernel.Writes())
	if ps := step(t, m); len(ps) != 1 || ps[0].Err != nil {
		t.Fatalf("once the target is up: passes = %+v", ps)
	}
	wantWrites(t, f, n, disc+addr1+" ctrl_loss_tmo=-1 keep_alive_tmo=30", sub1+" "+addr1+" ctrl_loss_tmo=600")
	if st := m.Status()[0]; st.Failures != 0 || st.LastErr != nil {
		t.Errorf("status after success = %+v; want failures reset", st)
	}
}

func TestFailedPathRetriedAloneThroughTheSameDiscoveryController(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, addr1, 1, sub(addr1, sub1), sub(addr1, sub2))
	f.Kernel.Fail = nvmftest.FailWhen("nqn", sub2, syscall.ECONNRESET)
	c := newClock()
	m := newMonitor(f, c, target(addr1))
	ps := step(t, m)
	if len(ps) != 1 || ps[0].Err == nil || !strings.Contains(ps[0].Err.Error(), sub2) {
		t.Fatalf("passes = %+v; want the failed path named", ps)
	}
	f.Kernel.Fail = nil
	n := len(f.Kernel.Writes())
	c.advance(time.Second)
	if ps := step(t, m); len(ps) != 1 || ps[0].Err != nil {
		t.Fatalf("retry: passes = %+v", ps)
	}
	wantWrites(t, f, n, sub2+" "+addr1+" ctrl_loss_tmo=600")
}

func racer(t *testing.T, f *nvmftest.Fake, name, subnqn string) func(map[string]string) syscall.Errno {
	return nvmftest.ConnectedFirst(t, f, name, subnqn, "live")
}

func TestKernelEALREADYIsSuccess(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, addr1, 1, sub(addr1, sub1), sub(addr1, sub2))
	f.Kernel.Fail = racer(t, f, "nvme7", sub2)
	m := newMonitor(f, newClock(), target(addr1))
	if ps := step(t, m); len(ps) != 1 || ps[0].Err != nil {
		t.Fatalf("passes = %+v; want success", ps)
	}
	if _, ok := m.Next(); ok {
		t.Error("a retry is scheduled after EALREADY")
	}
}

func fabricsOptions() fabrics.Options { return fabrics.Options{} }
