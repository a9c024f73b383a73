package topology

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/nvmftest/kfixtures"
)

// kernelTopology scans the sysfs captured from kernel k with five
// controllers: nvme0 (rdma) and nvme1 (tcp) to test1, nvme2 (rdma) and
// nvme3 (tcp) to test2, and nvme4, a persistent discovery controller (tcp).
func kernelTopology(t *testing.T, k kfixtures.Kernel) *Topology {
	t.Helper()
	topo, err := Scan(hostfs.New(k.Dir))
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return topo
}

// The same scenario gives the same topology on every kernel.
func TestScanEachKernel(t *testing.T) {
	kfixtures.Each(t, testScanKernel)
}

func testScanKernel(t *testing.T, k kfixtures.Kernel) {
	// Serial numbers, host identity and firmware change with every capture
	// and kernel update; the summary holds what the scenario fixes. Which
	// device name gets which NSID is the kernel's choice (6.12 and 7.x scan
	// namespaces concurrently), so the summary lists namespaces by NSID and
	// checks the names apart: a path nvmeAcBnY and the namespace nvmeAnY
	// are the same NSID.
	var b strings.Builder
	topo := kernelTopology(t, k)
	nsidOf := map[string]uint32{}
	for _, s := range topo.Subsystems {
		for _, n := range s.Namespaces {
			nsidOf[n.Name] = n.NSID
		}
	}
	for _, c := range topo.Controllers {
		fmt.Fprintf(&b, "%s %s %s %s %s %s %s hostnqn=%t hostid=%t model=%s", c.Name, c.Transport, c.RawAddress,
			c.SubsysNQN, c.State, c.CntrlType, c.Subsystem, c.HostNQN != "", c.HostID != "", c.Model)
		paths := slices.Clone(c.Paths)
		slices.SortFunc(paths, func(x, y PathNamespace) int { return int(x.NSID) - int(y.NSID) })
		for _, p := range paths {
			fmt.Fprintf(&b, " %s:%d", p.ANAState, p.NSID)
			head, ok := pathHead(p.Name)
			if id, known := nsidOf[head]; !ok || !known || id != p.NSID {
				t.Errorf("path %s has NSID %d; its namespace %s has %d", p.Name, p.NSID, head, id)
			}
		}
		b.WriteString("\n")
	}
	for _, s := range topo.Subsystems {
		fmt.Fprintf(&b, "%s %s %s %s %v", s.Name, s.NQN, s.Type, s.IOPolicy, s.Controllers)
		nss := slices.Clone(s.Namespaces)
		slices.SortFunc(nss, func(x, y Namespace) int { return int(x.NSID) - int(y.NSID) })
		for _, n := range nss {
			fmt.Fprintf(&b, " %d:%d:%d:%d:%s", n.NSID, n.Sectors, n.LBASize, n.PhysicalBlockSize, n.UUID)
		}
		b.WriteString("\n")
	}
	want := `nvme0 rdma traddr=169.254.99.1,trsvcid=4420 nqn.2026-11.io.gonvme:test1 live io nvme-subsys0 hostnqn=true hostid=true model=Linux optimized:1 optimized:2
nvme1 tcp traddr=127.0.0.1,trsvcid=4420,src_addr=127.0.0.1 nqn.2026-11.io.gonvme:test1 live io nvme-subsys0 hostnqn=true hostid=true model=Linux optimized:1 optimized:2
nvme2 rdma traddr=169.254.99.1,trsvcid=4420 nqn.2026-11.io.gonvme:test2 live io nvme-subsys2 hostnqn=true hostid=true model=Linux optimized:1 optimized:2
nvme3 tcp traddr=127.0.0.1,trsvcid=4420,src_addr=127.0.0.1 nqn.2026-11.io.gonvme:test2 live io nvme-subsys2 hostnqn=true hostid=true model=Linux optimized:1 optimized:2
nvme4 tcp traddr=127.0.0.1,trsvcid=4420,src_addr=127.0.0.1 nqn.2014-08.org.nvmexpress.discovery live discovery nvme-subsys4 hostnqn=true hostid=true model=Linux
nvme-subsys0 nqn.2026-11.io.gonvme:test1 nvm numa [nvme0 nvme1] 1:131072:512:512:6f6e766d-0001-4000-8000-000000000001 2:131072:512:512:6f6e766d-0001-4000-8000-000000000002
nvme-subsys2 nqn.2026-11.io.gonvme:test2 nvm numa [nvme2 nvme3] 1:131072:512:512:6f6e766d-0002-4000-8000-000000000001 2:131072:512:512:6f6e766d-0002-4000-8000-000000000002
nvme-subsys4 nqn.2014-08.org.nvmexpress.discovery discovery numa [nvme4]
`
	if got := b.String(); got != want {
		t.Errorf("Scan of the %s fixture\n got:\n%s\nwant:\n%s", k.Name, got, want)
	}
}

