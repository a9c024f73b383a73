//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/nvmet"
)

// ibvActiveMTU is what ibv_devinfo (bookworm's rdma-core, the reference)
// says is dev's port 1 active MTU.
func ibvActiveMTU(t *testing.T, dev string) int {
	t.Helper()
	r := runAs(t, nil, "ibv_devinfo", "-d", dev)
	mustOK(t, r, "ibv_devinfo -d "+dev)
	m := regexp.MustCompile(`active_mtu:\s+(\d+) \(`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("no active_mtu in\n%s", r.stdout)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// gonvmeActiveMTU is what rdma-devices -o json says, run as a user.
func gonvmeActiveMTU(t *testing.T, dev string) int {
	t.Helper()
	r := runAs(t, &syscall.Credential{Uid: 1000, Gid: 1000}, gonvmeBin(), "rdma-devices", "-o", "json")
	mustOK(t, r, "rdma-devices -o json")
	var doc struct {
		Devices []struct {
			Name  string
			Ports []struct {
				ActiveMTU int `json:"active_mtu"`
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	for _, d := range doc.Devices {
		if d.Name == dev && len(d.Ports) > 0 {
			return d.Ports[0].ActiveMTU
		}
	}
	t.Fatalf("no %s in\n%s", dev, r.stdout)
	return 0
}

// TestRDMAActiveMTU reads rxe0's active MTU through the uverbs device at
// three veth0 MTUs and compares it with ibv_devinfo's. rxe follows its
// interface's MTU (80 header bytes off, at least what rdma_cm's 96 leave),
// so doctor stays ok at each: no mismatch can be made on rxe.
func TestRDMAActiveMTU(t *testing.T) {
	t.Cleanup(func() { exec.Command(ipCmd, "link", "set", "veth0", "mtu", "1500").Run() })
	for _, c := range []struct{ netdev, active int }{{1500, 1024}, {9000, 4096}, {1100, 512}, {1500, 1024}} {
		ip(t, "link", "set", "veth0", "mtu", strconv.Itoa(c.netdev))
		ref, got := ibvActiveMTU(t, "rxe0"), gonvmeActiveMTU(t, "rxe0")
		if ref != c.active || got != ref {
			t.Errorf("veth0 MTU %d: gonvme says active MTU %d, ibv_devinfo %d, want %d", c.netdev, got, ref, c.active)
		}
		r := doctorOut(t, "-t", "rdma")
		wantLine(t, r, "rdma", "rxe0 port 1 mtu", "ok", "active MTU "+strconv.Itoa(c.active)+" (max 4096)",
			"veth0's MTU "+strconv.Itoa(c.netdev)+" fits "+strconv.Itoa(c.active))
		if r.code != 0 {
			t.Errorf("veth0 MTU %d: %v", c.netdev, r)
		}
	}
	r := runAs(t, &syscall.Credential{Uid: 1000, Gid: 1000}, gonvmeBin(), "rdma-devices", "-v")
	if !strings.Contains(r.stdout, "rxe0 port 1 ==> veth0 (Up) state ACTIVE phys_state LinkUp link_layer Ethernet node_type CA netdev_mtu 1500 active_mtu 1024 max_mtu 4096\n") {
		t.Errorf("rdma-devices -v as user: %v", r)
	}
}

const (
	iwAddr = "10.254.99.1" // veth1's, where siw0 sits
	iwPort = 9
)

// TestRDMASoftIWARP puts soft-iWARP siw0 (siw.ko built by vmtest/siw.sh)
// on veth1 beside rxe0 and runs the RDMA views, doctor, discover and
// connect over it.
func TestRDMASoftIWARP(t *testing.T) {
	st, _ := os.ReadFile("/etc/gonvme-vm/siw")
	if !strings.HasPrefix(string(st), "siw.ko built") {
		t.Skipf("no soft-iWARP module in this guest: %s", st)
	}
	clean(t)
	if out, err := exec.Command("modprobe", "siw").CombinedOutput(); err != nil {
		t.Fatalf("modprobe siw: %v %s", err, out)
	}
	ip(t, "addr", "add", iwAddr+"/24", "dev", "veth1")
	t.Cleanup(func() { exec.Command(ipCmd, "addr", "del", iwAddr+"/24", "dev", "veth1").Run() })
	if out, err := exec.Command("rdma", "link", "add", "siw0", "type", "siw", "netdev", "veth1").CombinedOutput(); err != nil {
		t.Fatalf("rdma link add siw0: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("rdma", "link", "delete", "siw0").Run() })
	if err := target.CreatePort(iwPort, nvmet.Addr{Trtype: "rdma", Adrfam: "ipv4", Traddr: iwAddr, Trsvcid: "4420"}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { target.Unlink(iwPort, nqnA); target.RemovePort(iwPort) })
	if err := target.Link(iwPort, nqnA); err != nil {
		t.Fatal(err)
	}

	user := &syscall.Credential{Uid: 1000, Gid: 1000}
	dev := runAs(t, user, gonvmeBin(), "rdma-devices", "-v")
	mustOK(t, dev, "rdma-devices -v")
	if !strings.Contains(dev.stdout, "siw0 port 1 ==> veth1 (Up) state ACTIVE phys_state LinkUp link_layer Ethernet node_type RNIC netdev_mtu 1500 active_mtu 1024") {
		t.Errorf("rdma-devices -v:\n%s", dev.stdout)
	}
	if link := runAs(t, nil, "rdma", "link", "show", "siw0/1"); !strings.Contains(link.stdout, "netdev veth1") {
		t.Errorf("rdma link show siw0/1: %v", link)
	}
	if ref, got := ibvActiveMTU(t, "siw0"), gonvmeActiveMTU(t, "siw0"); got != ref {
		t.Errorf("siw0 active MTU: gonvme %d, ibv_devinfo %d", got, ref)
	}
	script := filepath.Join(t.TempDir(), "show_gids")
	if err := os.WriteFile(script, showGIDs, 0o755); err != nil {
		t.Fatal(err)
	}
	if ref, got := runAs(t, nil, "sh", script), runAs(t, user, gonvmeBin(), "show-gids"); got.stdout != ref.stdout || !strings.Contains(got.stdout, "siw0\t1\t0\t") {
		t.Errorf("show-gids with siw0:\n--- show_gids\n%s--- gonvme\n%s", ref.stdout, got.stdout)
	}

	r := doctorOut(t, "-t", "rdma", "-a", iwAddr, "-s", "4420", "-n", nqnA)
	wantLine(t, r, "rdma", "siw0 port 1", "ok", "node type RNIC")
	wantLine(t, r, "rdma", "siw0 port 1 netdev", "ok", "veth1 (up, MTU 1500)")
	wantLine(t, r, "rdma", "siw0 port 1 mtu", "ok", "active MTU 1024", "iWARP")
	wantLine(t, r, "path", "route", "ok", "veth1", "RDMA device siw0/1")
	wantLine(t, r, "path", "source gid", "ok", "iWARP device on veth1")
	wantLine(t, r, "target", "host allowed", "ok", "deleted it at once")
	if r.code != 0 {
		t.Errorf("doctor over iWARP: %v", r)
	}

	mustOK(t, gonvme(t, "discover", "-t", "rdma", "-a", iwAddr, "-s", "4420"), "discover over siw0")
	mustOK(t, gonvme(t, "connect", "-t", "rdma", "-a", iwAddr, "-s", "4420", "-n", nqnA), "connect over siw0")
	defer disconnectAllKernel()
	cs := controllers(t)
	if len(cs) != 1 || !strings.Contains(cs[0].Address, "traddr="+iwAddr) {
		t.Fatalf("controllers %+v", cs)
	}
	if qp := runAs(t, nil, "rdma", "resource", "show", "qp", "link", "siw0/1"); !strings.Contains(qp.stdout, "siw0/1") {
		t.Errorf("no queue pair on siw0 while connected: %v", qp)
	}
	mustOK(t, gonvme(t, "disconnect", "-n", nqnA), "disconnect")
}
