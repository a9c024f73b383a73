//go:build e2e

package e2e

import (
	_ "embed"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// showGIDs is seed 000's show_gids script, the reference for show-gids.
//
//go:embed testdata/show_gids
var showGIDs []byte

const ipCmd = "/usr/sbin/ip" // busybox ip cannot make veth pairs

// doctorOut runs gonvme doctor and checks that it left no controller and
// that every line starts with a status.
func doctorOut(t *testing.T, args ...string) result {
	t.Helper()
	r := gonvme(t, append([]string{"doctor"}, args...)...)
	if cs := controllers(t); len(cs) != 0 {
		t.Errorf("doctor %q left controllers %+v", args, cs)
	}
	if strings.Contains(strings.Join(args, " "), "-o json") {
		return r
	}
	t.Logf("gonvme doctor %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stdout)
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		st, _, _ := strings.Cut(l, " ")
		if st != "ok" && st != "warn" && st != "fail" && st != "skip" {
			t.Errorf("doctor %q: line %q does not start with a status", args, l)
		}
	}
	return r
}

// line returns doctor's line of check section/name.
func line(t *testing.T, r result, section, name string) string {
	t.Helper()
	for _, l := range strings.Split(r.stdout, "\n") {
		f := strings.Fields(l)
		if len(f) > 2 && f[1] == section && strings.HasPrefix(strings.Join(f[2:], " "), name+":") {
			return l
		}
	}
	t.Fatalf("no %s %s line in\n%s", section, name, r)
	return ""
}

func wantLine(t *testing.T, r result, section, name, status string, contains ...string) {
	t.Helper()
	l := line(t, r, section, name)
	if !strings.HasPrefix(l, status+" ") {
		t.Errorf("want %s, got %q", status, l)
	}
	for _, c := range contains {
		if !strings.Contains(l, c) {
			t.Errorf("line %q lacks %q", l, c)
		}
	}
}

func ip(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(ipCmd, args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %q: %v\n%s", args, err, out)
	}
}

func TestDoctorHealthy(t *testing.T) {
	clean(t)
	for _, args := range [][]string{
		{"-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", nqnA},
		{"-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", nqnA},
		{},
	} {
		r := doctorOut(t, args...)
		if r.code != 0 || strings.Contains(r.stdout, "\nwarn ") || strings.Contains(r.stdout, "\nfail ") || strings.HasPrefix(r.stdout, "warn") {
			t.Errorf("doctor %q on the healthy guest: %v", args, r)
		}
	}
	r := doctorOut(t, "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", nqnA)
	wantLine(t, r, "path", "route", "ok", "route to 169.254.99.1 leaves through veth0", "RDMA device rxe0/1")
	wantLine(t, r, "path", "source gid", "ok", "rxe0/1 index 1 v2")
	wantLine(t, r, "target", "discovery", "ok", "created and deleted at once")
	wantLine(t, r, "target", "host allowed", "ok", "deleted it at once")
	wantLine(t, r, "target", "subsystem offered", "ok", "rdma 169.254.99.1:4420 (port 1)")

	j := doctorOut(t, "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-o", "json")
	var rep struct {
		Checks []struct{ Section, Name, Status, Evidence, Fix string }
		Result string
	}
	if err := json.Unmarshal([]byte(j.stdout), &rep); err != nil || rep.Result != "ok" || j.code != 0 {
		t.Fatalf("-o json: %v\n%s", err, j)
	}
	for _, c := range rep.Checks {
		if c.Section == "" || c.Name == "" || c.Status != "ok" || c.Evidence == "" {
			t.Errorf("-o json check %+v", c)
		}
	}

	// As a user: what needs root is skipped, nothing is connected.
	u := runAs(t, &syscall.Credential{Uid: 1000, Gid: 1000}, gonvmeBin(), "doctor", "-t", "rdma", "-a", rdmaAddr, "-n", nqnA)
	wantLine(t, u, "target", "discovery", "skip", "needs root")
	wantLine(t, u, "host", "/dev/nvme-fabrics", "skip", "needs root")
	wantLine(t, u, "path", "route", "ok", "leaves through veth0")
	if u.code != 0 {
		t.Errorf("as user: %v", u)
	}
}

func TestDoctorTargetFailures(t *testing.T) {
	clean(t)
	r := doctorOut(t, "-t", "tcp", "-a", tcpAddr, "-s", "4999")
	wantLine(t, r, "target", "tcp port", "fail", "connection refused", "nothing listens there")
	if r.code != 1 {
		t.Errorf("tcp port closed: %v", r)
	}
	r = doctorOut(t, "-t", "rdma", "-a", rdmaAddr, "-s", "4999")
	wantLine(t, r, "target", "discovery", "fail", "169.254.99.1:4999", "nothing listens on that port")
	if r.code != 1 {
		t.Errorf("nothing listening: %v", r)
	}
	r = doctorOut(t, "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", "nqn.2026-11.io.gonvme:e2e-aa")
	wantLine(t, r, "target", "subsystem offered", "fail", "offered (closest first): "+nqnA)
	if r.code != 1 {
		t.Errorf("not offered: %v", r)
	}
	r = doctorOut(t, "-t", "rdma", "-a", rdmaAddr, "-s", "4423", "-n", nqnRestricted)
	wantLine(t, r, "target", "host allowed", "fail", "is not allowed", "allowed_hosts")
	if r.code != 1 {
		t.Errorf("host not allowed: %v", r)
	}
	// The allowed host passes, with its own identity.
	r = doctorOut(t, "-t", "rdma", "-a", rdmaAddr, "-s", "4423", "-n", nqnRestricted, "-q", allowedHost, "-I", allowedHostID)
	wantLine(t, r, "target", "host allowed", "ok", allowedHost)
}

// replaceFile writes content to path until the test ends.
func replaceFile(t *testing.T, path, content string) {
	t.Helper()
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.WriteFile(path, old, 0o644) })
}

