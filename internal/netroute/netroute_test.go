package netroute

import (
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/gonvme/gonvme/internal/hostfs"
)

// Two NICs on one subnet, the trap of seed document 003: eth0 wins on
// metric, and only ens2 has an RDMA device.
const routeTable = `Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
eth0	00000000	0101A8C0	0003	0	0	100	00000000	0	0	0
eth0	0001A8C0	00000000	0001	0	0	100	00FFFFFF	0	0	0
ens2	0001A8C0	00000000	0001	0	0	101	00FFFFFF	0	0	0
veth0	0000FEA9	00000000	0001	0	0	0	0000FFFF	0	0	0
down0	0000000A	00000000	0000	0	0	0	000000FF	0	0	0
`

func TestLookup(t *testing.T) {
	routes, err := ParseRoutes(routeTable)
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) != 4 {
		t.Fatalf("got %d routes, want 4 (the down one dropped)", len(routes))
	}
	for addr, want := range map[string]string{
		"192.168.1.51": "eth0",
		"169.254.99.1": "veth0",
		"8.8.8.8":      "eth0",
	} {
		r, ok := Lookup(routes, netip.MustParseAddr(addr))
		if !ok || r.Iface != want {
			t.Errorf("Lookup(%s) = %v %v, want %s", addr, r, ok, want)
		}
	}
	if _, ok := Lookup(routes[1:], netip.MustParseAddr("10.0.0.1")); ok {
		t.Error("Lookup found a route through a down interface")
	}
}

func TestParseRoutesErrors(t *testing.T) {
	for _, s := range []string{"", "garbage", "Iface x\neth0 zz 0 1 0 0 0 00FFFFFF"} {
		if _, err := ParseRoutes(s); err == nil {
			t.Errorf("ParseRoutes(%q) succeeded", s)
		}
	}
}

func TestInterfaceAndRDMADevices(t *testing.T) {
	root := t.TempDir()
	write := func(p, v string) {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("proc/net/route", routeTable)
	write("sys/class/infiniband/rxe0/ports/1/gid_attrs/ndevs/0", "veth0\n")
	write("sys/class/infiniband/rxe0/ports/1/gid_attrs/ndevs/1", "veth0\n")
	write("sys/class/infiniband/mlx5_0/ports/1/gid_attrs/ndevs/0", "ens2\n")
	fs := hostfs.New(root)
	iface, err := InterfaceFor(fs, "192.168.1.51")
	if err != nil || iface != "eth0" {
		t.Fatalf("InterfaceFor = %q, %v", iface, err)
	}
	if got := RDMADevices(fs, "eth0"); len(got) != 0 {
		t.Errorf("RDMADevices(eth0) = %v, want none", got)
	}
	if got := RDMADevices(fs, "veth0"); !reflect.DeepEqual(got, []string{"rxe0/1"}) {
		t.Errorf("RDMADevices(veth0) = %v", got)
	}
	if _, err := InterfaceFor(fs, "fe80::1"); err == nil {
		t.Error("IPv6 lookup should say it is not covered")
	}
}

func FuzzParseRoutes(f *testing.F) {
	f.Add(routeTable)
	f.Fuzz(func(t *testing.T, s string) {
		routes, err := ParseRoutes(s)
		if err != nil {
			return
		}
		for _, r := range routes {
			if !r.Dest.IsValid() {
				t.Fatalf("invalid prefix from %q", s)
			}
		}
	})
}
