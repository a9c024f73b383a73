//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gonvme/gonvme/kmsg"
	"github.com/gonvme/gonvme/nvmet"
)

// The target every test sees. Ports and subsystems are made once in
// TestMain; tests leave no host controller behind.
const (
	rdmaAddr = "169.254.99.1"
	tcpAddr  = "127.0.0.1"

	nqnA          = "nqn.2026-11.io.gonvme:e2e-a" // ports 1, 2 and 3: reachable through two RDMA ports
	nqnB          = "nqn.2026-11.io.gonvme:e2e-b" // ports 1 and 3
	nqnC          = "nqn.2026-11.io.gonvme:e2e-c" // port 2 only, found through the referral
	nqnRestricted = "nqn.2026-11.io.gonvme:e2e-restricted"
	allowedHost   = "nqn.2026-11.io.gonvme:allowed-host"
	allowedHostID = "0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b"
)

// Ports: 1 rdma 4420 (A, B, referral to 2), 2 rdma 4421 (A, C),
// 3 tcp 4420 (A, B), 4 rdma 4423 (restricted).
var portAddrs = map[int]nvmet.Addr{
	1: {Trtype: "rdma", Adrfam: "ipv4", Traddr: rdmaAddr, Trsvcid: "4420"},
	2: {Trtype: "rdma", Adrfam: "ipv4", Traddr: rdmaAddr, Trsvcid: "4421"},
	3: {Trtype: "tcp", Adrfam: "ipv4", Traddr: tcpAddr, Trsvcid: "4420"},
	4: {Trtype: "rdma", Adrfam: "ipv4", Traddr: rdmaAddr, Trsvcid: "4423"},
}

var target *nvmet.Target

func TestMain(m *testing.M) {
	if os.Getenv("GONVME_VM") != "1" {
		fmt.Println("e2e: not inside the test guest (GONVME_VM unset); run 'make e2e'")
		os.Exit(0)
	}
	target = nvmet.New("")
	if err := setupTarget(); err != nil {
		fmt.Println("e2e: target set-up failed:", err)
		os.Exit(1)
	}
	watchTargetOops()
	code := m.Run()
	disconnectAllKernel()
	os.Exit(code)
}

func setupTarget() error {
	subsystems := []struct {
		nqn   string
		ns    int
		ports []int
		hosts []string
	}{
		{nqnA, 2, []int{1, 2, 3}, nil},
		{nqnB, 2, []int{1, 3}, nil},
		{nqnC, 1, []int{2}, nil},
		{nqnRestricted, 1, []int{4}, []string{allowedHost}},
	}
	for id := 1; id <= 4; id++ {
		if err := target.CreatePort(id, portAddrs[id]); err != nil {
			return err
		}
	}
	blk := 0
	for _, s := range subsystems {
		sub := nvmet.Subsystem{NQN: s.nqn, AllowAnyHost: s.hosts == nil, AllowedHosts: s.hosts}
		for i := 1; i <= s.ns; i++ {
			dev, err := target.CreateNullBlk(fmt.Sprintf("nullb%d", blk), 64)
			if err != nil {
				return err
			}
			blk++
			sub.Namespaces = append(sub.Namespaces, nvmet.Namespace{NSID: i, DevicePath: dev})
		}
		if err := target.CreateSubsystem(sub); err != nil {
			return err
		}
		for _, p := range s.ports {
			if err := target.Link(p, s.nqn); err != nil {
				return err
			}
		}
	}
	return target.AddReferral(1, "to-port-2", portAddrs[2], 2)
}

// result is one command's outcome.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

func runAs(t *testing.T, cred *syscall.Credential, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s: %v", name, err)
	}
	return result{out.String(), errb.String(), code}
}

// gonvme runs gonvme with nvme-cli 2.3's output profile (--compat 2.3):
// nvmecli runs Debian 12's nvme-cli 2.3, so the outputs compare byte for
// byte.
func gonvme(t *testing.T, args ...string) result {
	t.Helper()
	return runAs(t, nil, gonvmeBin(), append([]string{"--compat", "2.3"}, args...)...)
}

func nvmecli(t *testing.T, args ...string) result {
	t.Helper()
	return runAs(t, nil, "/usr/sbin/nvme", args...)
}

