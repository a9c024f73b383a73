//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gonvme/gonvme/nvmet"
)

// The monitor's own ports and subsystems, so that exposing and hiding
// them disturbs no other test.
const (
	monRDMAPort, monTCPPort, monRefPort = 9, 10, 11
	monNQN1                             = "nqn.2026-11.io.gonvme:mon-1"
	monNQN2                             = "nqn.2026-11.io.gonvme:mon-2"
	monNQN3                             = "nqn.2026-11.io.gonvme:mon-3"
)

var monAddrs = map[int]nvmet.Addr{
	monRDMAPort: {Trtype: "rdma", Adrfam: "ipv4", Traddr: rdmaAddr, Trsvcid: "4439"},
	monTCPPort:  {Trtype: "tcp", Adrfam: "ipv4", Traddr: tcpAddr, Trsvcid: "4440"},
	monRefPort:  {Trtype: "rdma", Adrfam: "ipv4", Traddr: rdmaAddr, Trsvcid: "4441"},
}

func monPath(port int, nqn string) string {
	a := monAddrs[port]
	return fmt.Sprintf("%s traddr=%s,trsvcid=%s %s", a.Trtype, a.Traddr, a.Trsvcid, nqn)
}

func mustTarget(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// waitPaths waits until the host's I/O paths are want (a bound for the
// monitor to react, not a figure).
func waitPaths(t *testing.T, what string, bound time.Duration, want ...string) {
	t.Helper()
	slices.Sort(want)
	deadline := time.Now().Add(bound)
	for {
		got := pathSet(t)
		if slices.Equal(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Logf("status: %s\ncontrollers: %+v", gonvme(t, "monitor", "--status"), controllers(t))
			t.Fatalf("%s: paths after %v:\n\t%s\nwant:\n\t%s", what, bound, strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func discoveryControllers(t *testing.T) []string {
	var out []string
	for _, c := range controllers(t) {
		if c.CntrlType == "discovery" {
			out = append(out, c.Transport+" "+stripSrc(c.Address))
		}
	}
	slices.Sort(out)
	return out
}

// TestMonitor runs gonvme monitor with a discovery.conf naming an RDMA and
// a TCP port, the TCP port absent at the start, and changes the target
// under it: the connected paths follow the logs at every step.
func TestMonitor(t *testing.T) {
	clean(t)
	var devs []string
	for i := range 3 {
		devs = append(devs, nullBlk(t, fmt.Sprintf("nullb-mon%d", i)))
	}
	// Runs before the null_blk devices go (cleanups run last first).
	t.Cleanup(func() {
		disconnectAllKernel()
		for _, p := range []int{monRDMAPort, monTCPPort, monRefPort} {
			if err := target.RemovePort(p); err != nil {
				t.Errorf("removing port %d: %v", p, err)
			}
		}
		for _, n := range []string{monNQN1, monNQN2, monNQN3} {
			if err := target.RemoveSubsystem(n); err != nil {
				t.Errorf("removing %s: %v", n, err)
			}
		}
	})
	for i, n := range []string{monNQN1, monNQN2, monNQN3} {
		mustTarget(t, target.CreateSubsystem(nvmet.Subsystem{NQN: n, AllowAnyHost: true, Namespaces: []nvmet.Namespace{{NSID: 1, DevicePath: devs[i]}}}))
	}
	mustTarget(t, target.CreatePort(monRDMAPort, monAddrs[monRDMAPort]))
	mustTarget(t, target.Link(monRDMAPort, monNQN1))
	writeConf(t, "discovery.conf", "--transport=rdma --traddr=169.254.99.1 --trsvcid=4439\n--transport=tcp --traddr=127.0.0.1 --trsvcid=4440\n")

	mon := startMonitor(t, "--config=none", "--disconnect-stale")

	waitPaths(t, "at start", 20*time.Second, monPath(monRDMAPort, monNQN1))

	mustTarget(t, target.Link(monRDMAPort, monNQN2))
	waitPaths(t, "a subsystem exposed", 20*time.Second, monPath(monRDMAPort, monNQN1), monPath(monRDMAPort, monNQN2))

	// The TCP port appears after the start: the backoff connects it.
	mustTarget(t, target.CreatePort(monTCPPort, monAddrs[monTCPPort]))
	mustTarget(t, target.Link(monTCPPort, monNQN1))
	waitPaths(t, "the late TCP port", 40*time.Second,
		monPath(monRDMAPort, monNQN1), monPath(monRDMAPort, monNQN2), monPath(monTCPPort, monNQN1))

	// Unexposed: --disconnect-stale removes the path.
	mustTarget(t, target.Unlink(monRDMAPort, monNQN2))
	waitPaths(t, "a subsystem unexposed", 20*time.Second, monPath(monRDMAPort, monNQN1), monPath(monTCPPort, monNQN1))

	// A referral to a third port.
	mustTarget(t, target.CreatePort(monRefPort, monAddrs[monRefPort]))
	mustTarget(t, target.Link(monRefPort, monNQN3))
	mustTarget(t, target.AddReferral(monRDMAPort, "mon-ref", monAddrs[monRefPort], monRefPort))
	all := []string{monPath(monRDMAPort, monNQN1), monPath(monTCPPort, monNQN1), monPath(monRefPort, monNQN3)}
	waitPaths(t, "a referral added", 20*time.Second, all...)

	// Re-exposed while a connect-all runs beside the monitor.
	mustTarget(t, target.Link(monRDMAPort, monNQN2))
	ca := gonvme(t, "connect-all", "--config=none", "-t", "rdma", "-a", rdmaAddr, "-s", "4439")
	if ca.code != 0 {
		t.Errorf("connect-all beside the monitor:\n%s", ca)
	}
	all = append(all, monPath(monRDMAPort, monNQN2))
	waitPaths(t, "re-exposed beside connect-all", 20*time.Second, all...)

	if st := gonvme(t, "monitor", "--status"); st.code != 0 || !strings.Contains(st.stdout, "rdma 169.254.99.1:4439: controllers ") {
		t.Errorf("monitor --status:\n%s", st)
	}

	// The RDMA port goes away and comes back offering one more subsystem:
	// the kernel reconnects the discovery controller (ctrl_loss_tmo=-1)
	// and the monitor reads its log again (NVME_EVENT=rediscover).
	mustTarget(t, target.RemovePort(monRDMAPort))
	time.Sleep(time.Second)
	mustTarget(t, target.CreatePort(monRDMAPort, monAddrs[monRDMAPort]))
	for _, n := range []string{monNQN1, monNQN2, monNQN3} {
		mustTarget(t, target.Link(monRDMAPort, n))
	}
	mustTarget(t, target.AddReferral(monRDMAPort, "mon-ref", monAddrs[monRefPort], monRefPort))
	all = append(all, monPath(monRDMAPort, monNQN3))
	waitPaths(t, "the port back", 60*time.Second, all...)

	// SIGHUP without the TCP line: its discovery controller goes.
	writeConf(t, "discovery.conf", "--transport=rdma --traddr=169.254.99.1 --trsvcid=4439\n")
	mustTarget(t, mon.cmd.Process.Signal(syscall.SIGHUP))
	deadline := time.Now().Add(20 * time.Second)
	for slices.Contains(discoveryControllers(t), "tcp traddr=127.0.0.1,trsvcid=4440") {
		if time.Now().After(deadline) {
			t.Fatalf("the TCP discovery controller is still there 20 s after SIGHUP: %v", discoveryControllers(t))
		}
		time.Sleep(100 * time.Millisecond)
	}

	// SIGTERM: the I/O controllers stay, the discovery controllers go.
	mon.stop(t)
	waitPaths(t, "after SIGTERM", time.Second, all...)
	if d := discoveryControllers(t); len(d) != 0 {
		t.Errorf("discovery controllers left after SIGTERM: %v", d)
	}
	// The monitor owns the I/O controllers it connected in
	// /run/nvme/registry (connect-all may have won the race for mon-2):
	// disconnect-all --unowned leaves them, plain disconnect-all does not.
	var owned []string
	for _, c := range controllers(t) {
		if b, err := os.ReadFile("/run/nvme/registry/" + c.Name + ".json"); err == nil && strings.Contains(string(b), `"owner":"gonvme"`) {
			owned = append(owned, c.Transport+" "+stripSrc(c.Address)+" "+c.SubsysNQN)
		}
	}
	if !slices.Contains(owned, monPath(monRDMAPort, monNQN1)) {
		t.Errorf("the monitor owns %v; want at least %s, which it connected first", owned, monPath(monRDMAPort, monNQN1))
	}
	mustOK(t, gonvme(t, "disconnect-all", "--unowned"), "disconnect-all --unowned")
	waitPaths(t, "after disconnect-all --unowned", time.Second, owned...)
	mustOK(t, gonvme(t, "disconnect-all"), "disconnect-all")
	waitPaths(t, "after disconnect-all", time.Second)
}

// monitorProc is a gonvme monitor a test started; its stderr goes to log.
type monitorProc struct {
	cmd    *exec.Cmd
	exited chan error
	log    string
}

// startMonitor starts gonvme monitor with args. At cleanup a monitor
// still running is killed, and a failed test shows its log.
func startMonitor(t *testing.T, args ...string) *monitorProc {
	t.Helper()
	logf, err := os.CreateTemp("", "monitor-log")
	mustTarget(t, err)
	defer logf.Close()
	m := &monitorProc{cmd: exec.Command(gonvmeBin(), append([]string{"monitor"}, args...)...), exited: make(chan error, 1), log: logf.Name()}
	m.cmd.Stderr = logf
	mustTarget(t, m.cmd.Start())
	go func() { m.exited <- m.cmd.Wait() }()
	t.Cleanup(func() {
		if m.cmd.ProcessState == nil {
			m.cmd.Process.Kill()
			<-m.exited
		}
		if t.Failed() {
			b, _ := os.ReadFile(m.log)
			t.Logf("monitor log:\n%s", b)
		}
		os.Remove(m.log)
	})
	return m
}

// stop sends SIGTERM and fails the test unless the monitor exits with
// status 0 within 10 s.
func (m *monitorProc) stop(t *testing.T) {
	t.Helper()
	mustTarget(t, m.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-m.exited:
		if err != nil {
			t.Errorf("monitor after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the monitor did not stop within 10 s of SIGTERM")
	}
}
