package doctor

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/internal/rdma"
)

// answer is the kernel's captured QUERY_PORT answer of dev's port 1 in dir.
func answer(t *testing.T, dir, dev string) rdma.PortAttr {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(guest, "uverbs", dir, dev+"-port1.bin"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := rdma.ParseQueryPortResp(b)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func withMTU(devs []rdma.Device, a rdma.PortAttr, netdevMTU int) []rdma.Device {
	p := &devs[0].Ports[0]
	p.ActiveMTU, p.MaxMTU = a.ActiveMTU, a.MaxMTU
	if netdevMTU != 0 {
		p.Netdevs[0].MTU = netdevMTU
	}
	return devs
}

func TestMTUChecks(t *testing.T) {
	// rxe0 on veth0 at MTU 1500: active 1024, the largest that fits.
	c := byName(t, RDMAChecks(withMTU(guestDevs(t), answer(t, "", "rxe0"), 0), nil, true), "rxe0 port 1 mtu")
	if c.Status != OK || c.Evidence != "active MTU 1024 (max 4096); largest RoCE MTU: veth0's MTU 1500 fits 1024" {
		t.Errorf("healthy: %+v", c)
	}
	// veth0 at 9000, rxe0 followed to 4096.
	c = byName(t, RDMAChecks(withMTU(guestDevs(t), answer(t, "mtu9000", "rxe0"), 9000), nil, true), "rxe0 port 1 mtu")
	if c.Status != OK || !strings.HasPrefix(c.Evidence, "active MTU 4096 (max 4096)") {
		t.Errorf("9000 followed: %+v", c)
	}
	// A port left at 1024 under a 9000-byte interface.
	c = byName(t, RDMAChecks(withMTU(guestDevs(t), answer(t, "", "rxe0"), 9000), nil, true), "rxe0 port 1 mtu")
	if c.Status != Warn || !strings.Contains(c.Evidence, "active MTU 1024 (max 4096) is below the largest RoCE MTU the interface carries: veth0's MTU 9000 fits 4096") ||
		!strings.Contains(c.Fix, "ibv_devinfo -d rxe0") {
		t.Errorf("stuck at 1024: %+v", c)
	}
	// A device whose maximum is 1024 cannot do better: no warning.
	a := answer(t, "", "rxe0")
	a.MaxMTU = 1024
	if c := byName(t, RDMAChecks(withMTU(guestDevs(t), a, 9000), nil, true), "rxe0 port 1 mtu"); c.Status != OK {
		t.Errorf("max 1024: %+v", c)
	}
	// Unknown: skipped with the reason.
	devs := guestDevs(t)
	devs[0].Ports[0].MTUErr = errors.New("no uverbs device for rxe0")
	if c := byName(t, RDMAChecks(devs, nil, true), "rxe0 port 1 mtu"); c.Status != Skip || !strings.Contains(c.Evidence, "no uverbs device") {
		t.Errorf("unknown: %+v", c)
	}
}

// siw0 (captured): iWARP has no IB MTU to match, even under a larger
// interface MTU.
func TestMTUChecksSoftIWARP(t *testing.T) {
	devs, err := rdma.Read(hostfs.New(filepath.Join(guest, "siw")))
	if err != nil {
		t.Fatal(err)
	}
	siw := devs[1:]
	checks := RDMAChecks(withMTU(siw, answer(t, "", "siw0"), 9000), nil, true)
	if c := byName(t, checks, "siw0 port 1 mtu"); c.Status != OK || c.Evidence != "active MTU 1024 (max 1024); iWARP: TCP segments by the interface MTU" {
		t.Errorf("%+v", c)
	}
	if c := byName(t, checks, "siw0 port 1 netdev"); c.Status != OK || c.Evidence != "veth1 (up, MTU 9000)" {
		t.Errorf("%+v", c)
	}
}