func gonvmeBin() string {
	if p := os.Getenv("GONVME_BIN"); p != "" {
		return p
	}
	return "/payload/gonvme"
}

// mustOK fails the test unless r succeeded.
func mustOK(t *testing.T, r result, what string) {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("%s failed:\n%s", what, r)
	}
}

// controller is what sysfs says about one live controller.
type controller struct {
	Name, Transport, Address, SubsysNQN, HostNQN, HostID, State, CntrlType string
}

func readAttr(dir, name string) string {
	b, _ := os.ReadFile(filepath.Join(dir, name))
	return strings.TrimSpace(string(b))
}

func controllers(t *testing.T) []controller {
	t.Helper()
	ents, _ := os.ReadDir("/sys/class/nvme")
	var out []controller
	for _, e := range ents {
		d := filepath.Join("/sys/class/nvme", e.Name())
		out = append(out, controller{
			Name: e.Name(), Transport: readAttr(d, "transport"), Address: readAttr(d, "address"),
			SubsysNQN: readAttr(d, "subsysnqn"), HostNQN: readAttr(d, "hostnqn"), HostID: readAttr(d, "hostid"),
			State: readAttr(d, "state"), CntrlType: readAttr(d, "cntrltype"),
		})
	}
	return out
}

// pathSet is the set of "transport address subsysnqn" of the I/O
// controllers, order-free.
func pathSet(t *testing.T) []string {
	var out []string
	for _, c := range controllers(t) {
		if c.CntrlType == "discovery" || c.SubsysNQN == "nqn.2014-08.org.nvmexpress.discovery" {
			continue
		}
		out = append(out, c.Transport+" "+stripSrc(c.Address)+" "+c.SubsysNQN)
	}
	sort.Strings(out)
	return out
}

// stripSrc drops the src_addr the kernel adds for TCP, which differs from
// connection to connection.
func stripSrc(addr string) string {
	var keep []string
	for _, kv := range strings.Split(addr, ",") {
		if !strings.HasPrefix(kv, "src_addr=") {
			keep = append(keep, kv)
		}
	}
	return strings.Join(keep, ",")
}

// disconnectAllKernel deletes every controller straight through sysfs and
// waits until they are gone.
func disconnectAllKernel() {
	ents, _ := os.ReadDir("/sys/class/nvme")
	for _, e := range ents {
		os.WriteFile(filepath.Join("/sys/class/nvme", e.Name(), "delete_controller"), []byte("1"), 0o200)
	}
	for i := 0; i < 100; i++ {
		if ents, _ := os.ReadDir("/sys/class/nvme"); len(ents) == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// clean makes sure the test starts and ends with no host controller.
func clean(t *testing.T) {
	t.Helper()
	disconnectAllKernel()
	if c := controllers(t); len(c) != 0 {
		t.Fatalf("controllers left from before: %+v", c)
	}
	t.Cleanup(disconnectAllKernel)
}

func jsonEqual(t *testing.T, what, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("%s: gonvme printed invalid JSON: %v\n%s", what, err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: nvme-cli printed invalid JSON: %v\n%s", what, err, want)
	}
	if !reflect.DeepEqual(g, w) || got != want {
		t.Errorf("%s: JSON differs from nvme-cli's\ngonvme:\n%s\nnvme-cli:\n%s", what, got, want)
	}
}

func textEqual(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s: output differs from nvme-cli's\n--- gonvme\n%s\n--- nvme-cli\n%s", what, got, want)
	}
}

// quietKernel runs f and fails the test if the kernel logged anything about
// NVMe or RDMA meanwhile.
func quietKernel(t *testing.T, f func()) {
	t.Helper()
	j, err := kmsg.Open("/dev/kmsg")
	if err != nil {
		t.Fatalf("opening /dev/kmsg: %v", err)
	}
	defer j.Close()
	f()
	if recs := j.Read(); len(recs) > 0 {
		var lines []string
		for _, r := range recs {
			lines = append(lines, r.Message)
		}
		t.Errorf("the kernel logged:\n%s", strings.Join(lines, "\n"))
	}
}

func writeConf(t *testing.T, name, content string) {
	t.Helper()
	p := filepath.Join("/etc/nvme", name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(p) })
}
