//go:build e2e

package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/discovery"
)

func hostIdentity(t *testing.T) (string, string) {
	nqn, err1 := os.ReadFile("/etc/nvme/hostnqn")
	id, err2 := os.ReadFile("/etc/nvme/hostid")
	if err1 != nil || err2 != nil {
		t.Fatalf("guest identity files: %v %v", err1, err2)
	}
	return strings.TrimSpace(string(nqn)), strings.TrimSpace(string(id))
}

func TestDiscover(t *testing.T) {
	for _, c := range []struct{ name, tr, addr, port string }{
		{"rdma", "rdma", rdmaAddr, "4420"},
		{"tcp", "tcp", tcpAddr, "4420"},
	} {
		t.Run(c.name, func(t *testing.T) {
			clean(t)
			args := []string{"discover", "-t", c.tr, "-a", c.addr, "-s", c.port}
			g, n := gonvme(t, args...), nvmecli(t, args...)
			mustOK(t, g, "gonvme discover")
			mustOK(t, n, "nvme discover")
			textEqual(t, "discover", g.stdout, n.stdout)
			if !strings.Contains(g.stdout, nqnA) || !strings.Contains(g.stdout, nqnB) {
				t.Errorf("discover does not list %s and %s:\n%s", nqnA, nqnB, g.stdout)
			}
			gj, nj := gonvme(t, append(args, "-o", "json")...), nvmecli(t, append(args, "-o", "json")...)
			mustOK(t, gj, "gonvme discover -o json")
			jsonEqual(t, "discover -o json", gj.stdout, nj.stdout)
			if cs := controllers(t); len(cs) != 0 {
				t.Errorf("discover left controllers behind: %+v", cs)
			}

			raw := filepath.Join(t.TempDir(), "log.bin")
			rawCLI := raw + ".nvme-cli"
			mustOK(t, gonvme(t, append(args, "-r", raw)...), "gonvme discover -r")
			mustOK(t, nvmecli(t, append(args, "-r", rawCLI)...), "nvme discover -r")
			gb, _ := os.ReadFile(raw)
			nb, _ := os.ReadFile(rawCLI)
			if _, err := discovery.Decode(gb); err != nil || !bytes.Equal(gb, nb) {
				t.Errorf("raw log: decode error %v; equal to nvme-cli's: %v (%d vs %d bytes)", err, bytes.Equal(gb, nb), len(gb), len(nb))
			}

			mustOK(t, gonvme(t, append(args, "-p")...), "gonvme discover -p")
			cs := controllers(t)
			if len(cs) != 1 || cs[0].SubsysNQN != "nqn.2014-08.org.nvmexpress.discovery" {
				t.Fatalf("discover -p should leave one discovery controller, have %+v", cs)
			}
			// A second discover reuses the persistent controller.
			mustOK(t, gonvme(t, args...), "gonvme discover with a persistent controller")
			if cs2 := controllers(t); len(cs2) != 1 {
				t.Errorf("discover next to a persistent controller changed the controllers: %+v", cs2)
			}
			r := gonvme(t, "discover", "-d", cs[0].Name)
			mustOK(t, r, "gonvme discover -d")
			textEqual(t, "discover -d", r.stdout, n.stdout)
		})
	}
}

