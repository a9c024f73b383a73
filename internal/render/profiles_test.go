package render

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/discovery"
	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/internal/compat"
	"github.com/gonvme/gonvme/topology"
)

// TestProfilesGolden renders the 6.1 fixtures (testdata/kernel/6.1) in
// every profile. Each golden, testdata/profiles/nvme-cli-VERSION.golden,
// starts with the compat.Table rows that apply to that release (the tag
// and function each follows) and holds the output of list, list -o json,
// list -v (text and JSON), list-subsys (plain and -v, text and JSON),
// list-subsys DEVICE and discover (text and JSON).
func TestProfilesGolden(t *testing.T) {
	root, err := filepath.Abs("../../testdata/kernel/6.1")
	if err != nil {
		t.Fatal(err)
	}
	fs := hostfs.New(root)
	topo, err := topology.Scan(fs)
	if err != nil {
		t.Fatal(err)
	}
	var host HostIdent
	host.HostNQN, _ = fs.ReadAttr("/etc/nvme/hostnqn")
	host.HostID, _ = fs.ReadAttr("/etc/nvme/hostid")
	rdma := decodeDiscoveryPage(t, filepath.Join(root, "discovery", "rdma-169.254.99.1-4420.bin"))
	tcp := decodeDiscoveryPage(t, filepath.Join(root, "discovery", "tcp-127.0.0.1-4420.bin"))
	for _, v := range compat.Releases {
		t.Run(v.String(), func(t *testing.T) {
			p := compat.New(v)
			devs := fixtureDevices(topo)
			SortDevices(p, host, topo, devs)
			var b bytes.Buffer
			fmt.Fprintf(&b, "# nvme-cli %s output of the testdata/kernel/6.1 topology; rows of compat.Table that apply:\n", v)
			for _, r := range compat.Table {
				if p.Has(r.Feature) {
					fmt.Fprintf(&b, "#   %s\n", r.Source)
				}
			}
			writeSections(t, &b, p, host, topo, devs, "nvme0n1", rdma, tcp)
			golden(t, filepath.Join("profiles", "nvme-cli-"+v.String()+".golden"), b.Bytes())
		})
	}
}

// TestProfilesTrees renders the hand-built topologies (multihost: one
// subsystem reached with two host NQNs, a 10th namespace; nomultipath:
// controllers' own namespaces) in releases whose layouts differ: 2.3's
// tree walk, 2.5's controllers in list-subsys, 2.10's forward tree, 2.15's
// by-path JSON, 2.16's.
func TestProfilesTrees(t *testing.T) {
	for _, name := range []string{"multihost", "nomultipath"} {
		for _, ver := range []string{"2.3", "2.5", "2.10", "2.15", "2.16"} {
			t.Run(name+"-"+ver, func(t *testing.T) {
				v, err := compat.ParseVersion(ver)
				if err != nil {
					t.Fatal(err)
				}
				p := compat.New(v)
				sc := loadTree(t, name)
				devs := slices.Clone(sc.devs)
				SortDevices(p, sc.host, sc.topo, devs)
				var b bytes.Buffer
				writeSections(t, &b, p, sc.host, sc.topo, devs, "nvme1n1", nil, nil)
				golden(t, filepath.Join("profiles", name+"-"+ver+".golden"), b.Bytes())
			})
		}
	}
}

// TestProfile23IsTheFixture checks the 2.3 profile against what nvme-cli
// 2.3 printed for the fixtures, section by section.
func TestProfile23IsTheFixture(t *testing.T) {
	want := map[string]string{
		"list": "list.txt", "list -o json": "list.json", "list -v": "list-verbose.txt",
		"list-subsys": "list-subsys.txt", "list-subsys -o json": "list-subsys.json",
		"list-subsys /dev/nvme0n1": "list-subsys-nvme0n1.txt",
		"discover -t rdma":         "discover-rdma.txt", "discover -t rdma -o json": "discover-rdma.json",
		"discover -t tcp": "discover-tcp.txt",
	}
	got, err := os.ReadFile("testdata/profiles/nvme-cli-2.3.golden")
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]string{}
	for _, part := range strings.Split(string(got), "=== ")[1:] {
		name, body, _ := strings.Cut(part, "\n")
		sections[name] = body
	}
	for name, file := range want {
		w, err := os.ReadFile(filepath.Join("../../testdata/kernel/6.1/nvme-cli", file))
		if err != nil {
			t.Fatal(err)
		}
		if sections[name] != string(w) {
			t.Errorf("%s: the 2.3 golden differs from nvme-cli 2.3's %s:\n%s", name, file, lineDiff(w, []byte(sections[name])))
		}
	}
}

