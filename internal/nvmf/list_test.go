package nvmf_test

import (
	"encoding/json"
	"testing"

	"github.com/gonvme/gonvme/internal/nvmf/nvmftest"
	"github.com/gonvme/gonvme/internal/render"
	"github.com/gonvme/gonvme/internal/sysfs"
)

// nvmeCliDevice is one device of nvme-cli's 'list -o json'.
type nvmeCliDevice struct {
	NameSpace                                       uint32
	DevicePath, Firmware, ModelNumber, SerialNumber string
	UsedBytes, MaximumLBA, PhysicalSize             uint64
	SectorSize                                      uint32
}

func asNvmeCli(d render.Device) nvmeCliDevice {
	return nvmeCliDevice{d.NameSpace, d.DevicePath, d.Firmware, d.ModelNumber, d.SerialNumber,
		d.UsedBytes, d.MaximumLBA, d.PhysicalSize, d.SectorSize}
}

func TestDevicesMatchNvmeCli(t *testing.T) {
	var doc struct{ Devices []nvmeCliDevice }
	if err := json.Unmarshal(nvmftest.ReadFixture(t, "nvme-cli/list.json"), &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]nvmeCliDevice{}
	for _, d := range doc.Devices {
		want[d.DevicePath] = d
	}
	for _, view := range []sysfs.View{sysfs.Everything, sysfs.NamespacesView} {
		t.Run(view.String(), func(t *testing.T) { devicesMatchNvmeCli(t, view, want) })
	}
}

func devicesMatchNvmeCli(t *testing.T, view sysfs.View, want map[string]nvmeCliDevice) {
	f := nvmftest.New(t, nvmftest.Kernel61)
	f.Admin.IDNS = nvmftest.ReadFixture(t, "identify/id-ns-nvme0n1.bin")
	topo, err := f.Edge.ScanView(view)
	if err != nil {
		t.Fatal(err)
	}
	devs := f.Edge.Devices(topo, true)
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
	// Identify goes through the first live controller of each subsystem.
	opened := map[string]int{}
	for _, n := range f.Admin.Opened() {
		opened[n]++
	}
	if len(opened) != 2 || opened["nvme0"] != 2 || opened["nvme2"] != 2 {
		t.Errorf("identify opened %v, want nvme0 and nvme2 twice each", opened)
	}
}

func TestDevicesWithoutIdentify(t *testing.T) {
	for _, tt := range []struct {
		name     string
		identify bool
		setup    func(f *nvmftest.Fake)
	}{
		{"identify off", false, func(*nvmftest.Fake) {}},
		{"identify fails", true, func(*nvmftest.Fake) {}}, // no IDNS: every Identify gets an NVMe error
	} {
		for _, view := range []sysfs.View{sysfs.Everything, sysfs.NamespacesView} {
			t.Run(tt.name+" "+view.String(), func(t *testing.T) {
				devicesWithoutIdentify(t, view, tt.identify, tt.setup)
			})
		}
	}
}

func devicesWithoutIdentify(t *testing.T, view sysfs.View, identify bool, setup func(*nvmftest.Fake)) {
	f := nvmftest.New(t, nvmftest.Kernel61)
	setup(f)
	topo, err := f.Edge.ScanView(view)
	if err != nil {
		t.Fatal(err)
	}
	devs := f.Edge.Devices(topo, identify)
	if len(devs) != 4 {
		t.Fatalf("%d devices, want 4", len(devs))
	}
	for _, d := range devs {
		// sysfs: size 131072 sectors of 512 bytes, no used figure.
		if d.PhysicalSize != 67108864 || d.MaximumLBA != 131072 || d.SectorSize != 512 || d.UsedBytes != 0 {
			t.Errorf("%s: %+v, want the sysfs figures", d.DevicePath, d)
		}
	}
	if !identify && len(f.Admin.Opened()) != 0 {
		t.Errorf("opened %q without identify", f.Admin.Opened())
	}
}
