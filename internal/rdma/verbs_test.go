package rdma

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
)

const uverbs = guest + "/uverbs"

// ibvMTUs reads max_mtu and active_mtu from ibv_devinfo's output captured
// beside each answer, the reference.
func ibvMTUs(t *testing.T, file string) (maxMTU, active int) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	get := func(key string) int {
		m := regexp.MustCompile(key + `:\s+(\d+) \(`).FindSubmatch(b)
		if m == nil {
			t.Fatalf("no %s in %s", key, file)
		}
		n, _ := strconv.Atoi(string(m[1]))
		return n
	}
	return get("max_mtu"), get("active_mtu")
}

func TestParseQueryPortGuest(t *testing.T) {
	for _, c := range []struct {
		dir, dev  string
		active    int
		linkLayer int
	}{
		{uverbs, "rxe0", 1024, 2},              // veth0 at MTU 1500
		{uverbs + "/mtu9000", "rxe0", 4096, 2}, // rxe follows the new MTU
		{uverbs, "siw0", 1024, 2},
	} {
		b, err := os.ReadFile(filepath.Join(c.dir, c.dev+"-port1.bin"))
		if err != nil {
			t.Fatal(err)
		}
		a, err := ParseQueryPortResp(b)
		if err != nil {
			t.Fatalf("%s/%s: %v", c.dir, c.dev, err)
		}
		maxMTU, active := ibvMTUs(t, filepath.Join(c.dir, "ibv_devinfo-"+c.dev+".txt"))
		if a.ActiveMTU != active || a.MaxMTU != maxMTU || a.ActiveMTU != c.active || a.State != 4 || a.PhysState != 5 || a.LinkLayer != c.linkLayer {
			t.Errorf("%s/%s: %+v; ibv_devinfo says max_mtu %d active_mtu %d", c.dir, c.dev, a, maxMTU, active)
		}
		if _, err := ParseQueryPortResp(b[:QueryPortRespLen-1]); err == nil {
			t.Errorf("a short answer parsed")
		}
	}
}

func TestEncode(t *testing.T) {
	b := make([]byte, 64)
	if n := encodeGetContext(b, 0x1122334455667788); n != 16 || fmt.Sprintf("% x", b[:n]) != "00 00 00 00 04 00 42 00 88 77 66 55 44 33 22 11" {
		t.Errorf("GET_CONTEXT % x", b[:n])
	}
	for i := range b {
		b[i] = 0xff
	}
	if n := encodeQueryPort(b, 0x1000, 3); n != 24 || fmt.Sprintf("% x", b[:n]) != "02 00 00 00 06 00 0a 00 00 10 00 00 00 00 00 00 03 00 00 00 00 00 00 00" {
		t.Errorf("QUERY_PORT % x", b[:n])
	}
}

func TestRoCEMTU(t *testing.T) {
	for netdev, want := range map[int]int{1500: 1024, 9000: 4096, 4200: 4096, 4191: 2048, 1100: 512, 1120: 1024, 352: 256, 351: 0, 68: 0} {
		if got := RoCEMTU(netdev); got != want {
			t.Errorf("RoCEMTU(%d) = %d, want %d", netdev, got, want)
		}
	}
	for e, want := range map[uint8]int{0: 0, 1: 256, 3: 1024, 5: 4096, 6: 0} {
		if got := MTUBytes(e); got != want {
			t.Errorf("MTUBytes(%d) = %d", e, got)
		}
	}
}

// fixtureQuerier serves the captured answers for the uverbs device a
// captured sysfs names, and refuses any other path as the kernel would.
func fixtureQuerier(root hostfs.FS, dir string) PortQuerier {
	return func(path string, ports []int) (map[int]PortAttr, error) {
		ents, _ := root.ReadDir(VerbsClassDir)
		for _, e := range ents {
			if root.Path(VerbsDevDir+"/"+e.Name()) != path {
				continue
			}
			dev, _ := root.ReadAttr(VerbsClassDir + "/" + e.Name() + "/ibdev")
			out := map[int]PortAttr{}
			for _, p := range ports {
				b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%s-port%d.bin", dev, p)))
				if err != nil {
					return nil, err
				}
				if out[p], err = ParseQueryPortResp(b); err != nil {
					return nil, err
				}
			}
			return out, nil
		}
		return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
	}
}

func TestReadMTUsGuest(t *testing.T) {
	root := hostfs.New(guest)
	devs, err := Read(root)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := VerbsDevice(root, "rxe0"); p != "/dev/infiniband/uverbs0" || err != nil {
		t.Errorf("VerbsDevice = %q, %v", p, err)
	}
	ReadMTUs(root, devs, fixtureQuerier(root, uverbs))
	if p := devs[0].Ports[0]; p.ActiveMTU != 1024 || p.MaxMTU != 4096 || p.MTUErr != nil {
		t.Errorf("rxe0 port 1: %+v", p)
	}
	// Without ib_uverbs there is no infiniband_verbs class.
	bare := hostfs.New(t.TempDir())
	ReadMTUs(bare, devs, fixtureQuerier(bare, uverbs))
	if p := devs[0].Ports[0]; !errors.Is(p.MTUErr, ErrNoVerbsDevice) {
		t.Errorf("without uverbs: %+v", p)
	}
}

// soft-iWARP siw0 on veth1 beside rxe0, captured on 6.1 with siw.ko built
// by internal/vmtest/siw.sh: no GID netdevs, its GID opens with veth1's MAC.
func TestReadSoftIWARPGuest(t *testing.T) {
	root := hostfs.New(guest + "/siw")
	devs, err := Read(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(devs) != 2 || devs[1].Name != "siw0" {
		t.Fatalf("devices %+v", devs)
	}
	siw := devs[1]
	p := siw.Ports[0]
	if siw.NodeType != "RNIC" || p.LinkLayer != "Ethernet" || p.State != "ACTIVE" || len(p.Netdevs) != 1 || p.Netdevs[0].Name != "veth1" || p.Netdevs[0].MTU != 1500 {
		t.Errorf("siw0 %+v", siw)
	}
	if len(p.GIDs) != 1 || p.GIDs[0].Netdev != "" || p.GIDs[0].IPv4.IsValid() {
		t.Errorf("siw0 GIDs %+v", p.GIDs)
	}
	if got := OnNetdev(devs, "veth1"); len(got) != 1 || got[0] != "siw0/1" {
		t.Errorf("OnNetdev(veth1) = %v", got)
	}
	ReadMTUs(root, devs, fixtureQuerier(root, uverbs))
	if p := devs[1].Ports[0]; p.ActiveMTU != 1024 || p.MaxMTU != 1024 {
		t.Errorf("siw0 MTU %+v", p)
	}
}
