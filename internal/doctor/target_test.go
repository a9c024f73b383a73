package doctor

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/discovery"
	"github.com/gonvme/gonvme/nvmf"
)

// The discovery log the 6.1 guest's target served over RDMA (test1 and
// test2 at 169.254.99.1:4420).
func guestLog(t *testing.T) *discovery.Log {
	t.Helper()
	b, err := os.ReadFile("../../testdata/kernel/6.1/discovery/rdma-169.254.99.1-4420.bin")
	if err != nil {
		t.Fatal(err)
	}
	l, err := discovery.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestTCPCheck(t *testing.T) {
	if c := TCPCheck("127.0.0.1:4420", nil); c.Status != OK {
		t.Errorf("%+v", c)
	}
	refused := fmt.Errorf("dial tcp 127.0.0.1:4999: connect: %w", syscall.ECONNREFUSED)
	if c := TCPCheck("127.0.0.1:4999", refused); c.Status != Fail || !strings.Contains(c.Evidence, "nothing listens there") {
		t.Errorf("%+v", c)
	}
}

func TestDiscoveryCheck(t *testing.T) {
	d := &nvmf.Discovered{Controller: "nvme0", Created: true, Log: guestLog(t)}
	if c := DiscoveryCheck("rdma 169.254.99.1:4420", d, nil, nil); c.Status != OK || !strings.Contains(c.Evidence, "nvme0 created and deleted at once") {
		t.Errorf("%+v", c)
	}
	for errno, want := range map[syscall.Errno]string{
		syscall.ECONNRESET:   "reset or rejected",
		syscall.ECONNREFUSED: "nothing listens",
		syscall.ETIMEDOUT:    "no answer",
		syscall.EIO:          "",
	} {
		c := DiscoveryCheck("rdma 169.254.99.1:4999", nil, fmt.Errorf("connecting a discovery controller: %w", errno), nil)
		if c.Status != Fail || !strings.Contains(c.Evidence, want) || c.Fix == "" {
			t.Errorf("%v: %+v", errno, c)
		}
	}
	// The 6.1 guest's kernel line for an RDMA port nothing listens on.
	c := DiscoveryCheck("rdma 169.254.99.1:4999", nil, fmt.Errorf("connect: %w", syscall.ECONNRESET), []string{"nvme nvme0: Connect rejected: status 8 (invalid service ID)."})
	if c.Status != Fail || !strings.Contains(c.Evidence, "nothing listens on that port") || !strings.Contains(c.Evidence, "kernel: nvme nvme0: Connect rejected") {
		t.Errorf("%+v", c)
	}
}

func TestSubsystemChecks(t *testing.T) {
	log := guestLog(t)
	const host = "nqn.2014-08.org.nvmexpress:uuid:a1e0c3d2-5b6f-4e7a-8c9d-0123456789ab"
	checks := SubsystemChecks(log, "nqn.2026-11.io.gonvme:test1", host, ConnectResult{Device: "nvme3"}, nil)
	if c := byName(t, checks, "subsystem offered"); c.Status != OK || !strings.Contains(c.Evidence, "rdma 169.254.99.1:4420 (port 1)") {
		t.Errorf("%+v", c)
	}
	if c := byName(t, checks, "host allowed"); c.Status != OK || !strings.Contains(c.Evidence, "connected nvme3 and deleted it at once") {
		t.Errorf("%+v", c)
	}

	eio := fmt.Errorf("connect: %w", syscall.EIO)
	checks = SubsystemChecks(log, "nqn.2026-11.io.gonvme:test3", host, ConnectResult{Kernel: []string{`nvme_fabrics: Connect Invalid Data Parameter, subsysnqn "nqn.2026-11.io.gonvme:test3"`}}, eio)
	if c := byName(t, checks, "subsystem offered"); c.Status != Fail || !strings.Contains(c.Evidence, "offered (closest first): nqn.2026-11.io.gonvme:test1, nqn.2026-11.io.gonvme:test2") {
		t.Errorf("%+v", c)
	}
	if c := byName(t, checks, "host allowed"); c.Status != Skip {
		t.Errorf("%+v", c)
	}

	refused := ConnectResult{Kernel: []string{"nvme nvme3: Connect for subsystem nqn.2026-11.io.gonvme:e2e-restricted is not allowed, hostnqn: " + host}}
	checks = SubsystemChecks(log, "nqn.2026-11.io.gonvme:e2e-restricted", host, refused, eio)
	if c := byName(t, checks, "subsystem offered"); c.Status != Warn {
		t.Errorf("%+v", c)
	}
	if c := byName(t, checks, "host allowed"); c.Status != Fail || !strings.Contains(c.Fix, "allowed_hosts") || !strings.Contains(c.Evidence, "is not allowed") {
		t.Errorf("%+v", c)
	}

	checks = SubsystemChecks(log, "nqn.2026-11.io.gonvme:test1", host, ConnectResult{Device: "nvme3", DeleteErr: errors.New("busy")}, nil)
	if c := byName(t, checks, "host allowed"); c.Status != Fail || c.Fix != "gonvme disconnect -d nvme3" {
		t.Errorf("%+v", c)
	}
}

func TestOfferedEscapes(t *testing.T) {
	l := &discovery.Log{Entries: []discovery.Entry{{SubType: discovery.SubTypeNVMe, SubNQN: "nqn.x:a\x1b[2Jb", TrAddr: "1.2.3.4", TrSvcID: "4420"}}}
	_, closest := Offered(l, "nqn.x:ab")
	if len(closest) != 1 || strings.ContainsRune(closest[0], 0x1b) {
		t.Errorf("closest %q: names from the network must be printed escaped", closest)
	}
}

func TestReport(t *testing.T) {
	if r := NewReport(nil); r.Result != OK || r.Checks == nil || r.Failed() {
		t.Errorf("%+v", r)
	}
	if r := NewReport([]Check{{Status: Warn}, {Status: Skip}}); r.Result != Warn || r.Failed() {
		t.Errorf("%+v", r)
	}
	if r := NewReport([]Check{{Status: Fail}, {Status: Warn}}); r.Result != Fail || !r.Failed() {
		t.Errorf("%+v", r)
	}
}
