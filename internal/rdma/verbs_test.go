package rdma

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
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
