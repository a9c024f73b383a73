package publicapi

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gonvme/gonvme/discovery"
	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/nqn"
	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/nvmftest"
	"github.com/gonvme/gonvme/topology"
)

// The whole life of a volume through the public API: discover, connect,
// topology, wait, disconnect, against the fake kernel.
func TestDiscoverConnectTopologyWaitDisconnect(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	disc := nvmftest.Port{Transport: "tcp", Traddr: "127.0.0.1", Trsvcid: "8009"}
	io := nvmftest.Port{Transport: "tcp", Traddr: "127.0.0.1", Trsvcid: "4420"}
	f.Serve(disc, io, nvmftest.Subsystem{NQN: "nvme-subsystem-name", Namespaces: []nvmftest.Namespace{
		{NSID: 10, Sectors: 2097152, UUID: "5f0b1a6e-3c9d-4c3e-9f0a-1b2c3d4e5f60"}}})
	var e *nvmf.Edge = f.Edge
	var fs hostfs.FS = f.FS
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	id, err := e.Identity("", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := nqn.Validate(id.HostNQN); err != nil {
		t.Fatal(err)
	}
	d, err := e.DiscoverContext(ctx, nvmf.Target{Options: fabrics.Options{Transport: "tcp", Traddr: "127.0.0.1", Trsvcid: "8009",
		HostNQN: id.HostNQN, HostID: id.HostID}}, nvmf.DiscoverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var entries []discovery.Entry = d.Log.Entries
	if len(entries) != 1 || entries[0].SubNQN != "nvme-subsystem-name" || entries[0].TrSvcID != "4420" {
		t.Fatalf("discovery log %+v", entries)
	}
	o, err := nvmf.EntryOptions(entries[0], fabrics.Options{HostNQN: id.HostNQN, HostID: id.HostID})
	if err != nil {
		t.Fatal(err)
	}
	hostile := entries[0]
	hostile.SubNQN = "toto,hostnqn=evil"
	if _, err := nvmf.EntryOptions(hostile, o); err == nil {
		t.Error("an entry that would change the option string was accepted")
	}
	c, err := e.ConnectContext(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.ConnectContext(ctx, o); !errors.Is(err, nvmf.ErrAlreadyConnected) {
		t.Errorf("second connect: %v", err)
	}
	var topo *topology.Topology
	if topo, err = e.Topology(ctx); err != nil {
		t.Fatal(err)
	}
	if got := topo.Controller(c.Name); got == nil || got.SubsysNQN != "nvme-subsystem-name" || got.Address.Traddr != "127.0.0.1" {
		t.Fatalf("topology has %+v", got)
	}
	ns, err := e.WaitNamespaces(ctx, "nvme-subsystem-name", nvmf.WaitOptions{NSID: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 1 || ns[0].NSID != 10 || fs.Path("/dev/"+ns[0].Name) == "" {
		t.Fatalf("namespaces %+v", ns)
	}
	ids, err := e.NamespaceIdentifiers(ns[0].Name)
	if err != nil || ids.UUID != "5f0b1a6e-3c9d-4c3e-9f0a-1b2c3d4e5f60" {
		t.Fatalf("identifiers %+v, %v", ids, err)
	}
	if err := e.Disconnect(ctx, c.Name); err != nil {
		t.Fatal(err)
	}
	if err := e.Disconnect(ctx, c.Name); !errors.Is(err, nvmf.ErrNoController) {
		t.Errorf("second disconnect: %v", err)
	}
	if left := f.Controllers(t); len(left) != 0 {
		t.Errorf("controllers left: %v", left)
	}
}