func TestDoctorHost(t *testing.T) {
	clean(t)
	t.Run("module not loaded", func(t *testing.T) {
		if out, err := exec.Command("rmmod", "nvme_tcp").CombinedOutput(); err != nil {
			t.Fatalf("rmmod nvme_tcp: %v %s", err, out)
		}
		defer exec.Command("modprobe", "nvme-tcp").Run()
		r := doctorOut(t, "-t", "tcp", "-a", tcpAddr, "-s", "4420")
		wantLine(t, r, "host", "module nvme-tcp", "fail", "not loaded", "modprobe nvme-tcp")
		if r.code != 1 {
			t.Errorf("%v", r)
		}
		if r := doctorOut(t, "-t", "rdma", "-a", rdmaAddr); r.code != 0 || strings.Contains(r.stdout, "nvme-tcp") {
			t.Errorf("-t rdma does not need nvme-tcp: %v", r)
		}
	})
	t.Run("hostid mismatch", func(t *testing.T) {
		replaceFile(t, "/etc/nvme/hostid", allowedHostID+"\n")
		r := doctorOut(t)
		wantLine(t, r, "host", "hostid", "fail", "differs from the UUID a1e0c3d2-5b6f-4e7a-8c9d-0123456789ab inside the host NQN")
		if r.code != 1 {
			t.Errorf("%v", r)
		}
	})
	t.Run("all-zero UUID", func(t *testing.T) {
		const zero = "00000000-0000-0000-0000-000000000000"
		replaceFile(t, "/etc/nvme/hostid", zero+"\n")
		replaceFile(t, "/etc/nvme/hostnqn", "nqn.2014-08.org.nvmexpress:uuid:"+zero+"\n")
		r := doctorOut(t)
		wantLine(t, r, "host", "hostid", "fail", "the all-zero UUID", "uuidgen")
		if r.code != 1 {
			t.Errorf("%v", r)
		}
	})
}

// TestDoctorSeed003 builds seed 003's trap in the guest: veth2, without an
// RDMA device, holds 169.254.99.7 in veth0's subnet and the route to the
// target leaves through it (a policy rule before the local table), so the
// RDMA connect is reset as in the seed's dmesg.
func TestDoctorSeed003(t *testing.T) {
	clean(t)
	ip(t, "link", "add", "veth2", "type", "veth", "peer", "name", "veth3")
	t.Cleanup(func() { exec.Command(ipCmd, "link", "del", "veth2").Run() })
	ip(t, "addr", "add", "169.254.99.7/16", "dev", "veth2")
	ip(t, "link", "set", "veth2", "up")
	ip(t, "link", "set", "veth3", "up")
	ip(t, "rule", "add", "pref", "10", "to", rdmaAddr, "iif", "lo", "lookup", "100")
	ip(t, "route", "add", rdmaAddr, "dev", "veth2", "src", "169.254.99.7", "table", "100")
	ip(t, "rule", "add", "pref", "20", "lookup", "local")
	ip(t, "rule", "del", "pref", "0")
	t.Cleanup(func() {
		exec.Command(ipCmd, "rule", "add", "pref", "0", "lookup", "local").Run()
		exec.Command(ipCmd, "rule", "del", "pref", "20").Run()
		exec.Command(ipCmd, "rule", "del", "pref", "10").Run()
	})

	r := doctorOut(t, "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", nqnA)
	wantLine(t, r, "path", "route", "fail", "leaves through veth2 (source 169.254.99.7", "veth2 has no RDMA device",
		"ip addr del 169.254.99.7/16 dev veth2", "--host-traddr 169.254.99.1")
	wantLine(t, r, "path", "same subnet", "fail", "veth2 (169.254.99.7/16, no RDMA device) and veth0 (169.254.99.1/16, RDMA rxe0/1) share 169.254.0.0/16", "takes veth2")
	wantLine(t, r, "target", "discovery", "fail", "connection reset")
	if r.code != 1 {
		t.Errorf("%v", r)
	}
	c := gonvme(t, "connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", nqnA)
	if c.code == 0 || !strings.Contains(c.stderr, "veth2 has no RDMA device") || !strings.Contains(c.stderr, "same subnet: veth2") {
		t.Errorf("connect in the trap: want the same explanation:\n%s", c)
	}

	// Fix one: pin the source to the RDMA interface.
	r = doctorOut(t, "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", nqnA, "-w", rdmaAddr)
	wantLine(t, r, "path", "route", "ok", "leaves through veth0", "packets through veth2")
	wantLine(t, r, "path", "same subnet", "warn")
	if r.code != 0 {
		t.Errorf("with -w: %v", r)
	}
	mustOK(t, gonvme(t, "connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", nqnA, "-w", rdmaAddr), "connect -w")
	disconnectAllKernel()

	// Fix two: remove the second address.
	ip(t, "addr", "del", "169.254.99.7/16", "dev", "veth2")
	r = doctorOut(t, "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", nqnA)
	if r.code != 0 || strings.Contains(r.stdout, "\nfail ") || strings.Contains(r.stdout, "\nwarn ") {
		t.Errorf("after removing the address: %v", r)
	}
	mustOK(t, gonvme(t, "connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", nqnA), "connect after the fix")
}

