//go:build linux

package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gonvme/gonvme/nvmftest"
)

// TestInterruptHelper is the child process of TestSecondSignalEndsTheProcess.
func TestInterruptHelper(t *testing.T) {
	if os.Getenv("GONVME_INTERRUPT_HELPER") != "1" {
		t.Skip("run by TestSecondSignalEndsTheProcess")
	}
	ctx, stop := InterruptContext(io.Discard)
	defer stop()
	fmt.Println("ready")
	<-ctx.Done()
	fmt.Println("cancelled")
	time.Sleep(20 * time.Second) // the cleanup a second signal cuts short
	os.Exit(0)
}

// The first SIGINT cancels the context and the process carries on (to
// clean up); a second SIGINT or a SIGTERM then ends it at once.
func TestSecondSignalEndsTheProcess(t *testing.T) {
	for _, second := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(second.String(), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestInterruptHelper$")
			cmd.Env = append(os.Environ(), "GONVME_INTERRUPT_HELPER=1")
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			lines := bufio.NewScanner(out)
			expect := func(want string) {
				t.Helper()
				for lines.Scan() {
					if strings.TrimSpace(lines.Text()) == want {
						return
					}
				}
				t.Fatalf("the helper never printed %q", want)
			}
			expect("ready")
			cmd.Process.Signal(syscall.SIGINT)
			expect("cancelled")
			start := time.Now()
			cmd.Process.Signal(second)
			err = cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("helper ended with %v, want killed by %v", err, second)
			}
			ws := ee.Sys().(syscall.WaitStatus)
			if !ws.Signaled() || ws.Signal() != second || time.Since(start) > 10*time.Second {
				t.Errorf("helper ended with %v after %v, want killed by %v at once", err, time.Since(start), second)
			}
		})
	}
}

// A real SIGINT while discover creates its first discovery controller:
// that discovery finishes and removes its controller, the next target is
// not asked, and the run fails.
func TestDiscoverInterruptedBySIGINT(t *testing.T) {
	f := withPages(t, nvmftest.New(t, nvmftest.Empty))
	f.WriteFile(t, "/etc/nvme/discovery.conf",
		"--transport=rdma --traddr=169.254.99.1 --trsvcid=4420\n--transport=tcp --traddr=127.0.0.1 --trsvcid=4420\n")
	var ctx context.Context
	f.Kernel.OnCreate = func(map[string]string) {
		if ctx == nil || ctx.Err() != nil {
			return
		}
		syscall.Kill(os.Getpid(), syscall.SIGINT)
		select {
		case <-ctx.Done():
		case <-time.After(10 * time.Second):
			t.Error("SIGINT did not cancel the command")
		}
	}
	r := runWith(t, f, func(env *Env) {
		env.Interrupts = func() (context.Context, context.CancelFunc) {
			c, stop := InterruptContext(env.Stderr)
			ctx = c
			return c, stop
		}
	}, "discover")
	if r.code != 1 || !strings.HasPrefix(r.stdout, "\nDiscovery Log Number of Records 4") ||
		!strings.Contains(r.stderr, "gonvme: interrupt: finishing what is under way") ||
		!strings.Contains(r.stderr, "not asked: context canceled") {
		t.Errorf("%v\nwant exit 1, the first log, then the second target not asked", r)
	}
	if w := f.Kernel.Writes(); len(w) != 1 {
		t.Errorf("writes %q, want the first discovery controller only", w)
	}
	if got := f.Controllers(t); len(got) != 0 {
		t.Errorf("discovery controllers left behind: %q", got)
	}
}
