//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The guides gonvme comes from (shared/seeds 000 and 001) build their
// targets by hand in configfs, with subsystems named "toto",
// "nvme-subsystem-name" and "ahnselina_test", and connect to them with
// nvme-cli. These tests run the guides' own target commands in the guest,
// then the guides' host commands with gonvme and with nvme-cli 2.3, and
// compare what the kernel ends up with.

// seedTarget runs a guide's target commands as a shell script. The
// guides create port 1 themselves; here it exists already (rdma
// 169.254.99.1:4420, TestMain), so the scripts only link to it. teardown
// runs at cleanup, in the guide's order.
func seedTarget(t *testing.T, script, teardown string) {
	t.Helper()
	t.Cleanup(func() {
		if r := runAs(t, nil, "/bin/sh", "-c", "cd /sys/kernel/config/nvmet && "+teardown); r.code != 0 {
			t.Errorf("target teardown:\n%s", r)
		}
	})
	if r := runAs(t, nil, "/bin/sh", "-ec", script); r.code != 0 {
		t.Fatalf("target script:\n%s\n%s", script, r)
	}
}

// nullBlk makes a null_blk device for a seed's namespace.
func nullBlk(t *testing.T, name string) string {
	t.Helper()
	dev, err := target.CreateNullBlk(name, 64)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { target.RemoveNullBlk(name) })
	return dev
}

// identityOf is a controller without its instance name, for comparing
// what gonvme and nvme-cli created.
func identityOf(c controller) controller {
	c.Name = ""
	c.Address = stripSrc(c.Address)
	return c
}

// nsids lists the namespace IDs the host sees, as nvme-cli's list
// reports them (tests call it with one controller connected).
func nsids(t *testing.T) []string {
	t.Helper()
	var l struct{ Devices []struct{ NameSpace int } }
	if err := json.Unmarshal([]byte(nvmecli(t, "list", "-o", "json").stdout), &l); err != nil {
		return nil
	}
	var out []string
	for _, d := range l.Devices {
		if d.NameSpace != 0 { // 0: still being scanned
			out = append(out, strconv.Itoa(d.NameSpace))
		}
	}
	sort.Strings(out)
	return dedup(out)
}

