package render

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/internal/compat"
	"github.com/gonvme/gonvme/internal/textdiff"
	"github.com/gonvme/gonvme/nvmftest/kfixtures"
	"github.com/gonvme/gonvme/topology"
)

// p23 is nvme-cli 2.3, the release the 6.1 fixtures were captured with.
var p23 = compat.New(compat.Version{Major: 2, Minor: 3})

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n%s", p, lineDiff(want, got))
	}
}

func lineDiff(want, got []byte) string { return textdiff.FirstLine(string(want), string(got)) }

// scenario is a host described by a .tree file: a sysfs topology, the
// host identity, and Identify Namespace figures for its namespaces.
type scenario struct {
	topo *topology.Topology
	host HostIdent
	devs []Device
}

// loadTree materialises testdata/list-topologies/NAME.tree (format in the
// files' header) and scans it.
func loadTree(t *testing.T, name string) scenario {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata/list-topologies", name+".tree"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	root := t.TempDir()
	type ident struct {
		nsid, nsze, nuse, lbads, ms uint64
	}
	ids := map[string]ident{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "@ "):
			var n string
			var id ident
			if _, err := fmt.Sscan(line[2:], &n, &id.nsid, &id.nsze, &id.nuse, &id.lbads, &id.ms); err != nil {
				t.Fatalf("%s: %q: %v", name, line, err)
			}
			ids[n] = id
		case strings.HasSuffix(line, "/"):
			if err := os.MkdirAll(filepath.Join(root, line), 0o755); err != nil {
				t.Fatal(err)
			}
		default:
			p, v, ok := strings.Cut(line, " = ")
			if !ok {
				t.Fatalf("%s: bad line %q", name, line)
			}
			full := filepath.Join(root, p)
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(full, []byte(v+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	fs := hostfs.New(root)
	topo, err := topology.Scan(fs)
	if err != nil {
		t.Fatal(err)
	}
	s := scenario{topo: topo}
	s.host.HostNQN, _ = fs.ReadAttr("/etc/nvme/hostnqn")
	s.host.HostID, _ = fs.ReadAttr("/etc/nvme/hostid")
	s.devs = devicesOf(topo, func(name string) (Device, bool) {
		id, ok := ids[name]
		return Device{
			NameSpace:    uint32(id.nsid),
			UsedBytes:    id.nuse << id.lbads,
			MaximumLBA:   id.nsze,
			PhysicalSize: id.nsze << id.lbads,
			SectorSize:   1 << id.lbads,
			MetadataSize: uint32(id.ms),
		}, ok
	})
	SortDevices(p23, s.host, topo, s.devs)
	return s
}

// devicesOf lists the namespaces of t with the figures identify gives
// (false: the namespace cannot be identified and is left out) and the
// identity strings nvme-cli uses: the subsystem's for a multipath
// namespace, the controller's for a controller's own.
func devicesOf(t *topology.Topology, identify func(name string) (Device, bool)) []Device {
	var devs []Device
	add := func(ns topology.Namespace, fw, model, serial string) {
		d, ok := identify(ns.Name)
		if !ok {
			return
		}
		d.DevicePath, d.GenericPath = "/dev/"+ns.Name, "/dev/"+topology.GenericName(ns.Name)
		d.Firmware, d.ModelNumber, d.SerialNumber = fw, model, serial
		devs = append(devs, d)
	}
	for _, s := range t.Subsystems {
		for _, ns := range s.Namespaces {
			add(ns, s.Firmware, s.Model, s.Serial)
		}
	}
	for _, c := range t.Controllers {
		for _, ns := range c.Namespaces {
			add(ns, c.Firmware, c.Model, c.Serial)
		}
	}
	return devs
}

func render(t *testing.T, fn func(*bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := fn(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestListGolden(t *testing.T) {
	for _, name := range []string{"multihost", "nomultipath", "empty"} {
		t.Run(name, func(t *testing.T) {
			s := loadTree(t, name)
			golden(t, "list-"+name+".txt", render(t, func(b *bytes.Buffer) error { return ListText(b, p23, s.devs) }))
			golden(t, "list-"+name+".json", render(t, func(b *bytes.Buffer) error { return ListJSON(b, p23, s.devs) }))
			golden(t, "list-verbose-"+name+".txt", render(t, func(b *bytes.Buffer) error {
				return ListVerboseHost(b, p23, s.host, s.topo, s.devs)
			}))
			golden(t, "list-verbose-"+name+".json", render(t, func(b *bytes.Buffer) error {
				return ListVerboseJSONHost(b, p23, s.host, s.topo, s.devs, false)
			}))
		})
	}
}

// TestKernelFixtures compares with what nvme-cli 2.3 printed on each
// captured kernel for the topology captured alongside
// (testdata/kernel/<kernel>). nvmet namespaces report NUSE = NSZE, so
// sysfs sizes stand in for Identify Namespace.
func TestKernelFixtures(t *testing.T) {
	kfixtures.Each(t, testKernelFixtures)
}

func testKernelFixtures(t *testing.T, k kfixtures.Kernel) {
	root := k.Dir
	fs := hostfs.New(root)
	topo, err := topology.Scan(fs)
	if err != nil {
		t.Fatal(err)
	}
	var host HostIdent
	host.HostNQN, _ = fs.ReadAttr("/etc/nvme/hostnqn")
	host.HostID, _ = fs.ReadAttr("/etc/nvme/hostid")
	devs := devicesOf(topo, func(name string) (Device, bool) {
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
	SortDevices(p23, host, topo, devs)
	cases := []struct {
		file string
		fn   func(*bytes.Buffer) error
	}{
		{"list.txt", func(b *bytes.Buffer) error { return ListText(b, p23, devs) }},
		{"list.json", func(b *bytes.Buffer) error { return ListJSON(b, p23, devs) }},
		{"list-verbose.txt", func(b *bytes.Buffer) error { return ListVerboseHost(b, p23, host, topo, devs) }},
		{"list-subsys.txt", func(b *bytes.Buffer) error { return SubsysText(b, p23, host, topo, false) }},
		{"list-subsys.json", func(b *bytes.Buffer) error { return SubsysJSON(b, p23, host, topo, false) }},
		{"list-subsys-nvme0n1.txt", func(b *bytes.Buffer) error {
			return SubsysDeviceText(b, p23, host, topo, "/dev/nvme0n1", false)
		}},
	}
	for _, c := range cases {
		want, err := os.ReadFile(filepath.Join(root, "nvme-cli", c.file))
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		if got := render(t, c.fn); !bytes.Equal(got, want) {
			t.Errorf("%s differs from nvme-cli 2.3:\n%s", c.file, lineDiff(want, got))
		}
	}
}

func TestUnitFormatting(t *testing.T) {
	cases := []struct {
		d             Device
		usage, format string
	}{
		{Device{}, "  0.00   B /   0.00   B", "  0   B +  0 B"},
		{Device{UsedBytes: 999, PhysicalSize: 1000, SectorSize: 512}, "999.00   B /   1.00  kB", "512   B +  0 B"},
		{Device{UsedBytes: 1073741824, PhysicalSize: 1073741824, SectorSize: 4096, MetadataSize: 8}, "  1.07  GB /   1.07  GB", "  4 KiB +  8 B"},
		{Device{UsedBytes: 2000398934016, PhysicalSize: 1e15, SectorSize: 1536, MetadataSize: 128}, "  2.00  TB /   1.00  PB", "  2 KiB + 128 B"},
		{Device{PhysicalSize: 1<<64 - 1, SectorSize: 1 << 31}, "  0.00   B /  18.45  EB", "  2 GiB +  0 B"},
	}
	for _, c := range cases {
		if u := devUsage(c.d); u != c.usage {
			t.Errorf("usage(%+v) = %q, want %q", c.d, u, c.usage)
		}
		if f := devFormat(c.d); f != c.format {
			t.Errorf("format(%+v) = %q, want %q", c.d, f, c.format)
		}
	}
}

func TestSortDevicesKeepsUnknownLast(t *testing.T) {
	s := loadTree(t, "multihost")
	devs := append([]Device{{DevicePath: "/dev/nvme9n9"}, {DevicePath: "nvme8n8"}}, s.devs...)
	SortDevices(p23, s.host, s.topo, devs)
	var got []string
	for _, d := range devs {
		got = append(got, strconv.Quote(devName(d)))
	}
	want := `"nvme3n1" "nvme2n1" "nvme1n2" "nvme1n10" "nvme1n1" "nvme9n9" "nvme8n8"`
	if g := strings.Join(got, " "); g != want {
		t.Errorf("SortDevices order\n got %s\nwant %s", g, want)
	}
}

func TestTextEscapesControlCharacters(t *testing.T) {
	devs := []Device{{DevicePath: "/dev/nvme0n1", ModelNumber: "evil\x1b[2J", SerialNumber: "a\nb", SectorSize: 512}}
	out := render(t, func(b *bytes.Buffer) error { return ListText(b, p23, devs) })
	if bytes.ContainsAny(out, "\x1b") || bytes.Count(out, []byte("\n")) != 3 {
		t.Errorf("control characters reached the terminal:\n%q", out)
	}
	js := render(t, func(b *bytes.Buffer) error { return ListJSON(b, compat.New(compat.Default), devs) })
	if !bytes.Contains(js, []byte(`"ModelNumber":"evil\u001b[2J"`)) || !bytes.Contains(js, []byte(`"SerialNumber":"a\nb"`)) {
		t.Errorf("JSON escaping wrong:\n%s", js)
	}
}
