package uevent_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/internal/uevent"
)

// msg builds a message in the kernel's wire format.
func msg(head string, env ...string) []byte {
	return []byte(head + "\x00" + strings.Join(env, "\x00") + "\x00")
}

// aen is the discovery log change AEN on a fabrics controller, as
// kobject_uevent_env sends it (nvme_aen_uevent's variable, then the
// class's and the device's).
var aen = msg("change@/devices/virtual/nvme-fabrics/ctl/nvme0",
	"ACTION=change", "DEVPATH=/devices/virtual/nvme-fabrics/ctl/nvme0", "SUBSYSTEM=nvme",
	"NVME_AEN=0x70f002", "NVME_TRTYPE=tcp", "NVME_TRADDR=127.0.0.1", "NVME_TRSVCID=8009",
	"NVME_HOST_TRADDR=none", "NVME_HOST_IFACE=none", "MAJOR=240", "MINOR=0", "DEVNAME=nvme0", "SEQNUM=4711")

func TestParseAEN(t *testing.T) {
	u, err := uevent.Parse(aen)
	if err != nil {
		t.Fatal(err)
	}
	if u.Action != "change" || u.DevPath != "/devices/virtual/nvme-fabrics/ctl/nvme0" || u.Subsystem() != "nvme" ||
		u.Device() != "nvme0" || u.Env["NVME_AEN"] != "0x70f002" || u.Env["NVME_TRADDR"] != "127.0.0.1" {
		t.Errorf("Parse = %+v", u)
	}
}

func TestDeviceFallsBackToTheDevicePath(t *testing.T) {
	u, err := uevent.Parse(msg("remove@/devices/virtual/nvme-fabrics/ctl/nvme3", "ACTION=remove", "SUBSYSTEM=nvme"))
	if err != nil || u.Device() != "nvme3" || u.Action != "remove" {
		t.Errorf("Parse = %+v, %v; want remove of nvme3", u, err)
	}
}

func TestParseRefusesWhatIsNotAKernelUevent(t *testing.T) {
	for _, m := range [][]byte{
		[]byte("libudev\x00\xfe\xed\xca\xfe\x28\x00\x00\x00"),
		msg("change", "ACTION=change"),
		msg("change@nvme0", "ACTION=change"),
		msg("change@/devices/x", "ACTION"),
		msg("change@/devices/x", "=x"),
		msg("change@/devices/x", "ACTION=add"),
		{},
	} {
		if u, err := uevent.Parse(m); !errors.Is(err, uevent.ErrNotKernel) {
			t.Errorf("Parse(%q) = %+v, %v; want ErrNotKernel", m, u, err)
		}
	}
}

// A value may itself hold '=' (the first one splits).
func TestParseKeepsEqualsInValues(t *testing.T) {
	u, err := uevent.Parse(msg("change@/devices/x", "ACTION=change", "NVME_TRADDR=nn-0x1:pn-0x2=x"))
	if err != nil || u.Env["NVME_TRADDR"] != "nn-0x1:pn-0x2=x" {
		t.Errorf("Parse = %+v, %v", u, err)
	}
}
