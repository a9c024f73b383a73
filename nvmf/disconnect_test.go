package nvmf_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/gonvme/gonvme/nvmftest"
)

// addControllers creates n rdma I/O controllers nvme0…nvme<n-1>.
func addControllers(t *testing.T, f *nvmftest.Fake, n int) []string {
	var names []string
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("nvme%d", i)
		f.AddController(t, name, map[string]string{
			"transport": "rdma", "address": "traddr=10.0.0.1,trsvcid=4420", "subsysnqn": sub1, "state": "live",
		})
		names = append(names, name)
	}
	return names
}

func TestDeleteControllersBoundedConcurrency(t *testing.T) {
	tests := []struct {
		workers, want int
	}{
		{workers: 3, want: 3},
		{workers: 1, want: 1},
		{workers: 0, want: 1}, // taken as 1
		{workers: 64, want: 10},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("workers=%d", tt.workers), func(t *testing.T) {
			f := nvmftest.New(t, nvmftest.Empty)
			names := addControllers(t, f, 10)
			f.Del.Hold = 20 * time.Millisecond
			res := f.Edge.DeleteControllers(background, names, tt.workers)
			if got := f.Del.MaxConcurrent(); got != tt.want {
				t.Errorf("at most %d deletes ran at once, want %d", got, tt.want)
			}
			for i, r := range res {
				if r.Name != names[i] || r.Err != nil {
					t.Errorf("result %d = %s %v, want %s without error", i, r.Name, r.Err, names[i])
				}
			}
			if left := f.Controllers(t); len(left) != 0 {
				t.Errorf("controllers left: %q", left)
			}
		})
	}
}

func TestDeleteControllersKeepsOrderAndErrors(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	addControllers(t, f, 4)
	busy := syscall.EBUSY
	f.Del.Errs = map[string]error{"nvme2": busy}
	names := []string{"nvme3", "nvme2", "nvme9", "nvme0"}
	res := f.Edge.DeleteControllers(background, names, 2)
	for i, r := range res {
		if r.Name != names[i] {
			t.Errorf("result %d is %s, want %s (the order given)", i, r.Name, names[i])
		}
	}
	if res[0].Err != nil || res[3].Err != nil {
		t.Errorf("nvme3: %v, nvme0: %v; want no error", res[0].Err, res[3].Err)
	}
	if !errors.Is(res[1].Err, syscall.EBUSY) {
		t.Errorf("nvme2: %v, want EBUSY", res[1].Err)
	}
	if !errors.Is(res[2].Err, syscall.ENOENT) {
		t.Errorf("nvme9 (absent): %v, want ENOENT", res[2].Err)
	}
	if left := f.Controllers(t); !slices.Equal(left, []string{"nvme1", "nvme2"}) {
		t.Errorf("controllers left %q, want nvme1 and the busy nvme2", left)
	}
}

func TestDeleteControllersCancel(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	names := addControllers(t, f, 5)
	ctx, cancel := context.WithCancel(background)
	defer cancel()
	f.Del.OnDelete = func(string) { cancel() }
	res := f.Edge.DeleteControllers(ctx, names, 1)
	if res[0].Err != nil {
		t.Errorf("the delete that started: %v, want it to finish", res[0].Err)
	}
	for _, r := range res[1:] {
		if !errors.Is(r.Err, context.Canceled) {
			t.Errorf("%s: %v, want not attempted (context canceled)", r.Name, r.Err)
		}
	}
	if got := f.Del.Calls(); !slices.Equal(got, []string{"nvme0"}) {
		t.Errorf("deletes started %q, want only nvme0", got)
	}
	if left := f.Controllers(t); len(left) != 4 {
		t.Errorf("controllers left %q, want the 4 not attempted", left)
	}
}