// pathHead names the namespace a path device belongs to: nvme0c1n2 is a
// path of nvme0n2.
func pathHead(path string) (string, bool) {
	sub, rest, ok := strings.Cut(strings.TrimPrefix(path, "nvme"), "c")
	if !ok {
		return "", false
	}
	_, ns, ok := strings.Cut(rest, "n")
	return "nvme" + sub + "n" + ns, ok
}

func TestIndexEachKernel(t *testing.T) {
	kfixtures.Each(t, testIndexKernel)
}

func testIndexKernel(t *testing.T, k kfixtures.Kernel) {
	ix := NewIndex(kernelTopology(t, k))
	const test1, test2 = "nqn.2026-11.io.gonvme:test1", "nqn.2026-11.io.gonvme:test2"
	cases := []struct {
		k    PathKey
		want string
	}{
		{PathKey{"rdma", "169.254.99.1", "4420", "", "", test1}, "nvme0"},
		{PathKey{"tcp", "127.0.0.1", "4420", "", "", test1}, "nvme1"},
		{PathKey{"rdma", "169.254.99.1", "4420", "", "", test2}, "nvme2"},
		{PathKey{"tcp", "127.0.0.1", "4420", "127.0.0.1", "", test2}, "nvme3"},
		{PathKey{"tcp", "127.0.0.1", "4420", "", "", discNQN}, "nvme4"},
		{PathKey{"rdma", "169.254.99.1", "4420", "", "", discNQN}, ""},
		{PathKey{"tcp", "127.0.0.1", "4421", "", "", test1}, ""},
		{PathKey{"rdma", "169.254.99.1", "4420", "", "", "nqn.2026-11.io.gonvme:test99"}, ""},
	}
	for _, c := range cases {
		name := ""
		if got := ix.Lookup(c.k); got != nil {
			name = got.Name
		}
		if name != c.want {
			t.Errorf("Lookup(%+v) = %q, want %q", c.k, name, c.want)
		}
	}
}

// project is what ScanView(fs, v) must return, stated from Scan's result:
// the fields v promises, everything else empty.
func project(full *Topology, v View) *Topology {
	if v == Everything {
		return full
	}
	ns := func(list []Namespace) []Namespace {
		var out []Namespace
		for _, n := range list {
			out = append(out, Namespace{Name: n.Name})
		}
		return out
	}
	t := &Topology{}
	for _, f := range full.Subsystems {
		s := &Subsystem{Name: f.Name, Instance: f.Instance, Controllers: f.Controllers}
		switch v {
		case PathsView:
			s.Type = f.Type
		case SubsystemsView:
			s.NQN, s.IOPolicy, s.Namespaces = f.NQN, f.IOPolicy, ns(f.Namespaces)
		case NamespacesView:
			s.NQN, s.Model, s.Serial, s.Firmware = f.NQN, f.Model, f.Serial, f.Firmware
			s.Namespaces = ns(f.Namespaces)
		}
		t.Subsystems = append(t.Subsystems, s)
	}
	for _, f := range full.Controllers {
		c := &Controller{Name: f.Name, Instance: f.Instance, Transport: f.Transport, RawAddress: f.RawAddress,
			Address: f.Address, SubsysNQN: f.SubsysNQN, State: f.State, Subsystem: f.Subsystem, CntlID: -1}
		switch v {
		case PathsView:
			c.CntrlType = f.CntrlType
		case SubsystemsView, NamespacesView:
			c.HostNQN, c.HostID = f.HostNQN, f.HostID
			if f.Subsystem == "" {
				c.SubsysNQN = "" // only known through the subsystem
			}
			for _, p := range f.Paths {
				c.Paths = append(c.Paths, PathNamespace{Name: p.Name})
			}
			if v == NamespacesView {
				c.Namespaces = ns(f.Namespaces)
			}
			if v == NamespacesView {
				if len(f.Namespaces) > 0 {
					c.Model, c.Serial, c.Firmware = f.Model, f.Serial, f.Firmware
				} else {
					c.Transport, c.RawAddress, c.Address, c.State = "", "", Address{}, ""
				}
			}
		}
		t.Controllers = append(t.Controllers, c)
	}
	return t
}