func dedup(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// connectBoth connects args with gonvme, records the controller, removes
// it, does the same with nvme-cli, and checks both created the same.
func connectBoth(t *testing.T, args ...string) controller {
	t.Helper()
	g := gonvme(t, append([]string{"connect"}, args...)...)
	mustOK(t, g, "gonvme connect "+strings.Join(args, " "))
	gc := controllers(t)
	disconnectAllKernel()
	n := nvmecli(t, append([]string{"connect"}, args...)...)
	mustOK(t, n, "nvme connect "+strings.Join(args, " "))
	nc := controllers(t)
	disconnectAllKernel()
	if len(gc) != 1 || len(nc) != 1 {
		t.Fatalf("gonvme created %+v, nvme-cli %+v: want one controller each", gc, nc)
	}
	if identityOf(gc[0]) != identityOf(nc[0]) {
		t.Errorf("gonvme created %+v\nnvme-cli created %+v", gc[0], nc[0])
	}
	return gc[0]
}

// Seed 001: subsystem "toto", namespace 1, linked to port 1; nvme list
// before and after, connect, disconnect -n and -d.
func TestSeed001Toto(t *testing.T) {
	clean(t)
	dev := nullBlk(t, "nullb-toto")
	seedTarget(t, fmt.Sprintf(`
mkdir /sys/kernel/config/nvmet/subsystems/toto
echo 1 > /sys/kernel/config/nvmet/subsystems/toto/attr_allow_any_host
mkdir /sys/kernel/config/nvmet/subsystems/toto/namespaces/1
echo -n %s > /sys/kernel/config/nvmet/subsystems/toto/namespaces/1/device_path
echo 1 > /sys/kernel/config/nvmet/subsystems/toto/namespaces/1/enable
ln -s /sys/kernel/config/nvmet/subsystems/toto/ /sys/kernel/config/nvmet/ports/1/subsystems/
`, dev), `rm -f ports/1/subsystems/toto && rmdir subsystems/toto/namespaces/1/ && rmdir subsystems/toto/`)

	textEqual(t, "list before connect", gonvme(t, "list").stdout, nvmecli(t, "list").stdout)
	args := []string{"-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", "toto"}
	c := connectBoth(t, args...)
	if c.SubsysNQN != "toto" || c.State != "live" {
		t.Fatalf("controller %+v", c)
	}

	mustOK(t, gonvme(t, append([]string{"connect"}, args...)...), "gonvme connect toto")
	// The kernel scans the namespace after the connect returns.
	if ids := waitNSIDs(t, "", 1); len(ids) != 1 {
		t.Fatalf("namespaces of toto: %q, want one", ids)
	}
	g, n := gonvme(t, "list"), nvmecli(t, "list")
	mustOK(t, g, "gonvme list")
	textEqual(t, "list after connect", g.stdout, n.stdout)
	if !strings.Contains(g.stdout, "/dev/nvme") {
		t.Errorf("list shows no namespace of toto:\n%s", g.stdout)
	}
	d := gonvme(t, "disconnect", "-n", "toto")
	mustOK(t, d, "gonvme disconnect -n toto")
	if want := "NQN:toto disconnected 1 controller(s)\n"; d.stdout != want {
		t.Errorf("disconnect -n printed %q, want %q", d.stdout, want)
	}
	if cs := controllers(t); len(cs) != 0 {
		t.Fatalf("left after disconnect -n: %+v", cs)
	}

	mustOK(t, gonvme(t, append([]string{"connect"}, args...)...), "gonvme connect toto")
	cs := controllers(t)
	if len(cs) != 1 {
		t.Fatalf("want one controller, have %+v", cs)
	}
	mustOK(t, gonvme(t, "disconnect", "-d", "/dev/"+cs[0].Name), "gonvme disconnect -d")
	if cs := controllers(t); len(cs) != 0 {
		t.Fatalf("left after disconnect -d: %+v", cs)
	}

	// The guide's own "nvme disconnect -d /dev/nvme0n1": the namespace.
	mustOK(t, gonvme(t, append([]string{"connect"}, args...)...), "gonvme connect toto")
	cs = controllers(t)
	ns := namespaceOf(t, "toto")
	r := gonvme(t, "disconnect", "-d", "/dev/"+ns)
	mustOK(t, r, "gonvme disconnect -d /dev/"+ns)
	if want := ns + ": disconnected " + cs[0].Name + ", the controller(s) serving it (subsystem toto)\n"; r.stdout != want {
		t.Errorf("disconnect -d /dev/%s printed %q, want %q", ns, r.stdout, want)
	}
	if cs := controllers(t); len(cs) != 0 {
		t.Fatalf("left after disconnect -d /dev/%s: %+v", ns, cs)
	}
}

// Seed 000: subsystem "nvme-subsystem-name" with namespace 10, discovered
// and connected with -q nvme-subsystem-name; then its problems: one
// subsystem "ahnselina_test" with several namespaces connected without
// -s, and the typo "ahnselinatest" that nvme-cli answers with a bare
// "Input/output error".
func TestSeed000(t *testing.T) {
	clean(t)
	dev := nullBlk(t, "nullb-seed0")
	seedTarget(t, fmt.Sprintf(`
cd /sys/kernel/config/nvmet/subsystems
mkdir nvme-subsystem-name
cd nvme-subsystem-name
echo 1 > attr_allow_any_host
mkdir namespaces/10
cd namespaces/10
echo -n %s> device_path
echo 1 > enable
ln -s /sys/kernel/config/nvmet/subsystems/nvme-subsystem-name /sys/kernel/config/nvmet/ports/1/subsystems/nvme-subsystem-name
`, dev), `rm -f ports/1/subsystems/nvme-subsystem-name && rmdir subsystems/nvme-subsystem-name/namespaces/10 && rmdir subsystems/nvme-subsystem-name`)

	disc := []string{"discover", "-t", "rdma", "-q", "nvme-subsystem-name", "-a", rdmaAddr, "-s", "4420"}
	g, n := gonvme(t, disc...), nvmecli(t, disc...)
	mustOK(t, g, "gonvme discover -q nvme-subsystem-name")
	textEqual(t, "discover -q nvme-subsystem-name", g.stdout, n.stdout)
	if !strings.Contains(g.stdout, "subnqn:  nvme-subsystem-name\n") {
		t.Errorf("discovery log lacks the subsystem:\n%s", g.stdout)
	}
	if cs := controllers(t); len(cs) != 0 {
		t.Fatalf("discover left %+v", cs)
	}

	args := []string{"-t", "rdma", "-q", "nvme-subsystem-name", "-n", "nvme-subsystem-name", "-a", rdmaAddr, "-s", "4420"}
	c := connectBoth(t, args...)
	if c.SubsysNQN != "nvme-subsystem-name" || c.HostNQN != "nvme-subsystem-name" {
		t.Fatalf("controller %+v", c)
	}
	mustOK(t, gonvme(t, append([]string{"connect"}, args...)...), "gonvme connect")
	cs := controllers(t)
	if len(cs) != 1 {
		t.Fatalf("controllers %+v", cs)
	}
	if ids := waitNSIDs(t, cs[0].Name, 1); strings.Join(ids, ",") != "10" {
		t.Errorf("namespaces behind %s: %q, want nsid 10", cs[0].Name, ids)
	}
	d := gonvme(t, "disconnect", "-n", "nvme-subsystem-name")
	mustOK(t, d, "gonvme disconnect -n nvme-subsystem-name")
	if cs := controllers(t); len(cs) != 0 {
		t.Fatalf("left after disconnect: %+v", cs)
	}

	t.Run("several namespaces in one subsystem", func(t *testing.T) {
		script := "cd /sys/kernel/config/nvmet/subsystems && mkdir ahnselina_test && echo 1 > ahnselina_test/attr_allow_any_host\n"
		for i := 1; i <= 3; i++ {
			script += fmt.Sprintf("mkdir ahnselina_test/namespaces/%d && echo -n %s > ahnselina_test/namespaces/%d/device_path && echo 1 > ahnselina_test/namespaces/%d/enable\n",
				i, nullBlk(t, fmt.Sprintf("nullb-ahn%d", i)), i, i)
		}
		script += "ln -s /sys/kernel/config/nvmet/subsystems/ahnselina_test /sys/kernel/config/nvmet/ports/1/subsystems/ahnselina_test\n"
		seedTarget(t, script, "rm -f ports/1/subsystems/ahnselina_test && rmdir subsystems/ahnselina_test/namespaces/* && rmdir subsystems/ahnselina_test")

		args := []string{"-t", "rdma", "-q", "ahnselina_test", "-n", "ahnselina_test", "-a", rdmaAddr}
		connectBoth(t, args...)
		mustOK(t, gonvme(t, append([]string{"connect"}, args...)...), "gonvme connect ahnselina_test")
		cs := controllers(t)
		if len(cs) != 1 || !strings.Contains(cs[0].Address, "trsvcid=4420") {
			t.Fatalf("controllers %+v, want one on port 4420", cs)
		}
		if ids := waitNSIDs(t, cs[0].Name, 3); strings.Join(ids, ",") != "1,2,3" {
			t.Errorf("namespaces %q, want 1,2,3", ids)
		}
		disconnectAllKernel()

		typo := []string{"connect", "-t", "rdma", "-q", "ahnselina_test", "-n", "ahnselinatest", "-a", rdmaAddr}
		g, n := gonvme(t, typo...), nvmecli(t, typo...)
		if n.code == 0 || g.code != 1 {
			t.Fatalf("typo: nvme-cli exit %d, gonvme %s", n.code, g)
		}
		if !strings.Contains(g.stderr, "ahnselinatest is not offered at 169.254.99.1:4420; offered there (closest first): ahnselina_test,") {
			t.Errorf("typo not explained with the real name first:\n%s", g.stderr)
		}
		if cs := controllers(t); len(cs) != 0 {
			t.Fatalf("typo left %+v", cs)
		}
	})
}

// waitNSIDs waits until ctrl shows n namespaces (the kernel scans them
// asynchronously after the connect) and returns their IDs.
func waitNSIDs(t *testing.T, ctrl string, n int) []string {
	t.Helper()
	var ids []string
	for i := 0; i < 100; i++ {
		if ids = nsids(t); len(ids) >= n {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return ids
}

// The kernel takes NQNs of up to 222 bytes: one of 222 connects, one of
// 223 is refused before anything reaches the kernel.
func TestNQNLengthLimit(t *testing.T) {
	clean(t)
	name := "nqn.2026-11.io.gonvme:" + strings.Repeat("l", 222-len("nqn.2026-11.io.gonvme:"))
	dev := nullBlk(t, "nullb-long")
	seedTarget(t, fmt.Sprintf(`
cd /sys/kernel/config/nvmet/subsystems
mkdir %[1]s
echo 1 > %[1]s/attr_allow_any_host
mkdir %[1]s/namespaces/1
echo -n %[2]s > %[1]s/namespaces/1/device_path
echo 1 > %[1]s/namespaces/1/enable
ln -s /sys/kernel/config/nvmet/subsystems/%[1]s /sys/kernel/config/nvmet/ports/3/subsystems/%[1]s
`, name, dev), fmt.Sprintf("rm -f ports/3/subsystems/%[1]s && rmdir subsystems/%[1]s/namespaces/1 && rmdir subsystems/%[1]s", name))

	mustOK(t, gonvme(t, "connect", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", name), "connect, 222-byte NQN")
	if cs := controllers(t); len(cs) != 1 || cs[0].SubsysNQN != name {
		t.Fatalf("controllers %+v", cs)
	}
	disconnectAllKernel()
	quietKernel(t, func() {
		r := gonvme(t, "connect", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", name+"x")
		if r.code != 2 || !strings.Contains(r.stderr, "223 bytes long; the kernel accepts at most 222") {
			t.Errorf("223-byte NQN: want exit 2 and the limit named:\n%s", r)
		}
	})
	if cs := controllers(t); len(cs) != 0 {
		t.Fatalf("223-byte NQN created %+v", cs)
	}
}
