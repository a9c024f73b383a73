package nvmf

import (
	"context"
	"fmt"
	"sync"
)

// DefaultDeleteWorkers is how many controllers are deleted at once unless
// told otherwise. Deletes of different controllers run in parallel in the
// kernel, and each takes about as long as a keep-alive round trip.
const DefaultDeleteWorkers = 64

// DeleteResult is the outcome of deleting one controller.
type DeleteResult struct {
	Name string
	Err  error
}

// DeleteControllers deletes the named controllers, at most workers at a
// time, and returns one result per name in the order given. When ctx is done
// no new delete starts; the names not started get an error saying so.
func (e *Edge) DeleteControllers(ctx context.Context, names []string, workers int) []DeleteResult {
	if workers < 1 {
		workers = 1
	}
	res := make([]DeleteResult, len(names))
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	var mu sync.Mutex
	prog := Progress{Total: len(names)}
	for i, name := range names {
		res[i].Name = name
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if err := ctx.Err(); err != nil {
			res[i].Err = fmt.Errorf("not attempted: %w", err)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			res[i].Err = e.Delete(name)
			mu.Lock()
			defer mu.Unlock()
			prog.Done++
			if res[i].Err != nil {
				prog.Failed++
			}
			e.progress(prog)
		}()
	}
	wg.Wait()
	return res
}
