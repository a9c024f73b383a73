package nvmf_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/nvmftest"
)

// A persistent discovery controller whose log cannot be read is removed:
// the caller gets no result that names it, so nobody would remove it.
func TestDiscoverPersistentRemovesControllerWhoseLogFails(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty) // no page: Get Log Page fails
	d, err := f.Edge.Discover(target("tcp", tcpAddr, "4420"), nvmf.DiscoverOptions{Persistent: true})
	if d != nil || err == nil {
		t.Fatalf("Discover = %+v, %v; want the failed log read", d, err)
	}
	if got := f.Controllers(t); len(got) != 0 {
		t.Errorf("controllers %v left behind", got)
	}
	if calls := f.Del.Calls(); !slices.Equal(calls, []string{"nvme0"}) {
		t.Errorf("deletes %q; want nvme0", calls)
	}
	// Not removable either: the error names it.
	f.Del.Errs = map[string]error{"nvme0": errors.New("busy")}
	_, err = f.Edge.Discover(target("tcp", tcpAddr, "4420"), nvmf.DiscoverOptions{Persistent: true})
	var ce *nvmf.CleanupError
	if !errors.As(err, &ce) || ce.Controller != "nvme0" {
		t.Errorf("err = %v; want a *CleanupError naming nvme0", err)
	}
}