var views = []View{Everything, PathsView, SubsystemsView, NamespacesView}

// checkViews scans root with every View and compares with the projection
// of the full scan.
func checkViews(t *testing.T, root string) {
	t.Helper()
	full, err := Scan(hostfs.New(root))
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	for _, v := range views {
		got, err := ScanView(hostfs.New(root), v)
		if err != nil {
			t.Fatalf("ScanView(%v): %v", v, err)
		}
		if want := project(full, v); !reflect.DeepEqual(got, want) {
			t.Errorf("ScanView(%v)\n got %s\nwant %s", v, dump(got), dump(want))
		}
	}
}

// Each View reads exactly the fields it promises, equal to Scan's.
func TestScanViewsEachKernel(t *testing.T) {
	kfixtures.Each(t, func(t *testing.T, k kfixtures.Kernel) { checkViews(t, k.Dir) })
}

// The index built from ScanPaths answers as the one built from Scan.
func TestScanPathsIndexEachKernel(t *testing.T) {
	kfixtures.Each(t, testScanPathsIndex)
}

func testScanPathsIndex(t *testing.T, k kfixtures.Kernel) {
	full := kernelTopology(t, k)
	light, err := ScanPaths(hostfs.New(k.Dir))
	if err != nil {
		t.Fatalf("ScanPaths: %v", err)
	}
	fi, li := NewIndex(full), NewIndex(light)
	for _, c := range full.Controllers {
		for _, k := range []PathKey{
			{Transport: c.Transport, Traddr: c.Address.Traddr, Trsvcid: c.Address.Trsvcid, SubsysNQN: c.SubsysNQN},
			{Transport: c.Transport, Traddr: c.Address.Traddr, Trsvcid: c.Address.Trsvcid, SubsysNQN: discNQN},
			{Transport: c.Transport, Traddr: c.Address.Traddr, SubsysNQN: c.SubsysNQN, HostTraddr: "192.0.2.1"},
		} {
			a, b := fi.Lookup(k), li.Lookup(k)
			if (a == nil) != (b == nil) || (a != nil && a.Name != b.Name) {
				t.Errorf("Lookup(%+v): Scan index %v, ScanPaths index %v", k, a, b)
			}
		}
	}
}

// ReadNamespace reads what Scan reads for a namespace, through /sys/block;
// NamespaceNames lists the namespaces Scan finds.
func TestReadNamespaceEachKernel(t *testing.T) {
	kfixtures.Each(t, testReadNamespace)
}

func testReadNamespace(t *testing.T, k kfixtures.Kernel) {
	full := kernelTopology(t, k)
	fs := hostfs.New(k.Dir)
	var names []string
	for _, s := range full.Subsystems {
		for _, ns := range s.Namespaces {
			names = append(names, ns.Name)
			got, err := ReadNamespace(fs, ns.Name)
			want := Namespace{Name: ns.Name, NSID: ns.NSID, Sectors: ns.Sectors, LBASize: ns.LBASize}
			if err != nil || got != want || got.LBASize == 0 {
				t.Errorf("ReadNamespace(%s) = %+v, %v; want %+v", ns.Name, got, err, want)
			}
		}
	}
	if len(names) == 0 {
		t.Fatal("no namespace in the fixture")
	}
	if got, err := NamespaceNames(fs); err != nil || !slices.Equal(got, names) {
		t.Errorf("NamespaceNames = %v, %v; want %v", got, err, names)
	}
	if got, err := ReadNamespace(fs, "nvme9n9"); err != nil || got != (Namespace{Name: "nvme9n9"}) {
		t.Errorf("ReadNamespace of a missing device = %+v, %v; want zeros and no error", got, err)
	}
}
