package topology

import (
	"sync"
	"sync/atomic"
)

// scanWorkers is how many directories a scan reads at once. Reading sysfs
// is all system calls; a few at a time keep every CPU busy.
const scanWorkers = 8

// runAll runs jobs, several at a time, and returns the error of the first
// failing job in the order of jobs, as running them one after another
// would.
func runAll(jobs []func() error) error {
	errs := make([]error, len(jobs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(scanWorkers, len(jobs)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) {
					return
				}
				errs[i] = jobs[i]()
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
