package pool

import "golang.org/x/sync/errgroup"

// Each calls job(i) for every i in [0, n), at most limit at a time (at
// least one), and returns when every call has returned. No more than limit
// goroutines exist at once.
func Each(n, limit int, job func(i int)) {
	var g errgroup.Group
	g.SetLimit(max(limit, 1))
	for i := range n {
		g.Go(func() error {
			job(i)
			return nil
		})
	}
	_ = g.Wait() // the jobs return no error
}

// All calls job(i) for every i in [0, n) as Each does and returns the error
// of the lowest i that failed, the one running the jobs in order would
// return first.
func All(n, limit int, job func(i int) error) error {
	errs := make([]error, n)
	Each(n, limit, func(i int) { errs[i] = job(i) })
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
