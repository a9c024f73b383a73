package ioctl

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

func TestPassthruLayout(t *testing.T) {
	var c passthruCmd
	if got := unsafe.Sizeof(c); got != 72 {
		t.Errorf("sizeof(nvme_passthru_cmd) = %d, want 72", got)
	}
	offsets := []struct {
		field string
		got   uintptr
		want  uintptr
	}{
		{"opcode", unsafe.Offsetof(c.opcode), 0},
		{"flags", unsafe.Offsetof(c.flags), 1},
		{"rsvd1", unsafe.Offsetof(c.rsvd1), 2},
		{"nsid", unsafe.Offsetof(c.nsid), 4},
		{"cdw2", unsafe.Offsetof(c.cdw2), 8},
		{"cdw3", unsafe.Offsetof(c.cdw3), 12},
		{"metadata", unsafe.Offsetof(c.metadata), 16},
		{"addr", unsafe.Offsetof(c.addr), 24},
		{"metadata_len", unsafe.Offsetof(c.metadataLen), 32},
		{"data_len", unsafe.Offsetof(c.dataLen), 36},
		{"cdw10", unsafe.Offsetof(c.cdw10), 40},
		{"cdw11", unsafe.Offsetof(c.cdw11), 44},
		{"cdw12", unsafe.Offsetof(c.cdw12), 48},
		{"cdw13", unsafe.Offsetof(c.cdw13), 52},
		{"cdw14", unsafe.Offsetof(c.cdw14), 56},
		{"cdw15", unsafe.Offsetof(c.cdw15), 60},
		{"timeout_ms", unsafe.Offsetof(c.timeoutMS), 64},
		{"result", unsafe.Offsetof(c.result), 68},
	}
	for _, o := range offsets {
		if o.got != o.want {
			t.Errorf("offsetof(%s) = %d, want %d", o.field, o.got, o.want)
		}
	}
	if adminCmdRequest != 0xC0484E41 {
		t.Errorf("NVME_IOCTL_ADMIN_CMD = %#x, want 0xC0484E41", adminCmdRequest)
	}
	if idRequest != 0x4E40 {
		t.Errorf("NVME_IOCTL_ID = %#x, want 0x4E40", idRequest)
	}
}

func TestOpenMissingDevice(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "nvme9"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("error = %v, want one matching os.ErrNotExist", err)
	}
}

// A device that is not an NVMe controller rejects the ioctl: this drives
// the real system call path end to end.
func TestSubmitToNonNVMeDevice(t *testing.T) {
	d, err := Open("/dev/null")
	if err != nil {
		t.Skipf("no /dev/null to submit to: %v", err)
	}
	defer d.Close()
	_, err = d.Submit(Command{Opcode: OpcodeIdentify, CDW10: CNSNamespace}, make([]byte, IdentifySize))
	if !errors.Is(err, unix.ENOTTY) {
		t.Fatalf("Submit to /dev/null: error = %v, want ENOTTY", err)
	}
	if _, err := d.NamespaceID(); !errors.Is(err, unix.ENOTTY) {
		t.Fatalf("NamespaceID of /dev/null: error = %v, want ENOTTY", err)
	}
}
