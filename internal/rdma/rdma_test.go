package rdma

import (
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
)

// The 6.1 guest's sysfs: soft-RoCE rxe0 on veth0 (169.254.99.1/16),
// captured by internal/vmtest/capture-rdma.sh.
const guest = "../../testdata/kernel/6.1/rdma"

func TestReadGuest(t *testing.T) {
	devs, err := Read(hostfs.New(guest))
	if err != nil {
		t.Fatal(err)
	}
	want := []Device{{Name: "rxe0", NodeType: "CA", Ports: []Port{{
		Number: 1, State: "ACTIVE", PhysState: "LinkUp", LinkLayer: "Ethernet",
		Netdevs: []Netdev{{Name: "veth0", State: "up", MTU: 1500}},
		GIDs: []GID{
			{Device: "rxe0", Port: 1, Index: 0, GID: gid0(t), Type: "v2", Netdev: "veth0"},
			{Device: "rxe0", Port: 1, Index: 1, GID: "0000:0000:0000:0000:0000:ffff:a9fe:6301", IPv4: netip.MustParseAddr("169.254.99.1"), Type: "v2", Netdev: "veth0"},
		},
	}}}}
	if !reflect.DeepEqual(devs, want) {
		t.Errorf("Read =\n%+v\nwant\n%+v", devs, want)
	}
	if got := OnNetdev(devs, "veth0"); !reflect.DeepEqual(got, []string{"rxe0/1"}) {
		t.Errorf("OnNetdev(veth0) = %v", got)
	}
	if got := OnNetdev(devs, "veth1"); len(got) != 0 {
		t.Errorf("OnNetdev(veth1) = %v", got)
	}
	if g := GIDs(devs); len(g) != 2 || g[1].Addr() != netip.MustParseAddr("169.254.99.1") {
		t.Errorf("GIDs = %+v", g)
	}
}

// gid0 is the link-local GID of the captured veth0 (its MAC varies per
// capture).
func gid0(t *testing.T) string {
	b, err := os.ReadFile(filepath.Join(guest, "sys/devices/virtual/infiniband/rxe0/ports/1/gids/0"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b[:len(b)-1])
}

func TestReadNoDevices(t *testing.T) {
	devs, err := Read(hostfs.New(t.TempDir()))
	if err != nil || devs != nil {
		t.Errorf("Read of a host without %s = %v, %v", ClassDir, devs, err)
	}
}

// write builds a sysfs tree under root from path=value pairs.
func write(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, v := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(v+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// A ConnectX port as seed 000's show_gids printed it (mlx5_4 on p1p1, v1
// and v2 GIDs of one address), found through the PCI device link when its
// GID table is empty.
func TestReadVendorLayout(t *testing.T) {
	root := t.TempDir()
	const p = "sys/class/infiniband/mlx5_4/ports/1/"
	write(t, root, map[string]string{
		"sys/class/infiniband/mlx5_4/node_type": "1: CA",
		p + "state":                             "4: ACTIVE", p + "phys_state": "5: LinkUp", p + "link_layer": "Ethernet",
		p + "gids/0": "fe80:0000:0000:0000:ee0d:9aff:fe2f:c21a", p + "gid_attrs/types/0": "IB/RoCE v1", p + "gid_attrs/ndevs/0": "p1p1",
		p + "gids/1": "fe80:0000:0000:0000:ee0d:9aff:fe2f:c21a", p + "gid_attrs/types/1": "RoCE v2", p + "gid_attrs/ndevs/1": "p1p1",
		p + "gids/2": "0000:0000:0000:0000:0000:ffff:c0a8:0101", p + "gid_attrs/types/2": "IB/RoCE v1", p + "gid_attrs/ndevs/2": "p1p1",
		p + "gids/3": "0000:0000:0000:0000:0000:ffff:c0a8:0101", p + "gid_attrs/types/3": "RoCE v2", p + "gid_attrs/ndevs/3": "p1p1",
		p + "gids/4":                   "0000:0000:0000:0000:0000:0000:0000:0000",
		p + "gids/10":                  "fe80:0000:0000:0000:0000:0000:0000:0000",
		"sys/class/net/p1p1/operstate": "down", "sys/class/net/p1p1/mtu": "9000",
		"sys/class/infiniband/mlx5_5/node_type":     "1: CA",
		"sys/class/infiniband/mlx5_5/ports/1/state": "1: DOWN", "sys/class/infiniband/mlx5_5/ports/1/phys_state": "3: Disabled",
		"sys/class/infiniband/mlx5_5/ports/1/link_layer": "Ethernet",
		"sys/class/net/p1p2/operstate":                   "down", "sys/class/net/p1p2/mtu": "1500",
		"sys/class/net/p1p2/device/infiniband/mlx5_5/node_type": "1: CA",
	})
	devs, err := Read(hostfs.New(root))
	if err != nil {
		t.Fatal(err)
	}
	if len(devs) != 2 || devs[0].Name != "mlx5_4" || devs[1].Name != "mlx5_5" {
		t.Fatalf("devices %+v", devs)
	}
	g := devs[0].Ports[0].GIDs
	if len(g) != 4 || g[0].Type != "v1" || g[1].Type != "v2" || g[2].IPv4 != netip.MustParseAddr("192.168.1.1") || g[3].Index != 3 {
		t.Errorf("GIDs %+v", g)
	}
	if n := devs[0].Ports[0].Netdevs; len(n) != 1 || n[0] != (Netdev{Name: "p1p1", State: "down", MTU: 9000}) || n[0].Up() {
		t.Errorf("netdevs %+v", n)
	}
	p5 := devs[1].Ports[0]
	if p5.State != "DOWN" || p5.PhysState != "Disabled" || len(p5.GIDs) != 0 || len(p5.Netdevs) != 1 || p5.Netdevs[0].Name != "p1p2" {
		t.Errorf("mlx5_5 port %+v", p5)
	}
}
