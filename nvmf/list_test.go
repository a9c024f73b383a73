package nvmf_test

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/nvmftest"
	"github.com/gonvme/gonvme/nvmftest/kfixtures"
	"github.com/gonvme/gonvme/topology"
)

// nvmeCliDevice is one device of nvme-cli's 'list -o json'.
type nvmeCliDevice struct {
	NameSpace                                       uint32
	DevicePath, Firmware, ModelNumber, SerialNumber string
	UsedBytes, MaximumLBA, PhysicalSize             uint64
	SectorSize                                      uint32
}

func asNvmeCli(d topology.Device) nvmeCliDevice {
	return nvmeCliDevice{d.NameSpace, d.DevicePath, d.Firmware, d.ModelNumber, d.SerialNumber,
		d.UsedBytes, d.MaximumLBA, d.PhysicalSize, d.SectorSize}
}

// TestDevicesMatchNvmeCli compares the devices of list with what nvme-cli
// 2.3 listed on each captured kernel.
func TestDevicesMatchNvmeCli(t *testing.T) {
	kfixtures.Each(t, testDevicesMatchNvmeCli)
}

func testDevicesMatchNvmeCli(t *testing.T, k kfixtures.Kernel) {
	var doc struct{ Devices []nvmeCliDevice }
	if err := json.Unmarshal(k.ReadFile(t, "nvme-cli/list.json"), &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]nvmeCliDevice{}
	for _, d := range doc.Devices {
		want[d.DevicePath] = d
	}
	for _, view := range []topology.View{topology.Everything, topology.NamespacesView} {
		for _, noGeneric := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v generic=%v", view, !noGeneric), func(t *testing.T) {
				devicesMatchNvmeCli(t, k, view, noGeneric, want)
			})
		}
	}
}

func devicesMatchNvmeCli(t *testing.T, k kfixtures.Kernel, view topology.View, noGeneric bool, want map[string]nvmeCliDevice) {
	f := nvmftest.NewOn(t, nvmftest.Kernel61, k)
	f.Admin.IDNS = k.ReadFile(t, "identify/id-ns-nvme0n1.bin")
	f.Admin.NoGeneric = noGeneric
	topo, err := f.Edge.ScanView(view)
	if err != nil {
		t.Fatal(err)
	}
	names, err := f.Edge.NamespaceNames()
	if err != nil {
		t.Fatal(err)
	}
	ids := f.Edge.IdentifyNamespaces(names)
	devs := f.Edge.Devices(topo, ids)
	if len(devs) != len(want) {
		t.Fatalf("%d devices, nvme-cli listed %d", len(devs), len(want))
	}
	for _, d := range devs {
		if got := asNvmeCli(d); got != want[d.DevicePath] {
			t.Errorf("%s:\n got %+v\nwant %+v", d.DevicePath, got, want[d.DevicePath])
		}
		if d.GenericPath != "/dev/ng"+d.DevicePath[len("/dev/nvme"):] {
			t.Errorf("%s: GenericPath %s", d.DevicePath, d.GenericPath)
		}
	}
	// Identify goes through each namespace's generic device, else (older
	// kernels) its block device.
	opened := f.Admin.Opened()
	slices.Sort(opened)
	wantOpened := []string{"ng0n1", "ng0n2", "ng2n1", "ng2n2"}
	if noGeneric {
		wantOpened = []string{"ng0n1", "ng0n2", "ng2n1", "ng2n2", "nvme0n1", "nvme0n2", "nvme2n1", "nvme2n2"}
	}
	if !slices.Equal(opened, wantOpened) {
		t.Errorf("identify opened %v, want %v", opened, wantOpened)
	}
}

func TestDevicesWithoutIdentify(t *testing.T) {
	for _, tt := range []struct {
		name  string
		setup func(f *nvmftest.Fake) map[string]nvmf.Identity
	}{
		{"not identified", func(*nvmftest.Fake) map[string]nvmf.Identity { return nil }},
		{"identify fails", func(f *nvmftest.Fake) map[string]nvmf.Identity {
			// No IDNS: every Identify gets an NVMe error status.
			names, _ := f.Edge.NamespaceNames()
			return f.Edge.IdentifyNamespaces(names)
		}},
		{"devices cannot be opened", func(f *nvmftest.Fake) map[string]nvmf.Identity {
			f.Admin.IDNS = nvmftest.ReadFixture(t, "identify/id-ns-nvme0n1.bin")
			f.Admin.OpenErr = map[string]error{}
			for _, n := range []string{"ng0n1", "ng0n2", "ng2n1", "ng2n2"} {
				f.Admin.OpenErr[n] = &os.PathError{Op: "open", Path: n, Err: syscall.EACCES}
			}
			names, _ := f.Edge.NamespaceNames()
			return f.Edge.IdentifyNamespaces(names)
		}},
	} {
		for _, view := range []topology.View{topology.Everything, topology.NamespacesView} {
			t.Run(tt.name+" "+view.String(), func(t *testing.T) {
				f := nvmftest.New(t, nvmftest.Kernel61)
				ids := tt.setup(f)
				if len(ids) != 0 {
					t.Fatalf("identified %d namespaces, want none", len(ids))
				}
				topo, err := f.Edge.ScanView(view)
				if err != nil {
					t.Fatal(err)
				}
				devs := f.Edge.Devices(topo, ids)
				if len(devs) != 4 {
					t.Fatalf("%d devices, want 4", len(devs))
				}
				for _, d := range devs {
					// sysfs: nsid, size 131072 sectors of 512 bytes, no used figure.
					if d.NameSpace == 0 || d.PhysicalSize != 67108864 || d.MaximumLBA != 131072 || d.SectorSize != 512 || d.UsedBytes != 0 {
						t.Errorf("%s: %+v, want the sysfs figures", d.DevicePath, d)
					}
				}
			})
		}
	}
}