// TestRDMAViewsAgainstShowGIDs compares show-gids with seed 000's show_gids
// script and rdma-devices with 'rdma link show', over the same sysfs, and
// the JSON with sysfs itself; as a user, since they need no root.
func TestRDMAViewsAgainstShowGIDs(t *testing.T) {
	script := filepath.Join(t.TempDir(), "show_gids")
	if err := os.WriteFile(script, showGIDs, 0o755); err != nil {
		t.Fatal(err)
	}
	user := &syscall.Credential{Uid: 1000, Gid: 1000}
	ref := runAs(t, nil, "sh", script)
	mustOK(t, ref, "show_gids")
	got := runAs(t, user, gonvmeBin(), "show-gids")
	mustOK(t, got, "gonvme show-gids")
	if got.stdout != ref.stdout {
		t.Errorf("show-gids differs from show_gids:\n--- show_gids\n%s--- gonvme\n%s", ref.stdout, got.stdout)
	}
	if !strings.Contains(got.stdout, "169.254.99.1 \tv2\tveth0") {
		t.Errorf("show-gids lacks rxe0's IPv4 GID:\n%s", got.stdout)
	}
	one := runAs(t, nil, "sh", script, "rxe0")
	if g := runAs(t, user, gonvmeBin(), "show-gids", "rxe0"); g.stdout != one.stdout {
		t.Errorf("show-gids rxe0:\n%s\nshow_gids rxe0:\n%s", g.stdout, one.stdout)
	}

	link := runAs(t, nil, "rdma", "link", "show")
	mustOK(t, link, "rdma link show")
	dev := runAs(t, user, gonvmeBin(), "rdma-devices")
	mustOK(t, dev, "gonvme rdma-devices")
	// "link rxe0/1 state ACTIVE physical_state LINK_UP netdev veth0"
	var fromRdma, fromGonvme []string
	for _, l := range strings.Split(strings.TrimSpace(link.stdout), "\n") {
		f := strings.Fields(l)
		if len(f) >= 8 && f[0] == "link" {
			dp := strings.SplitN(f[1], "/", 2)
			fromRdma = append(fromRdma, dp[0]+" port "+dp[1]+" ==> "+f[7])
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(dev.stdout), "\n") {
		fromGonvme = append(fromGonvme, strings.TrimSuffix(strings.TrimSuffix(l, " (Up)"), " (Down)"))
	}
	sort.Strings(fromRdma)
	sort.Strings(fromGonvme)
	if strings.Join(fromRdma, "\n") != strings.Join(fromGonvme, "\n") || len(fromRdma) == 0 {
		t.Errorf("rdma-devices %q, rdma link show %q", fromGonvme, fromRdma)
	}

	j := runAs(t, user, gonvmeBin(), "show-gids", "-o", "json")
	var doc struct {
		GIDs []struct {
			Device, GID, IPv4, Type, Netdev string
			Port, Index                     int
		}
	}
	if err := json.Unmarshal([]byte(j.stdout), &doc); err != nil || len(doc.GIDs) == 0 {
		t.Fatalf("show-gids -o json: %v\n%s", err, j)
	}
	for _, g := range doc.GIDs {
		base := filepath.Join("/sys/class/infiniband", g.Device, "ports", strconv.Itoa(g.Port))
		for file, want := range map[string]string{"gids/" + strconv.Itoa(g.Index): g.GID, "gid_attrs/ndevs/" + strconv.Itoa(g.Index): g.Netdev} {
			b, err := os.ReadFile(filepath.Join(base, file))
			if err != nil || strings.TrimSpace(string(b)) != want {
				t.Errorf("%s/%s = %q (%v), JSON says %q", base, file, b, err, want)
			}
		}
		if b, _ := os.ReadFile(filepath.Join(base, "gid_attrs/types", strconv.Itoa(g.Index))); !strings.HasSuffix(strings.TrimSpace(string(b)), g.Type) {
			t.Errorf("type %q, sysfs %q", g.Type, b)
		}
	}
}
