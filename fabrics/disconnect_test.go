package fabrics

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
)

// controllerTree builds a sysfs tree with a fabrics controller nvme3 (a
// class symlink into devices, as on a real kernel) and a PCIe controller
// nvme0 without delete_controller.
func controllerTree(t *testing.T) (root, deleteAttr string) {
	t.Helper()
	root = t.TempDir()
	dev := filepath.Join(root, "sys/devices/virtual/nvme-fabrics/ctl/nvme3")
	class := filepath.Join(root, "sys/class/nvme")
	for _, dir := range []string{dev, class, filepath.Join(class, "nvme0")} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	deleteAttr = filepath.Join(dev, "delete_controller")
	if err := os.WriteFile(deleteAttr, nil, 0o200); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../devices/virtual/nvme-fabrics/ctl/nvme3", filepath.Join(class, "nvme3")); err != nil {
		t.Fatal(err)
	}
	return root, deleteAttr
}

func TestDisconnect(t *testing.T) {
	root, attr := controllerTree(t)
	if err := Disconnect(hostfs.New(root), "nvme3"); err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
	got, err := os.ReadFile(attr)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "1" {
		t.Errorf("delete_controller got %q, want \"1\"", got)
	}
}

func TestDisconnectMissingController(t *testing.T) {
	root, _ := controllerTree(t)
	err := Disconnect(hostfs.New(root), "nvme7")
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Disconnect(nvme7) = %v, want os.ErrNotExist", err)
	}
	var ke *KernelError
	if !errors.As(err, &ke) || ke.Op != "disconnect" || ke.Target != "nvme7" {
		t.Errorf("Disconnect(nvme7) = %#v, want a disconnect *KernelError for nvme7", err)
	}
	if !strings.Contains(err.Error(), "nvme7") || !strings.Contains(err.Error(), "no such fabrics controller") {
		t.Errorf("message %q does not say which controller is missing", err)
	}
}

func TestDisconnectMissingControllerKernel61(t *testing.T) {
	readFixture(t, "README.md")
	if err := Disconnect(hostfs.New(kernelFixtures), "nvme9"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Disconnect(nvme9) on the 6.1 tree = %v, want os.ErrNotExist", err)
	}
}

func TestDisconnectPCIeController(t *testing.T) {
	root, _ := controllerTree(t)
	err := Disconnect(hostfs.New(root), "nvme0")
	if !errors.Is(err, ErrNotFabrics) || errors.Is(err, os.ErrNotExist) {
		t.Errorf("Disconnect(nvme0) = %v, want ErrNotFabrics and not ErrNotExist", err)
	}
}

func TestDisconnectWriteError(t *testing.T) {
	root, attr := controllerTree(t)
	if err := os.Remove(attr); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(attr, 0o755); err != nil {
		t.Fatal(err)
	}
	err := Disconnect(hostfs.New(root), "nvme3")
	want := filepath.Join(root, "sys/class/nvme/nvme3/delete_controller")
	var ke *KernelError
	if !errors.As(err, &ke) || ke.Errno != syscall.EISDIR || ke.Path != want {
		t.Errorf("Disconnect onto a directory = %v, want a *KernelError with EISDIR at %s", err, want)
	}
}

func TestDisconnectRefusesBadNames(t *testing.T) {
	root, attr := controllerTree(t)
	for _, name := range []string{"", "nvme", "nvme3n1", "../nvme3", "nvme3/", "nvme-subsys3", "NVME3", "nvme 3", "ng3n1", "nvme+3"} {
		err := Disconnect(hostfs.New(root), name)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Option != "device" {
			t.Errorf("Disconnect(%q) = %v, want a *ValidationError for device", name, err)
		}
	}
	if got, _ := os.ReadFile(attr); len(got) != 0 {
		t.Errorf("a refused name wrote %q to delete_controller", got)
	}
}
