package doctor

import (
	"errors"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/internal/rdma"
)

func TestRDMAChecks(t *testing.T) {
	checks := RDMAChecks(guestDevs(t), nil, true)
	for _, c := range checks {
		if c.Status != OK {
			t.Errorf("guest: %+v", c)
		}
	}
	if c := byName(t, checks, "rxe0 port 1 netdev"); c.Evidence != "veth0 (up, MTU 1500)" {
		t.Errorf("%+v", c)
	}
	if c := byName(t, checks, "rxe0 port 1"); c.Evidence != "state ACTIVE, physical state LinkUp, link layer Ethernet, node type CA" {
		t.Errorf("%+v", c)
	}
	if c := byName(t, RDMAChecks(nil, nil, true), "devices"); c.Status != Fail || !strings.Contains(c.Fix, "rdma link add") {
		t.Errorf("-t rdma without devices: %+v", c)
	}
	if c := byName(t, RDMAChecks(nil, nil, false), "devices"); c.Status != Skip {
		t.Errorf("no devices, no -t: %+v", c)
	}
	if c := byName(t, RDMAChecks(nil, errors.New("boom"), false), "devices"); c.Status != Fail {
		t.Errorf("read error: %+v", c)
	}
	down := []rdma.Device{{Name: "mlx5_5", NodeType: "CA", Ports: []rdma.Port{{Number: 1, State: "DOWN", PhysState: "Disabled", LinkLayer: "Ethernet",
		Netdevs: []rdma.Netdev{{Name: "p1p2", State: "down", MTU: 1500}}}}}}
	checks = RDMAChecks(down, nil, true)
	if c := byName(t, checks, "mlx5_5 port 1"); c.Status != Warn {
		t.Errorf("%+v", c)
	}
	if c := byName(t, checks, "mlx5_5 port 1 netdev p1p2"); c.Status != Warn || c.Fix != "ip link set p1p2 up" {
		t.Errorf("%+v", c)
	}
	if c := byName(t, checks, "mlx5_5 port 1 gids"); c.Status != Warn {
		t.Errorf("%+v", c)
	}
}
