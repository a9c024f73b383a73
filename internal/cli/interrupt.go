package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// InterruptContext returns a context that the first SIGINT or SIGTERM
// cancels, and its stop function (for Env.Interrupts). The first signal
// lets the command finish what is in flight and clean up, and says so on
// notice; it also gives the signals back to the system, so a second one
// ends the process at once.
func InterruptContext(notice io.Writer) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			signal.Reset(os.Interrupt, syscall.SIGTERM)
			fmt.Fprintf(notice, "gonvme: %v: finishing what is under way and removing what this run created; interrupt again to stop at once\n", sig)
			cancel()
		case <-done:
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
			cancel()
		})
	}
}
