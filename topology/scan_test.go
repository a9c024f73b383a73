package topology

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
)

const (
	subNQN  = "nqn.2023-01.io.example:sub1"
	discNQN = "nqn.2014-08.org.nvmexpress.discovery"
)

// dump renders a value for failure messages.
func dump(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

// scan scans tr with Scan, after checking that every View of it reads
// what it promises.
func scan(t *testing.T, tr tree) *Topology {
	t.Helper()
	root := tr.write(t)
	checkViews(t, root)
	topo, err := Scan(hostfs.New(root))
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return topo
}

func TestScanNoNVMe(t *testing.T) {
	topo, err := Scan(hostfs.New(t.TempDir()))
	if err != nil {
		t.Fatalf("Scan of a host without /sys/class/nvme: %v", err)
	}
	if len(topo.Controllers) != 0 || len(topo.Subsystems) != 0 {
		t.Fatalf("Scan of a host without /sys/class/nvme = %s, want empty", dump(topo))
	}
}

func TestScanMultipath(t *testing.T) {
	tr := tree{}.
		ctrl("nvme0", fabricsCtrl("rdma", "traddr=169.254.99.1,trsvcid=4420", subNQN, "live")).
		ctrl("nvme1", fabricsCtrl("tcp", "traddr=169.254.98.1,trsvcid=4420,src_addr=169.254.98.2", subNQN, "connecting")).
		subsys("nvme-subsys0", map[string]string{
			"subsysnqn": subNQN, "model": "Linux", "serial": "9a4f0c2b1e3d5a7c",
			"firmware_rev": "6.1.0-18", "subsystype": "nvm", "iopolicy": "numa",
		}, "nvme0", "nvme1").
		ns(subsysDevices+"nvme-subsys0/", "nvme0n1", "1", "2097152", "512").
		ns(subsysDevices+"nvme-subsys0/", "nvme0n2", "7", "8388608", "4096").
		path("nvme0", "nvme0c0n1", "1", "optimized").
		path("nvme0", "nvme0c0n2", "7", "optimized").
		path("nvme1", "nvme0c1n1", "1", "non-optimized")
	got := scan(t, tr)

	ctrl := func(name string, inst int, transport, raw string, a Address, state string, paths ...PathNamespace) *Controller {
		return &Controller{
			Name: name, Instance: inst, Transport: transport, RawAddress: raw, Address: a,
			SubsysNQN: subNQN, HostNQN: "nqn.2014-08.org.nvmexpress:uuid:6f2a1c0e-8a4b-4c55-9d3e-2b7f0c1a9e44",
			HostID: "6f2a1c0e-8a4b-4c55-9d3e-2b7f0c1a9e44", State: state, Model: "Linux",
			Serial: "9a4f0c2b1e3d5a7c", Firmware: "6.1.0-18", CntrlType: "io", DCType: "none",
			NumaNode: "-1", CntlID: 1, Subsystem: "nvme-subsys0", Paths: paths,
		}
	}
	ns := func(name string, nsid uint32, sectors uint64, lba uint32) Namespace {
		return Namespace{Name: name, NSID: nsid, Sectors: sectors, LBASize: lba, PhysicalBlockSize: lba,
			UUID: "f3c4a7a2-0e57-4b8e-9f1b-6d0c6a1e2b3c", NGUID: "f3c4a7a2-0e57-4b8e-9f1b-6d0c6a1e2b3c"}
	}
	want := &Topology{
		Controllers: []*Controller{
			ctrl("nvme0", 0, "rdma", "traddr=169.254.99.1,trsvcid=4420",
				Address{Traddr: "169.254.99.1", Trsvcid: "4420"}, "live",
				PathNamespace{"nvme0c0n1", "optimized", 1}, PathNamespace{"nvme0c0n2", "optimized", 7}),
			ctrl("nvme1", 1, "tcp", "traddr=169.254.98.1,trsvcid=4420,src_addr=169.254.98.2",
				Address{Traddr: "169.254.98.1", Trsvcid: "4420", SrcAddr: "169.254.98.2"}, "connecting",
				PathNamespace{"nvme0c1n1", "non-optimized", 1}),
		},
		Subsystems: []*Subsystem{{
			Name: "nvme-subsys0", NQN: subNQN, Model: "Linux", Serial: "9a4f0c2b1e3d5a7c",
			Firmware: "6.1.0-18", Type: "nvm", IOPolicy: "numa", Controllers: []string{"nvme0", "nvme1"},
			Namespaces: []Namespace{ns("nvme0n1", 1, 2097152, 512), ns("nvme0n2", 7, 8388608, 4096)},
		}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Scan\n got %s\nwant %s", dump(got), dump(want))
	}
	if c := got.Controller("nvme1"); c == nil || c.Name != "nvme1" {
		t.Errorf("Controller(nvme1) = %v", c)
	}
	if c := got.Controller("nvme9"); c != nil {
		t.Errorf("Controller(nvme9) = %v, want nil", c)
	}
	if s := got.SubsystemOf(got.Controllers[1]); s == nil || s.Name != "nvme-subsys0" {
		t.Errorf("SubsystemOf(nvme1) = %v", s)
	}
}

func TestScanMissingAttributes(t *testing.T) {
	// An old kernel: no hostid, cntlid, cntrltype, dctype; a controller
	// with no subsystem link; a namespace without queue attributes.
	tr := tree{}.ctrl("nvme4", map[string]string{"transport": "rdma"})
	tr[ctrlDevices+"nvme4/nvme4n1/nsid"] = "1\n"
	got := scan(t, tr)
	want := &Topology{Controllers: []*Controller{{
		Name: "nvme4", Instance: 4, Transport: "rdma", CntlID: -1,
		Namespaces: []Namespace{{Name: "nvme4n1", NSID: 1}},
	}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Scan\n got %s\nwant %s", dump(got), dump(want))
	}
	if s := got.SubsystemOf(got.Controllers[0]); s != nil {
		t.Errorf("SubsystemOf a controller without subsystem = %v, want nil", s)
	}
}

func TestScanPCIe(t *testing.T) {
	tr := tree{
		"sys/class/nvme/nvme0": "-> ../../devices/pci0000:00/0000:00:04.0/nvme/nvme0",
		"sys/devices/pci0000:00/0000:00:04.0/nvme/nvme0/transport":    "pcie\n",
		"sys/devices/pci0000:00/0000:00:04.0/nvme/nvme0/address":      "0000:00:04.0\n",
		"sys/devices/pci0000:00/0000:00:04.0/nvme/nvme0/state":        "live\n",
		"sys/devices/pci0000:00/0000:00:04.0/nvme/nvme0/firmware_rev": "1.0     \n",
	}
	// A fabrics controller beside it: the fabrics devices directory exists,
	// and the PCIe controller is not in it.
	tr.ctrl("nvme1", fabricsCtrl("tcp", "traddr=127.0.0.1,trsvcid=4420", subNQN, "live"))
	// A class link whose device is gone (deleted mid-scan) is left out.
	tr["sys/class/nvme/nvme2"] = "-> ../../devices/virtual/nvme-fabrics/ctl/nvme2"
	got := scan(t, tr)
	if len(got.Controllers) != 2 || got.Controller("nvme1") == nil || got.Controller("nvme1").State != "live" {
		t.Fatalf("Scan: %s, want nvme0 (PCIe) and nvme1 (tcp)", dump(got))
	}
	c := got.Controller("nvme0")
	if c == nil {
		t.Fatalf("Scan lost the PCIe controller: %s", dump(got))
	}
	if c.Transport != "pcie" || c.Address != (Address{Traddr: "0000:00:04.0"}) || c.Firmware != "1.0" {
		t.Errorf("PCIe controller = %s", dump(c))
	}
}

func TestScanSortsNumerically(t *testing.T) {
	tr := tree{}
	for n, nqn := range map[string]string{"nvme10": subNQN, "nvme2": subNQN, "nvme1": discNQN} {
		tr.ctrl(n, map[string]string{"transport": "tcp", "state": "live", "subsysnqn": nqn})
	}
	tr.subsys("nvme-subsys10", map[string]string{"subsysnqn": subNQN}, "nvme10", "nvme2")
	tr.subsys("nvme-subsys9", map[string]string{"subsysnqn": discNQN}, "nvme1")
	for _, n := range []string{"nvme10n10", "nvme10n2", "nvme10n1"} {
		tr.ns(subsysDevices+"nvme-subsys10/", n, "1", "8", "512")
	}
	tr.path("nvme10", "nvme10c10n2", "2", "optimized").
		path("nvme10", "nvme10c10n10", "10", "optimized").
		path("nvme10", "nvme10c10n1", "1", "optimized")
	got := scan(t, tr)

	var names []string
	for _, c := range got.Controllers {
		names = append(names, c.Name)
	}
	for _, s := range got.Subsystems {
		names = append(names, s.Name, strings.Join(s.Controllers, "+"))
		for _, n := range s.Namespaces {
			names = append(names, n.Name)
		}
	}
	for _, p := range got.Controller("nvme10").Paths {
		names = append(names, p.Name)
	}
	want := "nvme1 nvme2 nvme10 nvme-subsys9 nvme1 nvme-subsys10 nvme2+nvme10 nvme10n1 nvme10n2 nvme10n10 nvme10c10n1 nvme10c10n2 nvme10c10n10"
	if g := strings.Join(names, " "); g != want {
		t.Errorf("order\n got %s\nwant %s", g, want)
	}
	if got.Controller("nvme2").Subsystem != "nvme-subsys10" || got.Controller("nvme1").Subsystem != "nvme-subsys9" {
		t.Errorf("controller → subsystem links wrong: %s", dump(got.Controllers))
	}
}

func TestScanIgnoresForeignEntries(t *testing.T) {
	tr := tree{}.ctrl("nvme0", map[string]string{"transport": "loop"})
	tr["sys/class/nvme/nvme-fabrics"] = "x"
	tr["sys/class/nvme/nvme0x"] = "x"
	tr["sys/class/nvme-subsystem/nvme-subsysX"] = "x"
	tr[ctrlDevices+"nvme0/nvme0n1p1/size"] = "8\n"
	tr[ctrlDevices+"nvme0/power/control"] = "auto\n"
	got := scan(t, tr)
	if len(got.Controllers) != 1 || len(got.Subsystems) != 0 || len(got.Controllers[0].Namespaces) != 0 {
		t.Errorf("Scan picked up foreign entries: %s", dump(got))
	}
}

func TestScanReadError(t *testing.T) {
	// An attribute that cannot be read (here: a directory) is an error
	// naming the file, unlike a missing one.
	tr := tree{}.ctrl("nvme0", map[string]string{"transport": "rdma"})
	root := tr.write(t)
	if err := os.Mkdir(filepath.Join(root, ctrlDevices, "nvme0/address"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Scan(hostfs.New(root))
	if err == nil || !strings.Contains(err.Error(), "nvme0/address") {
		t.Fatalf("Scan error = %v, want one naming nvme0/address", err)
	}
}

func TestNames(t *testing.T) {
	cases := []struct {
		in      string
		ns      [2]int
		nsOK    bool
		path    [3]int
		pathOK  bool
		generic string
	}{
		{"nvme2n1", [2]int{2, 1}, true, [3]int{}, false, "ng2n1"},
		{"nvme10n12", [2]int{10, 12}, true, [3]int{}, false, "ng10n12"},
		{"nvme2c3n1", [2]int{}, false, [3]int{2, 3, 1}, true, "nvme2c3n1"},
		{"nvme0n1p1", [2]int{}, false, [3]int{}, false, "nvme0n1p1"},
		{"nvme0", [2]int{}, false, [3]int{}, false, "nvme0"},
		{"nvmen1", [2]int{}, false, [3]int{}, false, "nvmen1"},
		{"nvme-1n1", [2]int{}, false, [3]int{}, false, "nvme-1n1"},
	}
	for _, c := range cases {
		i, n, ok := SplitNamespaceName(c.in)
		if ok != c.nsOK || (ok && [2]int{i, n} != c.ns) {
			t.Errorf("SplitNamespaceName(%q) = %d, %d, %v", c.in, i, n, ok)
		}
		s, ct, pn, ok := SplitPathName(c.in)
		if ok != c.pathOK || (ok && [3]int{s, ct, pn} != c.path) {
			t.Errorf("SplitPathName(%q) = %d, %d, %d, %v", c.in, s, ct, pn, ok)
		}
		if g := GenericName(c.in); g != c.generic {
			t.Errorf("GenericName(%q) = %q, want %q", c.in, g, c.generic)
		}
	}
}

// ownNamespacesTree has what the fixture lacks: a controller that owns its
// namespaces (multipath off) next to a multipath subsystem, a controller
// connected with another host NQN, and one without a subsystem.
func ownNamespacesTree() tree {
	tr := tree{}.ctrl("nvme0", fabricsCtrl("tcp", "traddr=127.0.0.1,trsvcid=4420", subNQN, "live"))
	tr.ctrl("nvme1", fabricsCtrl("rdma", "traddr=192.0.2.1,trsvcid=4420", subNQN, "live"))
	tr.ctrl("nvme2", fabricsCtrl("rdma", "traddr=192.0.2.2,trsvcid=4420", "nqn.2026-11.io.gonvme:other", "live"))
	tr.ctrl("nvme3", fabricsCtrl("tcp", "traddr=127.0.0.1,trsvcid=4421", "nqn.2026-11.io.gonvme:third", "connecting"))
	for _, c := range []string{"nvme0", "nvme1", "nvme2", "nvme3"} {
		tr[ctrlDevices+c+"/model"] = "Linux\n"
		tr[ctrlDevices+c+"/serial"] = "s-" + c + "\n"
		tr[ctrlDevices+c+"/firmware_rev"] = "6.1\n"
	}
	tr[ctrlDevices+"nvme1/hostnqn"] = "nqn.2014-08.org.nvmexpress:uuid:0c2b6f9e-3d1a-4e8b-9f70-5a4c3b2a1f00\n"
	tr[ctrlDevices+"nvme1/hostid"] = "0c2b6f9e-3d1a-4e8b-9f70-5a4c3b2a1f00\n"
	tr.subsys("nvme-subsys0", map[string]string{"subsysnqn": subNQN, "model": "Linux", "serial": "s0", "firmware_rev": "6.1"}, "nvme0")
	tr.ns(ctrlDevices+"nvme0/", "nvme0n1", "3", "8", "512")
	tr.ns(ctrlDevices+"nvme0/", "nvme0n2", "7", "16", "4096")
	tr.subsys("nvme-subsys1", map[string]string{"subsysnqn": subNQN, "model": "Linux", "serial": "s1", "firmware_rev": "6.1"}, "nvme1")
	tr.ns(subsysDevices+"nvme-subsys1/", "nvme1n1", "1", "8", "512")
	tr.path("nvme1", "nvme1c1n1", "1", "optimized")
	tr.subsys("nvme-subsys3", map[string]string{"subsysnqn": "nqn.2026-11.io.gonvme:third", "model": "Linux", "serial": "s3", "firmware_rev": "6.1"}, "nvme3")
	tr.ns(subsysDevices+"nvme-subsys3/", "nvme3n1", "1", "8", "512")
	tr.ns(subsysDevices+"nvme-subsys3/", "nvme3n2", "2", "8", "512")
	tr.path("nvme3", "nvme3c3n1", "1", "optimized")
	tr.path("nvme3", "nvme3c3n2", "2", "inaccessible")
	tr.ctrl("nvme4", fabricsCtrl("tcp", "traddr=127.0.0.1,trsvcid=4422", "nqn.2026-11.io.gonvme:fourth", "live"))
	tr.subsys("nvme-subsys4", map[string]string{"subsysnqn": "nqn.2026-11.io.gonvme:fourth", "model": "Linux", "serial": "s4", "firmware_rev": "6.1"}, "nvme4")
	tr.ns(ctrlDevices+"nvme4/", "nvme4n1", "1", "8", "512")
	return tr
}

// Views over ownNamespacesTree.
func TestScanViewsOwnNamespaces(t *testing.T) {
	checkViews(t, ownNamespacesTree().write(t))
}
