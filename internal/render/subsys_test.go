package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/topology"
)

func TestSubsysGolden(t *testing.T) {
	for _, name := range []string{"multihost", "nomultipath", "empty"} {
		t.Run(name, func(t *testing.T) {
			s := loadTree(t, name)
			golden(t, "subsys-"+name+".txt", render(t, func(b *bytes.Buffer) error { return SubsysText(b, p23, s.host, s.topo, false) }))
			golden(t, "subsys-"+name+".json", render(t, func(b *bytes.Buffer) error { return SubsysJSON(b, p23, s.host, s.topo, false) }))
		})
	}
}

func TestSubsysDeviceGolden(t *testing.T) {
	s := loadTree(t, "multihost")
	for _, dev := range []string{"nvme1n1", "nvme2n1", "nvme0n1", "nvme1n7"} {
		golden(t, "subsys-multihost-"+dev+".txt", render(t, func(b *bytes.Buffer) error {
			return SubsysDeviceText(b, p23, s.host, s.topo, "/dev/"+dev, false)
		}))
		golden(t, "subsys-multihost-"+dev+".json", render(t, func(b *bytes.Buffer) error {
			return SubsysDeviceJSON(b, p23, s.host, s.topo, dev, false)
		}))
	}
}

func TestSubsysDeviceInvalid(t *testing.T) {
	for _, dev := range []string{"", "nvme0", "/dev/sda", "nvme0c0n1"} {
		var b bytes.Buffer
		err := SubsysDeviceText(&b, p23, HostIdent{}, &topology.Topology{}, dev, false)
		if err == nil || !strings.Contains(err.Error(), "nvme0n1") || b.Len() != 0 {
			t.Errorf("SubsysDeviceText(%q) = %v, output %q; want an error suggesting nvme0n1 and no output", dev, err, b.String())
		}
		if err := SubsysDeviceJSON(&b, p23, HostIdent{}, &topology.Topology{}, dev, false); err == nil {
			t.Errorf("SubsysDeviceJSON(%q): no error", dev)
		}
	}
}

func TestSubsysControllerWithoutHostNQN(t *testing.T) {
	// A kernel without the hostnqn attribute: controllers go to the
	// default host, which JSON prints without HostID when it has none.
	topo := &topology.Topology{
		Controllers: []*topology.Controller{{Name: "nvme0", Transport: "rdma", RawAddress: "traddr=1.2.3.4,trsvcid=4420",
			SubsysNQN: "nqn.2023-01.io.example:s", State: "live", Subsystem: "nvme-subsys0"}},
		Subsystems: []*topology.Subsystem{{Name: "nvme-subsys0", NQN: "nqn.2023-01.io.example:s", Controllers: []string{"nvme0"}}},
	}
	var b bytes.Buffer
	if err := SubsysJSON(&b, p23, HostIdent{HostNQN: "nqn.2014-08.org.nvmexpress:uuid:1"}, topo, false); err != nil {
		t.Fatal(err)
	}
	want := `[
  {
    "HostNQN":"nqn.2014-08.org.nvmexpress:uuid:1",
    "Subsystems":[
      {
        "Name":"nvme-subsys0",
        "NQN":"nqn.2023-01.io.example:s",
        "Paths":[
          {
            "Name":"nvme0",
            "Transport":"rdma",
            "Address":"traddr=1.2.3.4,trsvcid=4420",
            "State":"live"
          }
        ]
      }
    ]
  }
]
`
	if b.String() != want {
		t.Errorf("SubsysJSON:\n%s", lineDiff([]byte(want), b.Bytes()))
	}
}
