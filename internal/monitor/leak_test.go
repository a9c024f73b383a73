package monitor_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/gonvme/gonvme/nvmftest"
)

// A discovery controller the monitor connects but cannot read the log
// through (the target answers Get Log Page with an error) is neither left
// behind nor duplicated by the retries: each attempt removes its own, and
// Stop leaves nothing of the monitor's.
func TestDiscoveryControllerWhoseLogFailsIsNotLeftBehind(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty) // no log served: Get Log Page fails
	c := newClock()
	m := newMonitor(f, c, target(addr1))
	for i := range 3 {
		ps := step(t, m)
		if len(ps) != 1 || ps[0].Err == nil {
			t.Fatalf("attempt %d: passes = %+v; want the failed log read", i+1, ps)
		}
		if got := f.Controllers(t); len(got) != 0 {
			t.Fatalf("attempt %d: controllers %v left behind (created: %v)", i+1, got, m.Status()[0].Created)
		}
		c.advance(testBackoff.Max)
	}
	if got := f.Kernel.Created(); len(got) != 3 {
		t.Errorf("created %v; want one discovery controller per attempt", got)
	}
	serve(f, addr1, 1, sub(addr1, sub1))
	if ps := step(t, m); len(ps) != 1 || ps[0].Err != nil {
		t.Fatalf("once the log is served: passes = %+v", ps)
	}
	if deleted, err := m.Stop(); err != nil || len(deleted) != 1 {
		t.Errorf("Stop = %v, %v; want its one discovery controller removed", deleted, err)
	}
	if got := f.Controllers(t); len(got) != 1 {
		t.Errorf("controllers after Stop = %v; want only the I/O one", got)
	}
}

// When removing that controller fails too, the monitor keeps it as its own
// and removes it once it can (here at Stop).
func TestUnremovableDiscoveryControllerWhoseLogFailsIsTracked(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	f.Del.Errs = map[string]error{"nvme0": errors.New("busy")}
	m := newMonitor(f, newClock(), target(addr1))
	if ps := step(t, m); len(ps) != 1 || ps[0].Err == nil {
		t.Fatalf("passes = %+v; want the failed log read", ps)
	}
	if st := m.Status()[0]; !slices.Equal(st.Created, []string{"nvme0"}) {
		t.Fatalf("created = %v; want nvme0 kept as the monitor's", st.Created)
	}
	f.Del.Errs = nil
	if deleted, err := m.Stop(); err != nil || !slices.Equal(deleted, []string{"nvme0"}) {
		t.Errorf("Stop = %v, %v; want nvme0 removed", deleted, err)
	}
	if got := f.Controllers(t); len(got) != 0 {
		t.Errorf("controllers after Stop = %v", got)
	}
}
