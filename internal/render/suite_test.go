package render

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/internal/compat"
	"github.com/gonvme/gonvme/nvmftest/kfixtures"
	"github.com/gonvme/gonvme/topology"
)

// TestSuiteFixtures renders each captured kernel's topology and discovery
// logs in the profile of that kernel's own suite nvme-cli (nvme-suite/:
// 2.13 on 6.12, 2.16 on 7.x) and compares them, byte for byte, with what
// that nvme-cli printed.
func TestSuiteFixtures(t *testing.T) {
	kfixtures.Each(t, func(t *testing.T, k kfixtures.Kernel) {
		vb, err := os.ReadFile(k.Path("nvme-suite/version.txt"))
		if err != nil {
			t.Skipf("no suite nvme-cli output captured on %s", k.Name)
		}
		first, _, _ := strings.Cut(string(vb), "\n")
		fields := strings.Fields(first) // nvme version 2.16 (git 2.16)
		if len(fields) < 3 {
			t.Fatalf("nvme-suite/version.txt: %q", first)
		}
		v, err := compat.ParseVersion(fields[2])
		if err != nil {
			t.Fatal(err)
		}
		p := compat.New(v)
		fs := hostfs.New(k.Dir)
		topo, err := topology.Scan(fs)
		if err != nil {
			t.Fatal(err)
		}
		var host HostIdent
		host.HostNQN, _ = fs.ReadAttr("/etc/nvme/hostnqn")
		host.HostID, _ = fs.ReadAttr("/etc/nvme/hostid")
		devs := fixtureDevices(topo)
		SortDevices(p, host, topo, devs)
		rdma := decodeDiscoveryPage(t, k.Path("discovery/rdma-169.254.99.1-4420.bin"))
		tcp := decodeDiscoveryPage(t, k.Path("discovery/tcp-127.0.0.1-4420.bin"))
		for file, fn := range map[string]func(*bytes.Buffer) error{
			"discover-rdma.txt":        func(b *bytes.Buffer) error { return DiscoveryText(b, p, rdma) },
			"discover-rdma.json":       func(b *bytes.Buffer) error { return DiscoveryJSON(b, p, rdma) },
			"discover-tcp.txt":         func(b *bytes.Buffer) error { return DiscoveryText(b, p, tcp) },
			"discover-tcp.json":        func(b *bytes.Buffer) error { return DiscoveryJSON(b, p, tcp) },
			"list.txt":                 func(b *bytes.Buffer) error { return ListText(b, p, devs) },
			"list.json":                func(b *bytes.Buffer) error { return ListJSON(b, p, devs) },
			"list-verbose.txt":         func(b *bytes.Buffer) error { return ListVerboseHost(b, p, host, topo, devs) },
			"list-verbose.json":        func(b *bytes.Buffer) error { return ListVerboseJSONHost(b, p, host, topo, devs, p.ListJSONByPath(1)) },
			"list-subsys.txt":          func(b *bytes.Buffer) error { return SubsysText(b, p, host, topo, false) },
			"list-subsys.json":         func(b *bytes.Buffer) error { return SubsysJSON(b, p, host, topo, false) },
			"list-subsys-verbose.txt":  func(b *bytes.Buffer) error { return SubsysText(b, p, host, topo, true) },
			"list-subsys-verbose.json": func(b *bytes.Buffer) error { return SubsysJSON(b, p, host, topo, true) },
		} {
			want, err := os.ReadFile(filepath.Join(k.Dir, "nvme-suite", file))
			if err != nil {
				t.Errorf("%s: %v", file, err)
				continue
			}
			if got := render(t, fn); !bytes.Equal(got, want) {
				t.Errorf("%s differs from nvme-cli %s's:\n%s", file, v, lineDiff(want, got))
			}
		}
	})
}
