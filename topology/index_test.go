package topology

import "testing"

func TestIndexLookup(t *testing.T) {
	c := func(name, transport, address, nqn, state, cntrltype string) *Controller {
		return &Controller{Name: name, Transport: transport, RawAddress: address,
			Address: ParseAddress(address), SubsysNQN: nqn, State: state, CntrlType: cntrltype}
	}
	topo := &Topology{
		Controllers: []*Controller{
			c("nvme0", "rdma", "traddr=169.254.99.1,trsvcid=4420", discNQN, "live", "discovery"),
			c("nvme1", "rdma", "traddr=169.254.99.1,trsvcid=4420", subNQN, "live", "io"),
			c("nvme2", "rdma", "traddr=169.254.99.2,trsvcid=4420,host_traddr=169.254.99.9", subNQN, "deleting", "io"),
			c("nvme3", "tcp", "traddr=fe80::1%eth0,trsvcid=4420,src_addr=fe80::2%eth0", subNQN, "live", "io"),
			c("nvme4", "tcp", "traddr=10.0.0.1,trsvcid=4420,host_iface=eth1", subNQN, "connecting", "io"),
			c("nvme5", "rdma", "traddr=169.254.98.1,trsvcid=4420", "nqn.2023-01.io.example:unique-dc", "live", "discovery"),
			c("nvme6", "fc", "traddr=nn-0x20000090fa942779:pn-0x10000090fa942779,host_traddr=nn-0x1:pn-0x2", subNQN, "live", "io"),
			c("nvme7", "tcp", "traddr=10.0.0.7,trsvcid=4420", subNQN, "dead", "io"),
			c("nvme8", "rdma", "traddr=169.254.97.1,trsvcid=4420", "nqn.2023-01.io.example:sub8", "live", "io"),
		},
		Subsystems: []*Subsystem{{Name: "nvme-subsys8", Type: "discovery", Controllers: []string{"nvme8"}}},
	}
	topo.Controllers[8].Subsystem = "nvme-subsys8"
	ix := NewIndex(topo)
	cases := []struct {
		name string
		k    PathKey
		want string
	}{
		{"exact rdma", PathKey{"rdma", "169.254.99.1", "4420", "", "", subNQN}, "nvme1"},
		{"empty nqn matches first", PathKey{"rdma", "169.254.99.1", "4420", "", "", ""}, "nvme0"},
		{"other nqn", PathKey{"rdma", "169.254.99.1", "4420", "", "", "nqn.2023-01.io.example:other"}, ""},
		{"other port", PathKey{"rdma", "169.254.99.1", "4421", "", "", subNQN}, ""},
		{"other transport", PathKey{"tcp", "169.254.99.1", "4420", "", "", subNQN}, ""},
		{"rdma empty port is a wildcard", PathKey{"rdma", "169.254.99.1", "", "", "", subNQN}, "nvme1"},
		{"rdma host_traddr only one side", PathKey{"rdma", "169.254.99.1", "4420", "169.254.99.5", "", subNQN}, "nvme1"},
		{"deleting controller ignored", PathKey{"rdma", "169.254.99.2", "4420", "169.254.99.9", "", subNQN}, ""},
		{"ipv4-mapped ipv6", PathKey{"rdma", "::ffff:169.254.99.1", "4420", "", "", subNQN}, "nvme1"},
		{"well-known discovery nqn", PathKey{"rdma", "169.254.99.1", "4420", "", "", discNQN}, "nvme0"},
		{"well-known nqn finds unique discovery nqn", PathKey{"rdma", "169.254.98.1", "4420", "", "", discNQN}, "nvme5"},
		{"well-known nqn finds discovery subsystem type", PathKey{"rdma", "169.254.97.1", "4420", "", "", discNQN}, "nvme8"},
		{"unique discovery nqn exact", PathKey{"rdma", "169.254.98.1", "4420", "", "", "nqn.2023-01.io.example:unique-dc"}, "nvme5"},
		{"tcp ipv6 canonical, zone ignored", PathKey{"tcp", "FE80:0:0::1", "4420", "", "", subNQN}, "nvme3"},
		{"tcp host_traddr vs src_addr", PathKey{"tcp", "fe80::1", "4420", "fe80::2", "", subNQN}, "nvme3"},
		{"tcp host_traddr differs from src_addr", PathKey{"tcp", "fe80::1", "4420", "fe80::3", "", subNQN}, ""},
		{"tcp port mandatory", PathKey{"tcp", "fe80::1", "", "", "", subNQN}, ""},
		{"tcp host_iface equal", PathKey{"tcp", "10.0.0.1", "4420", "", "eth1", subNQN}, "nvme4"},
		{"tcp host_iface differs", PathKey{"tcp", "10.0.0.1", "4420", "", "eth0", subNQN}, ""},
		{"tcp host_iface none", PathKey{"tcp", "10.0.0.1", "4420", "", "none", subNQN}, "nvme4"},
		{"tcp host_traddr unknown locally is optimistic", PathKey{"tcp", "10.0.0.1", "4420", "10.0.0.2", "", subNQN}, "nvme4"},
		{"tcp dead controller ignored", PathKey{"tcp", "10.0.0.7", "4420", "", "", subNQN}, ""},
		{"fc case-insensitive", PathKey{"fc", "NN-0x20000090FA942779:PN-0x10000090FA942779", "", "nn-0x1:pn-0x2", "", subNQN}, "nvme6"},
		{"fc host_traddr differs", PathKey{"fc", "nn-0x20000090fa942779:pn-0x10000090fa942779", "", "nn-0x1:pn-0x3", "", subNQN}, ""},
	}
	for _, tc := range cases {
		got := ix.Lookup(tc.k)
		name := ""
		if got != nil {
			name = got.Name
		}
		if name != tc.want {
			t.Errorf("%s: Lookup(%+v) = %q, want %q", tc.name, tc.k, name, tc.want)
		}
	}
}

func TestIndexEmpty(t *testing.T) {
	if c := NewIndex(&Topology{}).Lookup(PathKey{Transport: "rdma", Traddr: "1.2.3.4"}); c != nil {
		t.Fatalf("Lookup on an empty topology = %v", c)
	}
}
