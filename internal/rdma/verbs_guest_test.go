package rdma_test

import (
	"errors"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/internal/rdma"
	"github.com/gonvme/gonvme/internal/rdma/rdmatest"
)

const (
	guest  = "../../testdata/kernel/6.1/rdma"
	uverbs = guest + "/uverbs"
)

func TestReadMTUsGuest(t *testing.T) {
	root := hostfs.New(guest)
	devs, err := rdma.Read(root)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := rdma.VerbsDevice(root, "rxe0"); p != "/dev/infiniband/uverbs0" || err != nil {
		t.Errorf("VerbsDevice = %q, %v", p, err)
	}
	rdma.ReadMTUs(root, devs, rdmatest.Querier(root, uverbs))
	if p := devs[0].Ports[0]; p.ActiveMTU != 1024 || p.MaxMTU != 4096 || p.MTUErr != nil {
		t.Errorf("rxe0 port 1: %+v", p)
	}
	// Without ib_uverbs there is no infiniband_verbs class.
	bare := hostfs.New(t.TempDir())
	rdma.ReadMTUs(bare, devs, rdmatest.Querier(bare, uverbs))
	if p := devs[0].Ports[0]; !errors.Is(p.MTUErr, rdma.ErrNoVerbsDevice) {
		t.Errorf("without uverbs: %+v", p)
	}
}

// soft-iWARP siw0 on veth1 beside rxe0, captured on 6.1 with siw.ko built
// by internal/vmtest/siw.sh: no GID netdevs, its GID opens with veth1's MAC.
func TestReadSoftIWARPGuest(t *testing.T) {
	root := hostfs.New(guest + "/siw")
	devs, err := rdma.Read(root)
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
	if got := rdma.OnNetdev(devs, "veth1"); len(got) != 1 || got[0] != "siw0/1" {
		t.Errorf("rdma.OnNetdev(veth1) = %v", got)
	}
	rdma.ReadMTUs(root, devs, rdmatest.Querier(root, uverbs))
	if p := devs[1].Ports[0]; p.ActiveMTU != 1024 || p.MaxMTU != 1024 {
		t.Errorf("siw0 MTU %+v", p)
	}
}