// fixtureDevices stands sysfs sizes in for Identify Namespace (nvmet
// namespaces report NUSE = NSZE), as TestKernelFixtures does.
func fixtureDevices(topo *topology.Topology) []Device {
	return devicesOf(topo, func(name string) (Device, bool) {
		for _, s := range topo.Subsystems {
			for _, ns := range s.Namespaces {
				if ns.Name == name {
					return Device{NameSpace: ns.NSID, UsedBytes: ns.Sectors * 512, PhysicalSize: ns.Sectors * 512,
						MaximumLBA: ns.Sectors * 512 / uint64(ns.LBASize), SectorSize: ns.LBASize}, true
				}
			}
		}
		return Device{}, false
	})
}

// writeSections renders every command gonvme reproduces in profile p, each
// after a "=== command" line: list-subsys DEVICE of device, and discover
// of rdma and tcp unless they are nil.
func writeSections(t *testing.T, out *bytes.Buffer, p compat.Profile, host HostIdent, topo *topology.Topology, devs []Device, device string, rdma, tcp *discovery.Log) {
	t.Helper()
	sections := []struct {
		name string
		fn   func(*bytes.Buffer) error
	}{
		{"list", func(b *bytes.Buffer) error { return ListText(b, p, devs) }},
		{"list -o json", func(b *bytes.Buffer) error { return ListJSON(b, p, devs) }},
		{"list -o json, no namespaces", func(b *bytes.Buffer) error { return ListJSON(b, p, nil) }},
		{"list -v", func(b *bytes.Buffer) error { return ListVerboseHost(b, p, host, topo, devs) }},
		{"list -v -o json", func(b *bytes.Buffer) error {
			return ListVerboseJSONHost(b, p, host, topo, devs, p.ListJSONByPath(1))
		}},
		{"list-subsys", func(b *bytes.Buffer) error { return SubsysText(b, p, host, topo, false) }},
		{"list-subsys -o json", func(b *bytes.Buffer) error { return SubsysJSON(b, p, host, topo, false) }},
		{"list-subsys -v", func(b *bytes.Buffer) error { return SubsysText(b, p, host, topo, true) }},
		{"list-subsys -v -o json", func(b *bytes.Buffer) error { return SubsysJSON(b, p, host, topo, true) }},
		{"list-subsys /dev/" + device, func(b *bytes.Buffer) error {
			return SubsysDeviceText(b, p, host, topo, "/dev/"+device, false)
		}},
		{"list-subsys -o json /dev/" + device, func(b *bytes.Buffer) error {
			return SubsysDeviceJSON(b, p, host, topo, "/dev/"+device, false)
		}},
	}
	if rdma != nil {
		sections = append(sections, []struct {
			name string
			fn   func(*bytes.Buffer) error
		}{
			{"discover -t rdma", func(b *bytes.Buffer) error { return DiscoveryText(b, p, rdma) }},
			{"discover -t rdma -o json", func(b *bytes.Buffer) error { return DiscoveryJSON(b, p, rdma) }},
			{"discover -t tcp", func(b *bytes.Buffer) error { return DiscoveryText(b, p, tcp) }},
			{"discover, no records -o json", func(b *bytes.Buffer) error { return DiscoveryJSON(b, p, &discovery.Log{Genctr: 7}) }},
		}...)
	}
	if p.Has(compat.OutputFormatVersion) {
		sections = append(sections, []struct {
			name string
			fn   func(*bytes.Buffer) error
		}{
			{"list -o json --output-format-version=2", func(b *bytes.Buffer) error {
				if p.ListJSONVerbose(false, 2) {
					return ListVerboseJSONHost(b, p, host, topo, devs, p.ListJSONByPath(2))
				}
				return ListJSON(b, p, devs)
			}},
			{"list -v -o json --output-format-version=2", func(b *bytes.Buffer) error {
				return ListVerboseJSONHost(b, p, host, topo, devs, p.ListJSONByPath(2))
			}},
			{"list-subsys -o json --output-format-version=2", func(b *bytes.Buffer) error {
				return SubsysJSON(b, p, host, topo, p.SubsysJSONVerbose(false, 2))
			}},
		}...)
	}
	for _, s := range sections {
		fmt.Fprintf(out, "=== %s\n", s.name)
		if err := s.fn(out); err != nil {
			t.Fatal(err)
		}
	}
}
