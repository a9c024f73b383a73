//go:build e2e

package e2e

import (
	"net"
	"strings"
	"syscall"
	"testing"
)

// Bad input is refused before configfs is touched: exit 2, the value
// named, every attribute as it was.
func TestTargetBadInput(t *testing.T) {
	clean(t)
	dev := nullBlk(t, "nullb-tbad")
	before := allTree(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"subsystem", "add", "a/b"}, "'/'"},
		{[]string{"subsystem", "add", "nqn.2014-08.org.nvmexpress.discovery"}, "the discovery NQN"},
		{[]string{"subsystem", "add", "with space"}, "invalid NQN"},
		{[]string{"subsystem", "add", "x", "--model", "a\x01b"}, "control character"},
		{[]string{"namespace", "add", nqnA, "--device", dev, "--nsid", "0"}, "namespace IDs run from 1"},
		{[]string{"namespace", "add", nqnA, "--device", "/dev/no-such-disk"}, "/dev/no-such-disk does not exist"},
		{[]string{"port", "add", "40", "-t", "ib", "-a", rdmaAddr, "-s", "4450"}, `transport "ib"`},
		{[]string{"port", "add", "40", "-t", "rdma", "-a", "169.254.99.300", "-s", "4450"}, "not an IP address"},
		{[]string{"port", "add", "40", "-t", "tcp", "-a", tcpAddr, "-s", "0"}, "not a port number"},
		{[]string{"referral", "add", "1", "x,y=z", "-t", "tcp", "-a", "1.2.3", "-s", "4420"}, "not an IP address"},
	} {
		r := gonvme(t, append([]string{"target"}, c.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("target %q: want exit 2 and %q:\n%s", c.args, c.want, r)
		}
	}
	if d := treeDiff(before, allTree(t)); len(d) > 0 {
		t.Errorf("refused input changed configfs:\n%s", strings.Join(d, "\n"))
	}
}

// What the kernel refuses is explained: an address not on this host, a
// port address in use, RDMA on an interface without an RDMA device, a busy
// device, an NQN in use, a subsystem still exposed.
func TestTargetExplains(t *testing.T) {
	clean(t)
	dev := nullBlk(t, "nullb-texplain")
	const sub = "nqn.2026-11.io.gonvme:t-explain"
	gonvmeOK(t, "target", "subsystem", "add", sub, "--allow-any-host")
	t.Cleanup(func() {
		for _, p := range []string{"41", "42", "43"} {
			gonvme(t, "target", "port", "remove", p)
		}
		gonvme(t, "target", "subsystem", "remove", sub)
	})
	gonvmeOK(t, "target", "namespace", "add", sub, "--device", dev)

	expose := func(port, trtype, addr, svc, want string) {
		t.Helper()
		gonvmeOK(t, "target", "port", "add", port, "-t", trtype, "-a", addr, "-s", svc)
		r := gonvme(t, "target", "expose", port, sub)
		if r.code != 1 || !strings.Contains(r.stderr, want) {
			t.Errorf("expose on %s %s:%s: want exit 1 and %q:\n%s", trtype, addr, svc, want, r)
		}
	}
	expose("41", "rdma", "169.254.99.77", "4451", "169.254.99.77 is not an address of this host")
	ln, err := net.Listen("tcp", tcpAddr+":4452")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	expose("42", "tcp", tcpAddr, "4452", "in use already")
	// veth1 has no RDMA device (rxe0 is on veth0).
	const veth1Addr = "169.254.98.1"
	if r := runAs(t, nil, "/usr/sbin/ip", "addr", "add", veth1Addr+"/32", "dev", "veth1"); r.code != 0 {
		t.Fatalf("ip addr add: %s", r)
	}
	defer runAs(t, nil, "/usr/sbin/ip", "addr", "del", veth1Addr+"/32", "dev", "veth1")
	expose("43", "rdma", veth1Addr, "4453", "is on veth1, which has no RDMA device")

	fd, err := syscall.Open(dev, syscall.O_RDONLY|syscall.O_EXCL, 0)
	if err != nil {
		t.Fatal(err)
	}
	r := gonvme(t, "target", "namespace", "add", sub, "--device", dev)
	syscall.Close(fd)
	if r.code != 2 || !strings.Contains(r.stderr, "is busy") {
		t.Errorf("namespace on a device held exclusively:\n%s", r)
	}
	r = gonvme(t, "target", "subsystem", "add", nqnA)
	if r.code != 1 || !strings.Contains(r.stderr, "exists already (the NQN is in use)") {
		t.Errorf("subsystem add of an existing NQN:\n%s", r)
	}
	r = gonvme(t, "target", "subsystem", "remove", nqnA)
	if r.code != 1 || !strings.Contains(r.stderr, "still exposed on port 1, 2, 3") {
		t.Errorf("subsystem remove while exposed:\n%s", r)
	}
	r = gonvme(t, "target", "port", "add", "44", "-t", "rdma", "-a", rdmaAddr, "-s", "4420")
	if r.code != 1 || !strings.Contains(r.stderr, "port 1's address already") {
		t.Errorf("second port on port 1's address:\n%s", r)
	}
}
