//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gonvme/gonvme/nvmet"
)

const (
	manyPort     = 20
	manySubs     = 8
	manyChanges  = 200
	manyPace     = 20 * time.Millisecond
	manyNQNStart = "nqn.2026-11.io.gonvme:mon-many-"
)

var manyAddr = nvmet.Addr{Trtype: "rdma", Adrfam: "ipv4", Traddr: rdmaAddr, Trsvcid: "4450"}

// monitorStatus is the part of the monitor's status file the tests read.
type monitorStatus struct {
	PID        int `json:"pid"`
	Goroutines int `json:"goroutines"`
	Targets    []struct {
		Generation *uint64 `json:"generation"`
		Failures   int     `json:"failures"`
	} `json:"targets"`
}

func readMonitorStatus(t *testing.T) monitorStatus {
	t.Helper()
	var st monitorStatus
	r := gonvme(t, "monitor", "--status", "-o", "json")
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &st) != nil {
		t.Fatalf("monitor --status -o json:\n%s", r)
	}
	return st
}

// targetGenctr is the generation counter the target's log has now.
func targetGenctr(t *testing.T) uint64 {
	t.Helper()
	r := gonvme(t, "discover", "-t", "rdma", "-a", rdmaAddr, "-s", manyAddr.Trsvcid, "-o", "json")
	var log struct {
		Genctr uint64 `json:"genctr"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &log) != nil {
		t.Fatalf("discover -o json:\n%s", r)
	}
	return log.Genctr
}

// waitSettled waits until the monitor's last log read is the target's
// current log, without a failure pending, and returns its status.
func waitSettled(t *testing.T, what string) monitorStatus {
	t.Helper()
	want := targetGenctr(t)
	deadline := time.Now().Add(30 * time.Second)
	for {
		st := readMonitorStatus(t)
		if len(st.Targets) == 1 && st.Targets[0].Generation != nil && *st.Targets[0].Generation == want && st.Targets[0].Failures == 0 {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: the monitor never read generation %d: %s", what, want, gonvme(t, "monitor", "--status"))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func countDir(t *testing.T, dir string) int {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// TestMonitorManyLogChanges changes the target's log 200 times in a row
// under a running monitor: at the end the connected paths are exactly the
// offered ones, once each, the monitor has read the last log, and its
// goroutines and file descriptors are back at their figure before. The
// changes allow and disallow this host on linked subsystems: unlinking a
// subsystem from the port while the host connects it makes the kernel's
// connect wait for its 60 s admin timeout, which would measure the kernel.
func TestMonitorManyLogChanges(t *testing.T) {
	clean(t)
	nqns := make([]string, manySubs)
	for i := range nqns {
		nqns[i] = manyNQNStart + strconv.Itoa(i)
		// No namespace: the connects are what is tested, not the block layer.
		mustTarget(t, target.CreateSubsystem(nvmet.Subsystem{NQN: nqns[i]}))
	}
	mustTarget(t, target.CreatePort(manyPort, manyAddr))
	for _, n := range nqns {
		mustTarget(t, target.Link(manyPort, n))
	}
	host := hostNQN(t)
	hadHost := target.HasHost(host)
	t.Cleanup(func() {
		disconnectAllKernel()
		if err := target.RemovePort(manyPort); err != nil {
			t.Errorf("removing port %d: %v", manyPort, err)
		}
		for _, n := range nqns {
			if err := target.RemoveSubsystem(n); err != nil {
				t.Errorf("removing %s: %v", n, err)
			}
		}
		if !hadHost {
			if err := target.RemoveHost(host); err != nil {
				t.Errorf("removing host %s: %v", host, err)
			}
		}
	})
	linked := make([]bool, manySubs) // offered to this host
	offered := func() []string {
		var out []string
		for i, on := range linked {
			if on {
				out = append(out, fmt.Sprintf("rdma traddr=%s,trsvcid=%s %s", rdmaAddr, manyAddr.Trsvcid, nqns[i]))
			}
		}
		return out
	}
	for i := range manySubs / 2 {
		mustTarget(t, target.AllowHost(nqns[i], host))
		linked[i] = true
	}
	writeConf(t, "discovery.conf", fmt.Sprintf("--transport=rdma --traddr=%s --trsvcid=%s\n", rdmaAddr, manyAddr.Trsvcid))

	mon := startMonitor(t, "--config=none", "--disconnect-stale")
	proc := fmt.Sprintf("/proc/%d/", mon.cmd.Process.Pid)

	waitPaths(t, "at start", 20*time.Second, offered()...)
	before := waitSettled(t, "at start")
	fds, threads := countDir(t, proc+"fd"), countDir(t, proc+"task")

	start := time.Now()
	rng := rand.New(rand.NewPCG(16, manyChanges))
	for range manyChanges {
		i := rng.IntN(manySubs)
		if linked[i] {
			mustTarget(t, target.DisallowHost(nqns[i], host))
		} else {
			mustTarget(t, target.AllowHost(nqns[i], host))
		}
		linked[i] = !linked[i]
		// Paced so that changes land during the monitor's passes as well
		// as between them (back to back, a few log reads see them all).
		time.Sleep(manyPace)
	}
	changed := time.Since(start)
	waitPaths(t, "after the changes", 60*time.Second, offered()...)
	after := waitSettled(t, "after the changes")
	settled := time.Since(start)
	if d := discoveryControllers(t); !slices.Equal(d, []string{"rdma traddr=" + rdmaAddr + ",trsvcid=" + manyAddr.Trsvcid}) {
		t.Errorf("discovery controllers %v; want the monitor's one", d)
	}
	fdsAfter, threadsAfter := countDir(t, proc+"fd"), countDir(t, proc+"task")
	b, _ := os.ReadFile(mon.log)
	t.Logf("%d changes in %v, settled after %v (%d connects, %d disconnects); goroutines %d -> %d, fds %d -> %d, threads %d -> %d",
		manyChanges, changed.Round(time.Millisecond), settled.Round(time.Millisecond),
		strings.Count(string(b), ": connected\n"), strings.Count(string(b), "disconnected: its path left"),
		before.Goroutines, after.Goroutines, fds, fdsAfter, threads, threadsAfter)
	if after.Goroutines > before.Goroutines+1 {
		t.Errorf("goroutines grew from %d to %d", before.Goroutines, after.Goroutines)
	}
	if fdsAfter > fds {
		t.Errorf("open files grew from %d to %d: %v", fds, fdsAfter, fdNames(proc+"fd"))
	}
	// The runtime keeps an OS thread per blocking system call that ran at
	// once (a connect, a log read on each of a walk's workers): a bounded
	// few, never one per change.
	if threadsAfter > threads+8 {
		t.Errorf("threads grew from %d to %d", threads, threadsAfter)
	}

	mon.stop(t)
}

func fdNames(dir string) []string {
	ents, _ := os.ReadDir(dir)
	var out []string
	for _, e := range ents {
		l, _ := os.Readlink(dir + "/" + e.Name())
		out = append(out, e.Name()+"->"+l)
	}
	return out
}
