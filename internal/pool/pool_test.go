package pool_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gonvme/gonvme/internal/pool"
)

func TestEachBoundsAndCoversEveryIndex(t *testing.T) {
	for _, tc := range []struct{ n, limit, want int }{
		{n: 20, limit: 4, want: 4},
		{n: 3, limit: 8, want: 3},
		{n: 5, limit: 0, want: 1}, // a limit below one runs one at a time
	} {
		var active, peak atomic.Int32
		var mu sync.Mutex
		seen := map[int]int{}
		pool.Each(tc.n, tc.limit, func(i int) {
			a := active.Add(1)
			for {
				p := peak.Load()
				if a <= p || peak.CompareAndSwap(p, a) {
					break
				}
			}
			time.Sleep(10 * time.Millisecond)
			active.Add(-1)
			mu.Lock()
			seen[i]++
			mu.Unlock()
		})
		if got := int(peak.Load()); got != tc.want {
			t.Errorf("n=%d limit=%d: %d jobs ran at once, want %d", tc.n, tc.limit, got, tc.want)
		}
		for i := range tc.n {
			if seen[i] != 1 {
				t.Errorf("n=%d limit=%d: job %d ran %d times, want once", tc.n, tc.limit, i, seen[i])
			}
		}
		if len(seen) != tc.n {
			t.Errorf("n=%d limit=%d: jobs %v ran, want 0..%d", tc.n, tc.limit, seen, tc.n-1)
		}
	}
}

func TestAllReturnsTheFirstErrorInJobOrder(t *testing.T) {
	e1, e3 := errors.New("job 1"), errors.New("job 3")
	var ran atomic.Int32
	err := pool.All(5, 5, func(i int) error {
		ran.Add(1)
		switch i {
		case 1:
			time.Sleep(20 * time.Millisecond) // fails last in time, first in order
			return e1
		case 3:
			return e3
		}
		return nil
	})
	if err != e1 {
		t.Errorf("All = %v, want %v", err, e1)
	}
	if ran.Load() != 5 {
		t.Errorf("%d jobs ran, want all 5 (a failure stops none)", ran.Load())
	}
	if err := pool.All(0, 4, func(int) error { return e1 }); err != nil {
		t.Errorf("All of no jobs = %v, want nil", err)
	}
}
