package sysfs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/internal/hostfs"
)

// kernelTopology scans the sysfs captured from a Debian 6.1 kernel with
// five controllers: nvme0 (rdma) and nvme1 (tcp) to test1, nvme2 (rdma) and
// nvme3 (tcp) to test2, and nvme4, a persistent discovery controller (tcp).
func kernelTopology(t *testing.T) *Topology {
	t.Helper()
	root, err := filepath.Abs("../../testdata/kernel/6.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "sys/class/nvme")); err != nil {
		t.Skipf("kernel fixtures not present: %v", err)
	}
	topo, err := Scan(hostfs.New(root))
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return topo
}

func TestScanKernel61(t *testing.T) {
	// Serial numbers, host identity and firmware change with every capture
	// and kernel update; the summary holds what the scenario fixes.
	var b strings.Builder
	topo := kernelTopology(t)
	for _, c := range topo.Controllers {
		fmt.Fprintf(&b, "%s %s %s %s %s %s %s hostnqn=%t hostid=%t model=%s", c.Name, c.Transport, c.RawAddress,
			c.SubsysNQN, c.State, c.CntrlType, c.Subsystem, c.HostNQN != "", c.HostID != "", c.Model)
		for _, p := range c.Paths {
			fmt.Fprintf(&b, " %s:%s:%d", p.Name, p.ANAState, p.NSID)
		}
		b.WriteString("\n")
	}
	for _, s := range topo.Subsystems {
		fmt.Fprintf(&b, "%s %s %s %s %v", s.Name, s.NQN, s.Type, s.IOPolicy, s.Controllers)
		for _, n := range s.Namespaces {
			fmt.Fprintf(&b, " %s:%d:%d:%d:%d:%s", n.Name, n.NSID, n.Sectors, n.LBASize, n.PhysicalBlockSize, n.UUID)
		}
		b.WriteString("\n")
	}
	want := `nvme0 rdma traddr=169.254.99.1,trsvcid=4420 nqn.2026-11.io.gonvme:test1 live io nvme-subsys0 hostnqn=true hostid=true model=Linux nvme0c0n1:optimized:1 nvme0c0n2:optimized:2
nvme1 tcp traddr=127.0.0.1,trsvcid=4420,src_addr=127.0.0.1 nqn.2026-11.io.gonvme:test1 live io nvme-subsys0 hostnqn=true hostid=true model=Linux nvme0c1n1:optimized:1 nvme0c1n2:optimized:2
nvme2 rdma traddr=169.254.99.1,trsvcid=4420 nqn.2026-11.io.gonvme:test2 live io nvme-subsys2 hostnqn=true hostid=true model=Linux nvme2c2n1:optimized:1 nvme2c2n2:optimized:2
nvme3 tcp traddr=127.0.0.1,trsvcid=4420,src_addr=127.0.0.1 nqn.2026-11.io.gonvme:test2 live io nvme-subsys2 hostnqn=true hostid=true model=Linux nvme2c3n1:optimized:1 nvme2c3n2:optimized:2
nvme4 tcp traddr=127.0.0.1,trsvcid=4420,src_addr=127.0.0.1 nqn.2014-08.org.nvmexpress.discovery live discovery nvme-subsys4 hostnqn=true hostid=true model=Linux
nvme-subsys0 nqn.2026-11.io.gonvme:test1 nvm numa [nvme0 nvme1] nvme0n1:1:131072:512:512:6f6e766d-0001-4000-8000-000000000001 nvme0n2:2:131072:512:512:6f6e766d-0001-4000-8000-000000000002
nvme-subsys2 nqn.2026-11.io.gonvme:test2 nvm numa [nvme2 nvme3] nvme2n1:1:131072:512:512:6f6e766d-0002-4000-8000-000000000001 nvme2n2:2:131072:512:512:6f6e766d-0002-4000-8000-000000000002
nvme-subsys4 nqn.2014-08.org.nvmexpress.discovery discovery numa [nvme4]
`
	if got := b.String(); got != want {
		t.Errorf("Scan of the 6.1 fixture\n got:\n%s\nwant:\n%s", got, want)
	}
}

func TestIndexKernel61(t *testing.T) {
	ix := NewIndex(kernelTopology(t))
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

// ScanPaths reads exactly the fields it promises, equal to Scan's, and the
// index built from it answers as the one built from Scan.
func TestScanPathsKernel61(t *testing.T) {
	full := kernelTopology(t)
	root, _ := filepath.Abs("../../testdata/kernel/6.1")
	light, err := ScanPaths(hostfs.New(root))
	if err != nil {
		t.Fatalf("ScanPaths: %v", err)
	}
	if len(light.Controllers) != len(full.Controllers) || len(light.Subsystems) != len(full.Subsystems) {
		t.Fatalf("ScanPaths: %d controllers, %d subsystems; Scan: %d, %d",
			len(light.Controllers), len(light.Subsystems), len(full.Controllers), len(full.Subsystems))
	}
	for i, f := range full.Controllers {
		want := Controller{Name: f.Name, Instance: f.Instance, Transport: f.Transport, RawAddress: f.RawAddress,
			Address: f.Address, SubsysNQN: f.SubsysNQN, State: f.State, CntrlType: f.CntrlType,
			Subsystem: f.Subsystem, CntlID: -1}
		if got := *light.Controllers[i]; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("ScanPaths controller %d = %s, want %s", i, dump(got), dump(want))
		}
	}
	for i, f := range full.Subsystems {
		want := Subsystem{Name: f.Name, Instance: f.Instance, Type: f.Type, Controllers: f.Controllers}
		if got := *light.Subsystems[i]; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("ScanPaths subsystem %d = %s, want %s", i, dump(got), dump(want))
		}
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
