package nvmetsys

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
)

func TestModule(t *testing.T) {
	for tr, want := range map[string]string{"rdma": "nvmet-rdma", "tcp": "nvmet-tcp", "loop": "nvme-loop", "fc": "nvmet-fc", "ib": ""} {
		if got := Module(tr); got != want {
			t.Errorf("Module(%q) = %q, want %q", tr, got, want)
		}
	}
}

// Under a test root Prepare only makes the configfs directory: it neither
// mounts nor loads modules.
func TestPrepareUnderRoot(t *testing.T) {
	root := t.TempDir()
	if err := Prepare(hostfs.New(root), "rdma"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(root, ConfigfsDir)); err != nil || !fi.IsDir() {
		t.Fatalf("configfs directory: %v", err)
	}
}

func TestCheckDevice(t *testing.T) {
	root := t.TempDir()
	fs := hostfs.New(root)
	_ = os.MkdirAll(filepath.Join(root, "dev", "dir"), 0o755)
	_ = os.WriteFile(filepath.Join(root, "dev", "file"), nil, 0o644)
	if err := CheckDevice(fs, "/dev/file"); err != nil {
		t.Errorf("regular file: %v", err)
	}
	if err := CheckDevice(fs, "/dev/none"); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "/dev/none does not exist") {
		t.Errorf("missing: %v", err)
	}
	if err := CheckDevice(fs, "/dev/dir"); err == nil || !strings.Contains(err.Error(), "neither a block device nor a regular file") {
		t.Errorf("directory: %v", err)
	}
}
