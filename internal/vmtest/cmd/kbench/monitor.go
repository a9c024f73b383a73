//go:build linux

package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/internal/uevent"
	"github.com/gonvme/gonvme/nvmet"
)

// The monitor benchmark's target: port A is the monitor's, port B one it
// does not watch (the bare connects), ports from idleFirst the idle run's.
const (
	monPortA, monPortB = 1, 2
	monIdleFirst       = 3
	monSvcA, monSvcB   = 4460, 4461
	monSvcIdle         = 4470
	monStatusPath      = "/run/gonvme/monitor.json"
	clockTicks         = 100 // USER_HZ on x86-64: /proc/PID/stat's unit
)

// monitorBench measures `gonvme monitor` (issue 16): the reaction from a
// subsystem linked to a watched port to its namespace's block device,
// beside a bare connect of a like path, and the idle CPU time and memory
// with many discovery controllers. It prints "bench: monitor …" lines.
func monitorBench(args []string) error {
	fs := flag.NewFlagSet("monitor", flag.ExitOnError)
	bin := fs.String("gonvme", "/payload/gonvme", "gonvme binary")
	addr := fs.String("a", "169.254.99.1", "the target's RDMA address")
	changes := fs.Int("changes", 20, "subsystems exposed one after another")
	ndisc := fs.Int("discovery", 16, "discovery controllers of the idle run")
	idle := fs.Duration("idle", 60*time.Second, "measured idle interval")
	out := fs.String("o", "", "also append the result lines to FILE")
	_ = fs.Parse(args)
	w := io.Writer(os.Stdout)
	if *out != "" {
		f, err := os.OpenFile(*out, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		w = io.MultiWriter(os.Stdout, f)
	}
	rel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	fmt.Fprintf(w, "bench: monitor on kernel %s, %d vCPUs, %s\n", strings.TrimSpace(string(rel)), runtime.NumCPU(),
		time.Now().UTC().Format("2006-01-02"))
	t := nvmet.New("")
	react, bare, err := makeSubsystems(t, *changes)
	if err != nil {
		return err
	}
	port := func(id, svc int) nvmet.Addr {
		return nvmet.Addr{Trtype: "rdma", Adrfam: "ipv4", Traddr: *addr, Trsvcid: strconv.Itoa(svc)}
	}
	for id, svc := range map[int]int{monPortA: monSvcA, monPortB: monSvcB} {
		if err := t.CreatePort(id, port(id, svc)); err != nil {
			return err
		}
	}
	// A port listens once a subsystem is linked: one without namespaces.
	const anchor = "nqn.2026-12.io.gonvme:monbench-anchor"
	if err := t.CreateSubsystem(nvmet.Subsystem{NQN: anchor, AllowAnyHost: true}); err != nil {
		return err
	}
	if err := t.Link(monPortA, anchor); err != nil {
		return err
	}
	disks, stop, err := watchDisks()
	if err != nil {
		return err
	}
	defer stop()

	m, err := startMonitor(*bin, port(monPortA, monSvcA))
	if err != nil {
		return err
	}
	time.Sleep(2 * time.Second) // the anchor's connect and uevents
	k := fabrics.NewKernel(hostfs.New(""))
	ident := hostIdentity()
	var reaction, connect, beyond []float64
	for i := range *changes {
		start := time.Now()
		if err := t.Link(monPortA, react[i]); err != nil {
			return m.fail(err)
		}
		if err := waitDisk(disks, react[i]); err != nil {
			return m.fail(fmt.Errorf("monitor reaction %d: %w", i+1, err))
		}
		r := time.Since(start).Seconds()
		if err := t.Link(monPortB, bare[i]); err != nil {
			return m.fail(err)
		}
		start = time.Now()
		opts := fmt.Sprintf("nqn=%s,transport=rdma,traddr=%s,trsvcid=%d%s,ctrl_loss_tmo=600", bare[i], *addr, monSvcB, ident)
		if _, err := k.Create(opts); err != nil {
			return m.fail(fmt.Errorf("bare connect %d: %w", i+1, err))
		}
		if err := waitDisk(disks, bare[i]); err != nil {
			return m.fail(fmt.Errorf("bare connect %d: %w", i+1, err))
		}
		c := time.Since(start).Seconds()
		reaction, connect, beyond = append(reaction, r), append(connect, c), append(beyond, r-c)
	}
	rss, hwm := memory(m.cmd.Process.Pid)
	if err := m.stop(); err != nil {
		return err
	}
	fmt.Fprintf(w, "bench: monitor reaction, subsystem linked to its block device (%d changes): %s\n", *changes, stats(reaction))
	fmt.Fprintf(w, "bench: bare connect, option string written to its block device (%d connects): %s\n", *changes, stats(connect))
	fmt.Fprintf(w, "bench: beyond the connect itself: %.3f s (difference of the medians), %s per change\n",
		median(reaction)-median(connect), stats(beyond))
	fmt.Fprintf(w, "bench: monitor memory after the changes: VmRSS %.1f MiB, VmHWM %.1f MiB\n", rss, hwm)

	// Idle: ndisc ports, one subsystem each, one discovery.conf line each.
	var lines []nvmet.Addr
	for j := range *ndisc {
		a := port(monIdleFirst+j, monSvcIdle+j)
		if err := t.CreatePort(monIdleFirst+j, a); err != nil {
			return err
		}
		if err := t.Link(monIdleFirst+j, react[j%len(react)]); err != nil {
			return err
		}
		lines = append(lines, a)
	}
	if m, err = startMonitor(*bin, lines...); err != nil {
		return err
	}
	if err := m.settle(len(lines)); err != nil {
		return m.fail(err)
	}
	time.Sleep(5 * time.Second) // the last connects' uevents
	pid := m.cmd.Process.Pid
	cpu0, err := cpuTicks(pid)
	if err != nil {
		return m.fail(err)
	}
	wake0 := wakeups(pid)
	time.Sleep(*idle)
	cpu1, err := cpuTicks(pid)
	if err != nil {
		return m.fail(err)
	}
	woke := wakeups(pid) - wake0
	rss, hwm = memory(m.cmd.Process.Pid)
	if err := m.stop(); err != nil {
		return err
	}
	used := float64(cpu1-cpu0) / clockTicks
	fmt.Fprintf(w, "bench: monitor idle with %d discovery controllers: CPU %.2f s in %v = %.1f s per hour, %d context switches (%.1f a minute); VmRSS %.1f MiB, VmHWM %.1f MiB\n",
		len(lines), used, *idle, used*3600/idle.Seconds(), woke, float64(woke)*60/idle.Seconds(), rss, hwm)
	return nil
}

func makeSubsystems(t *nvmet.Target, n int) (react, bare []string, err error) {
	for i := range 2 * n {
		dev, err := t.CreateNullBlk(fmt.Sprintf("nullb-mon%d", i), 16)
		if err != nil {
			return nil, nil, err
		}
		nqn := fmt.Sprintf("nqn.2026-12.io.gonvme:monbench%d", i)
		if err := t.CreateSubsystem(nvmet.Subsystem{NQN: nqn, AllowAnyHost: true,
			Namespaces: []nvmet.Namespace{{NSID: 1, DevicePath: dev}}}); err != nil {
			return nil, nil, err
		}
		if i%2 == 0 {
			react = append(react, nqn)
		} else {
			bare = append(bare, nqn)
		}
	}
	return react, bare, nil
}

// hostIdentity is the hostnqn and hostid tokens gonvme would send, from
// /etc/nvme, or "" to let the kernel use its own.
func hostIdentity() string {
	s := ""
	for _, k := range []string{"hostnqn", "hostid"} {
		if b, err := os.ReadFile("/etc/nvme/" + k); err == nil && strings.TrimSpace(string(b)) != "" {
			s += "," + k + "=" + strings.TrimSpace(string(b))
		}
	}
	return s
}

var headDisk = regexp.MustCompile(`^nvme[0-9]+n[0-9]+$`)

// watchDisks delivers the names of the NVMe namespace block devices the
// kernel adds (multipath heads or plain, not the hidden per-path ones).
func watchDisks() (<-chan string, func(), error) {
	l, err := uevent.Listen()
	if err != nil {
		return nil, nil, err
	}
	ch := make(chan string, 64)
	go func() {
		defer close(ch)
		for {
			u, err := l.Read()
			if err != nil {
				return
			}
			if u.Action == "add" && u.Subsystem() == "block" && headDisk.MatchString(u.Device()) {
				ch <- u.Device()
			}
		}
	}()
	return ch, func() { l.Close() }, nil
}

// waitDisk waits for the block device of subsystem nqn's namespace.
func waitDisk(disks <-chan string, nqn string) error {
	timeout := time.After(60 * time.Second)
	for {
		select {
		case d, ok := <-disks:
			if !ok {
				return fmt.Errorf("the uevent socket closed")
			}
			// The head's parent is the subsystem, a plain disk's the
			// controller: both have subsysnqn.
			if b, err := os.ReadFile("/sys/block/" + d + "/device/subsysnqn"); err == nil && strings.TrimSpace(string(b)) != nqn {
				continue
			}
			return nil
		case <-timeout:
			return fmt.Errorf("no block device of %s within 60 s", nqn)
		}
	}
}

type runningMonitor struct {
	cmd    *exec.Cmd
	stderr *os.File
	exited chan error
}

// startMonitor writes a discovery.conf naming ports and starts the monitor
// on it; it returns once the monitor has read every log.
func startMonitor(bin string, ports ...nvmet.Addr) (*runningMonitor, error) {
	var conf strings.Builder
	for _, a := range ports {
		fmt.Fprintf(&conf, "--transport=%s --traddr=%s --trsvcid=%s\n", a.Trtype, a.Traddr, a.Trsvcid)
	}
	if err := os.MkdirAll("/etc/nvme", 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile("/etc/nvme/discovery.conf", []byte(conf.String()), 0o644); err != nil {
		return nil, err
	}
	logf, err := os.CreateTemp("", "monitor-bench")
	if err != nil {
		return nil, err
	}
	m := &runningMonitor{cmd: exec.Command(bin, "monitor", "--config=none"), stderr: logf, exited: make(chan error, 1)}
	m.cmd.Stderr = logf
	if err := m.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { m.exited <- m.cmd.Wait() }()
	if err := m.settle(len(ports)); err != nil {
		return nil, m.fail(err)
	}
	return m, nil
}

// monStatus is the part of the monitor's status file settle reads.
type monStatus struct {
	PID     int         `json:"pid"`
	Targets []monTarget `json:"targets"`
}

type monTarget struct {
	Generation *uint64 `json:"generation"`
	Failures   int     `json:"failures"`
}

// settle waits until the status file shows n targets, each with a log
// read and nothing to retry.
func (m *runningMonitor) settle(n int) error {
	deadline := time.Now().Add(120 * time.Second)
	for time.Now().Before(deadline) {
		var st monStatus
		b, err := os.ReadFile(monStatusPath)
		if err == nil && json.Unmarshal(b, &st) == nil && st.PID == m.cmd.Process.Pid && len(st.Targets) == n &&
			!slices.ContainsFunc(st.Targets, func(t monTarget) bool { return t.Generation == nil || t.Failures > 0 }) {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("the monitor did not read its %d logs within 120 s", n)
}

// stop ends the monitor with SIGTERM.
func (m *runningMonitor) stop() error {
	defer os.Remove(m.stderr.Name())
	if err := m.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case err := <-m.exited:
		if err != nil {
			return m.withLog(fmt.Errorf("the monitor: %w", err))
		}
		return nil
	case <-time.After(15 * time.Second):
		m.cmd.Process.Kill()
		return m.withLog(fmt.Errorf("the monitor did not stop within 15 s of SIGTERM"))
	}
}

// fail stops the monitor and returns err with its log.
func (m *runningMonitor) fail(err error) error {
	err = m.withLog(err)
	m.cmd.Process.Kill()
	<-m.exited
	os.Remove(m.stderr.Name())
	return err
}

func (m *runningMonitor) withLog(err error) error {
	b, _ := os.ReadFile(m.stderr.Name())
	return fmt.Errorf("%w\nmonitor log:\n%s", err, b)
}

// cpuTicks is utime+stime of process pid, in clock ticks.
func cpuTicks(pid int) (uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces: the fields start after its ')'.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	u, err1 := strconv.ParseUint(f[11], 10, 64) // field 14, utime
	s, err2 := strconv.ParseUint(f[12], 10, 64) // field 15, stime
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: bad utime or stime", pid)
	}
	return u + s, nil
}

// wakeups is the context switches of every thread of process pid so far:
// a process that polls is switched in at every poll.
func wakeups(pid int) int {
	n := 0
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	for _, task := range tasks {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/status", pid, task.Name()))
		for _, l := range strings.Split(string(b), "\n") {
			k, v, _ := strings.Cut(l, ":")
			if k == "voluntary_ctxt_switches" || k == "nonvoluntary_ctxt_switches" {
				c, _ := strconv.Atoi(strings.TrimSpace(v))
				n += c
			}
		}
	}
	return n
}

// memory is VmRSS and VmHWM of process pid, in MiB.
func memory(pid int) (rss, hwm float64) {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, l := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(l, ":")
		kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
		switch {
		case err != nil:
		case k == "VmRSS":
			rss = kb / 1024
		case k == "VmHWM":
			hwm = kb / 1024
		}
	}
	return rss, hwm
}

func stats(v []float64) string {
	return fmt.Sprintf("median %.3f s, min %.3f, max %.3f", median(v), slices.Min(v), slices.Max(v))
}
