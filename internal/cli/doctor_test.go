package cli

import (
	"encoding/json"
	"github.com/gonvme/gonvme/internal/netroute/netroutetest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/nvmftest"
)

// doctorHost is the fake host with the guest's RDMA sysfs, the fabrics
// modules loaded and the captured discovery logs served.
func doctorHost(t *testing.T) *nvmftest.Fake {
	t.Helper()
	f := withPages(t, nvmftest.New(t, nvmftest.Empty))
	nvmftest.CopyTree(t, filepath.Join(nvmftest.Fixtures(), "rdma", "sys"), filepath.Join(f.Root, "sys"))
	for _, d := range []string{"sys/module/nvme_fabrics", "sys/module/nvme_rdma", "sys/module/nvme_tcp", "sys/module/nvme_core/parameters", "sys/class/misc/nvme-fabrics"} {
		if err := os.MkdirAll(filepath.Join(f.Root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(f.Root, "sys/module/nvme_core/parameters/multipath"), []byte("Y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestDoctorUsage(t *testing.T) {
	for _, args := range [][]string{
		{"doctor", "-t", "fc", "-a", rdmaAddr},
		{"doctor", "-a", rdmaAddr},
		{"doctor", "-t", "rdma", "-a", "169.254.99.1,x"},
		{"doctor", "-t", "rdma", "-a", "target.example"},
		{"doctor", "-t", "tcp", "-a", tcpAddr, "-w", "127.0.0.1 "},
		{"doctor", "-n", test1},
		{"doctor", "-t", "rdma", "-a", rdmaAddr, "-f", "veth0"},
		{"doctor", "-t", "rdma", "-a", rdmaAddr, "-n", "nqn.2026-11.io.gonvme:a,b"},
		{"doctor", "-t", "tcp", "-a", tcpAddr, "-s", "44=20"},
		{"doctor", "-o", "yaml"},
		{"doctor", "extra"},
		{"show-gids", "rxe0", "rxe1"},
		{"rdma-devices", "rxe0"},
	} {
		f := doctorHost(t)
		r := runNet(t, f, netroutetest.Host(t, "healthy"), args...)
		if r.code != ExitUsage || r.stdout != "" || len(f.Kernel.Writes()) != 0 {
			t.Errorf("%q: %v (writes %q), want exit 2, nothing printed or written", args, r, f.Kernel.Writes())
		}
	}
}

func TestDoctorHealthy(t *testing.T) {
	f := doctorHost(t)
	r := runNet(t, f, netroutetest.Host(t, "healthy"), "doctor", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", test1)
	if r.code != 0 {
		t.Fatalf("%v", r)
	}
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if !strings.HasPrefix(l, "ok ") {
			t.Errorf("line %q is not ok", l)
		}
	}
	for _, want := range []string{"ok   path   route: route to 169.254.99.1 leaves through veth0", "created and deleted at once",
		"ok   rdma   rxe0 port 1 mtu: active MTU 1024 (max 4096); largest RoCE MTU: veth0's MTU 1500 fits 1024\n",
		"ok   target subsystem offered: nqn.2026-11.io.gonvme:test1 offered at rdma 169.254.99.1:4420 (port 1)",
		"ok   target host allowed: nqn.2014-08.org.nvmexpress:uuid:a1e0c3d2-5b6f-4e7a-8c9d-0123456789ab may connect: connected nvme"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("missing %q in\n%s", want, r.stdout)
		}
	}
	if c := f.Controllers(t); len(c) != 0 {
		t.Errorf("doctor left controllers %v", c)
	}
	if w := f.Kernel.Writes(); len(w) != 2 {
		t.Errorf("writes %q, want one discovery and one I/O connect", w)
	}

	r = runNet(t, doctorHost(t), netroutetest.Host(t, "healthy"), "doctor", "-t", "rdma", "-a", rdmaAddr, "-o", "json")
	var rep struct {
		Checks []struct{ Section, Name, Status, Evidence, Fix string }
		Result string
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code != 0 || rep.Result != "ok" || len(rep.Checks) < 10 {
		t.Fatalf("json: %v %v", err, r)
	}
}

func TestDoctorSeed003(t *testing.T) {
	f := doctorHost(t)
	f.Kernel.Fail = nvmftest.FailWhen("traddr", rdmaAddr, 104)
	r := runNet(t, f, netroutetest.Host(t, "seed003"), "doctor", "-t", "rdma", "-a", rdmaAddr, "-s", "4420")
	if r.code != 1 {
		t.Fatalf("%v", r)
	}
	for _, want := range []string{
		"fail path   route: route to 169.254.99.1 leaves through veth2 (source 169.254.99.7, table 100); veth2 has no RDMA device -- fix: ",
		"fail path   same subnet: veth2 (169.254.99.7/16, no RDMA device) and veth0 (169.254.99.1/16, RDMA rxe0/1) share 169.254.0.0/16",
		"--host-traddr 169.254.99.1", "fail target discovery:", "fail result",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("missing %q in\n%s", want, r.stdout)
		}
	}
	r = runNet(t, doctorHost(t), netroutetest.Host(t, "seed003"), "doctor", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-w", rdmaAddr)
	if r.code != 0 || !strings.Contains(r.stdout, "warn path   same subnet:") {
		t.Errorf("with -w: %v", r)
	}
}

func TestDoctorAsUser(t *testing.T) {
	f := doctorHost(t)
	r := runEnvNet(t, f, false, "doctor", "-t", "rdma", "-a", rdmaAddr, "-n", test1)
	for _, want := range []string{"skip host   /dev/nvme-fabrics: needs root", "skip target discovery: needs root", "skip target host allowed: needs root"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("missing %q in\n%v", want, r)
		}
	}
	if r.code != 0 || len(f.Kernel.Writes()) != 0 {
		t.Errorf("%v", r)
	}
}

func TestRDMAViews(t *testing.T) {
	f := doctorHost(t)
	gid0, err := os.ReadFile(filepath.Join(f.Root, "sys/class/infiniband/rxe0/ports/1/gids/0"))
	if err != nil {
		t.Fatal(err)
	}
	r := run(t, f, "show-gids")
	want := "DEV\tPORT\tINDEX\tGID\t\t\t\t\tIPv4 \t\tVER\tDEV\n" +
		"---\t----\t-----\t---\t\t\t\t\t------------ \t---\t---\n" +
		"rxe0\t1\t0\t" + strings.TrimSpace(string(gid0)) + "\t\t\tv2\tveth0\n" +
		"rxe0\t1\t1\t0000:0000:0000:0000:0000:ffff:a9fe:6301\t169.254.99.1 \tv2\tveth0\n" +
		"\nn_gids_found=2\n"
	if r.code != 0 || r.stdout != want {
		t.Errorf("show-gids: %v\nwant\n%s", r, want)
	}
	if r := run(t, f, "show-gids", "mlx5_0"); r.code != 1 || !strings.Contains(r.stderr, "no RDMA device mlx5_0") {
		t.Errorf("show-gids mlx5_0: %v", r)
	}
	if r := run(t, f, "rdma-devices"); r.code != 0 || r.stdout != "rxe0 port 1 ==> veth0 (Up)\n" {
		t.Errorf("rdma-devices: %v", r)
	}
	if r := run(t, f, "rdma-devices", "-v"); r.code != 0 ||
		r.stdout != "rxe0 port 1 ==> veth0 (Up) state ACTIVE phys_state LinkUp link_layer Ethernet node_type CA netdev_mtu 1500 active_mtu 1024 max_mtu 4096\n" {
		t.Errorf("rdma-devices -v: %v", r)
	}
	r = run(t, f, "rdma-devices", "-o", "json")
	var doc struct {
		Devices []struct {
			Name  string
			Ports []struct {
				Port      int
				Netdevs   []struct{ Name string }
				GIDs      []struct{ IPv4 string }
				ActiveMTU int `json:"active_mtu"`
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || len(doc.Devices) != 1 || doc.Devices[0].Ports[0].GIDs[1].IPv4 != "169.254.99.1" ||
		doc.Devices[0].Ports[0].Netdevs[0].Name != "veth0" || doc.Devices[0].Ports[0].ActiveMTU != 1024 {
		t.Errorf("rdma-devices -o json: %v %v", err, r)
	}
	empty := nvmftest.New(t, nvmftest.Empty)
	if r := run(t, empty, "show-gids", "-o", "json"); r.code != 0 || r.stdout != "{\n  \"gids\": []\n}\n" {
		t.Errorf("no devices: %v", r)
	}
}
