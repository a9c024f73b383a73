package nvmf_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/nvmftest/kfixtures"
)

// A host root captured from a Linux 6.1 guest stands in for "/".
func fixtureEdge() *nvmf.Edge {
	return nvmf.NewEdge(hostfs.New(filepath.Join(kfixtures.Root(), "6.1")))
}

func ExampleEdge_Topology() {
	e := fixtureEdge()
	t, err := e.Topology(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range t.Subsystems {
		fmt.Println(s.Name, s.NQN, len(s.Controllers), "controllers", len(s.Namespaces), "namespaces")
	}
	// Output:
	// nvme-subsys0 nqn.2026-11.io.gonvme:test1 2 controllers 2 namespaces
	// nvme-subsys2 nqn.2026-11.io.gonvme:test2 2 controllers 2 namespaces
	// nvme-subsys4 nqn.2014-08.org.nvmexpress.discovery 1 controllers 0 namespaces
}

func ExampleEdge_NamespaceIdentifiers() {
	id, err := fixtureEdge().NamespaceIdentifiers("nvme0n1")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(id.NSID, id.UUID)
	for _, l := range id.ByID {
		fmt.Println("/dev/disk/by-id/" + l)
	}
	// Output:
	// 1 6f6e766d-0001-4000-8000-000000000001
	// /dev/disk/by-id/nvme-uuid.6f6e766d-0001-4000-8000-000000000001
	// /dev/disk/by-id/nvme-Linux_gonvme1
	// /dev/disk/by-id/nvme-Linux_gonvme1_1
}

// Attach a volume through a discovery controller, then detach it.
func ExampleEdge_Attach() {
	e := nvmf.NewEdge(hostfs.New("/"))
	ctx := context.Background()
	id, err := e.Identity("", "")
	if err != nil {
		fmt.Println(err)
		return
	}
	disc := fabrics.Options{Transport: "tcp", Traddr: "192.0.2.10", Trsvcid: "8009", HostNQN: id.HostNQN, HostID: id.HostID}
	a, err := e.Attach(ctx, nvmf.AttachOptions{
		NQN:      "nqn.2024-01.io.example:vol1",
		Targets:  []nvmf.Target{{Options: disc}},
		Template: nvmf.PodDefaults(fabrics.Options{HostNQN: id.HostNQN, HostID: id.HostID}),
	})
	switch {
	case errors.Is(err, nvmf.ErrNotOffered):
		fmt.Println("no such volume")
	case err != nil:
		fmt.Println(err)
	default:
		fmt.Println("/dev/" + a.Namespaces[0].Name)
		_, err = e.Detach(ctx, "nqn.2024-01.io.example:vol1")
		if errors.Is(err, nvmf.ErrInUse) {
			fmt.Println("still mounted:", err)
		}
	}
}