func TestConnectListDisconnect(t *testing.T) {
	clean(t)
	hostnqn, hostid := hostIdentity(t)
	r := gonvme(t, "connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", nqnA, "-o", "json")
	mustOK(t, r, "gonvme connect")
	if !strings.Contains(r.stdout, `"device"`) {
		t.Errorf("connect -o json printed %q", r.stdout)
	}
	cs := controllers(t)
	if len(cs) != 1 {
		t.Fatalf("want one controller, have %+v", cs)
	}
	c := cs[0]
	if c.Transport != "rdma" || c.SubsysNQN != nqnA || c.HostNQN != hostnqn || c.HostID != hostid || c.State != "live" ||
		!strings.Contains(c.Address, "traddr="+rdmaAddr) || !strings.Contains(c.Address, "trsvcid=4420") {
		t.Errorf("controller %+v, want rdma %s:4420 %s host %s/%s", c, rdmaAddr, nqnA, hostnqn, hostid)
	}
	if !strings.Contains(r.stdout, c.Name) {
		t.Errorf("connect printed %q, controller is %s", r.stdout, c.Name)
	}

	// Both tools must see the namespace the kernel scans after the connect.
	settleNamespaces(t, 2) // A has two
	for _, args := range [][]string{{"list", "-o", "json"}, {"list-subsys", "-o", "json"}} {
		g, n := gonvme(t, args...), nvmecli(t, args...)
		mustOK(t, g, "gonvme "+strings.Join(args, " "))
		jsonEqual(t, strings.Join(args, " "), g.stdout, n.stdout)
	}
	for _, args := range [][]string{{"list"}, {"list-subsys"}} {
		g, n := gonvme(t, args...), nvmecli(t, args...)
		mustOK(t, g, "gonvme "+args[0])
		textEqual(t, args[0], g.stdout, n.stdout)
	}

	again := gonvme(t, "connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", nqnA)
	if again.code != 0 || !strings.Contains(again.stderr, "already connected") {
		t.Errorf("second connect: want exit 0 and 'already connected':\n%s", again)
	}
	if cs := controllers(t); len(cs) != 1 {
		t.Errorf("second connect created a controller: %+v", cs)
	}

	// Disconnect by NQN.
	d := gonvme(t, "disconnect", "-n", nqnA)
	mustOK(t, d, "gonvme disconnect -n")
	if want := "NQN:" + nqnA + " disconnected 1 controller(s)\n"; d.stdout != want {
		t.Errorf("disconnect printed %q, want %q", d.stdout, want)
	}
	if cs := controllers(t); len(cs) != 0 {
		t.Errorf("controllers left after disconnect -n: %+v", cs)
	}

	// Disconnect by device, over TCP.
	mustOK(t, gonvme(t, "connect", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", nqnB), "gonvme connect tcp")
	cs = controllers(t)
	if len(cs) != 1 || cs[0].Transport != "tcp" {
		t.Fatalf("want one tcp controller, have %+v", cs)
	}
	mustOK(t, gonvme(t, "disconnect", "-d", "/dev/"+cs[0].Name), "gonvme disconnect -d")
	if cs := controllers(t); len(cs) != 0 {
		t.Errorf("controllers left after disconnect -d: %+v", cs)
	}
	bad := gonvme(t, "disconnect", "-d", "nvme97")
	if bad.code == 0 || !strings.Contains(bad.stderr, "nvme97") {
		t.Errorf("disconnect of a missing device: want an error naming it:\n%s", bad)
	}

	// disconnect-all, with a transport filter first.
	mustOK(t, gonvme(t, "connect", "-t", "tcp", "-a", tcpAddr, "-n", nqnB), "connect tcp")
	mustOK(t, gonvme(t, "connect", "-t", "rdma", "-a", rdmaAddr, "-n", nqnB), "connect rdma")
	mustOK(t, gonvme(t, "disconnect-all", "-r", "tcp"), "disconnect-all -r tcp")
	if cs := controllers(t); len(cs) != 1 || cs[0].Transport != "rdma" {
		t.Errorf("disconnect-all -r tcp left %+v, want only the rdma one", cs)
	}
	mustOK(t, gonvme(t, "disconnect-all"), "disconnect-all")
	if cs := controllers(t); len(cs) != 0 {
		t.Errorf("controllers left after disconnect-all: %+v", cs)
	}
}

func TestConnectAll(t *testing.T) {
	clean(t)
	args := []string{"connect-all", "-t", "rdma", "-a", rdmaAddr, "-s", "4420"}
	mustOK(t, nvmecli(t, args...), "nvme connect-all")
	want := pathSet(t)
	disconnectAllKernel()

	r := gonvme(t, args...)
	mustOK(t, r, "gonvme connect-all")
	got := pathSet(t)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("connect-all paths differ from nvme-cli's\ngonvme:\n%s\nnvme-cli:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, n := range []string{nqnA, nqnB, nqnC} {
		if !strings.Contains(strings.Join(got, "\n"), n) {
			t.Errorf("connect-all did not connect %s (A and B on port 1, C through the referral)", n)
		}
	}
	for _, c := range controllers(t) {
		if c.CntrlType == "discovery" {
			t.Errorf("connect-all left discovery controller %s", c.Name)
		}
	}

	again := gonvme(t, args...)
	mustOK(t, again, "second gonvme connect-all")
	if strings.Join(pathSet(t), "\n") != strings.Join(got, "\n") {
		t.Errorf("second connect-all changed the paths: %v", pathSet(t))
	}
	// With everything connected, both say nothing (nvme-cli skips the
	// connected paths it finds; gonvme lists them with -v).
	if v := gonvme(t, append(args, "-v")...); !strings.Contains(v.stdout, "already connected") {
		t.Errorf("connect-all -v should list the paths connected already:\n%s", v)
	}
	nagain := nvmecli(t, args...)
	mustOK(t, nagain, "second nvme connect-all")
	textEqual(t, "connect-all, all connected (stderr)", again.stderr, nagain.stderr)
	textEqual(t, "connect-all, all connected (stdout)", again.stdout, nagain.stdout)
}

func TestConfiguredDiscovery(t *testing.T) {
	clean(t)
	writeConf(t, "discovery.conf", "# test\n--transport=rdma --traddr="+rdmaAddr+" --trsvcid=4421\n")
	r := gonvme(t, "connect", "-n", nqnC)
	mustOK(t, r, "gonvme connect -n from discovery.conf")
	ps := pathSet(t)
	if len(ps) != 1 || !strings.Contains(ps[0], nqnC) || !strings.Contains(ps[0], "trsvcid=4421") {
		t.Errorf("connect -n %s made %v", nqnC, ps)
	}
	miss := gonvme(t, "connect", "-n", "nqn.2026-11.io.gonvme:e2e-x")
	if miss.code == 0 || !strings.Contains(miss.stderr, "no configured discovery controller offers") || !strings.Contains(miss.stderr, nqnC) {
		t.Errorf("connect -n unknown NQN: want a clear error listing offered NQNs:\n%s", miss)
	}
	disconnectAllKernel()

	writeConf(t, "discovery.conf", "--transport=rdma --traddr="+rdmaAddr+" --trsvcid=4420\n")
	mustOK(t, gonvme(t, "connect-all"), "gonvme connect-all from discovery.conf")
	got := pathSet(t)
	disconnectAllKernel()
	mustOK(t, nvmecli(t, "connect-all"), "nvme connect-all from discovery.conf")
	if want := pathSet(t); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("connect-all from discovery.conf differs from nvme-cli\ngonvme: %v\nnvme-cli: %v", got, want)
	}
}

func TestAllowedHosts(t *testing.T) {
	clean(t)
	ok := gonvme(t, "connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4423", "-n", nqnRestricted, "-q", allowedHost, "-I", allowedHostID)
	mustOK(t, ok, "connect as the allowed host")
	if cs := controllers(t); len(cs) != 1 || cs[0].HostNQN != allowedHost {
		t.Fatalf("allowed host: controllers %+v", cs)
	}
	disconnectAllKernel()
	no := gonvme(t, "connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4423", "-n", nqnRestricted)
	if no.code == 0 || !strings.Contains(no.stderr, "allowed hosts") {
		t.Errorf("connect as a host not allowed: want non-zero and a message about allowed hosts:\n%s", no)
	}
	if cs := controllers(t); len(cs) != 0 {
		t.Errorf("refused connect left %+v", cs)
	}
}
