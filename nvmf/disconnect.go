package nvmf

import (
	"context"
	"fmt"
	"sync"

	"github.com/gonvme/gonvme/internal/pool"
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
	res := make([]DeleteResult, len(names))
	var mu sync.Mutex
	prog := Progress{Total: len(names)}
	pool.Each(len(names), workers, func(i int) {
		res[i].Name = names[i]
		if err := ctx.Err(); err != nil {
			res[i].Err = fmt.Errorf("not attempted: %w", err)
			return
		}
		res[i].Err = e.Delete(names[i])
		mu.Lock()
		defer mu.Unlock()
		prog.Done++
		if res[i].Err != nil {
			prog.Failed++
		}
		e.progress(prog)
	})
	return res
}
