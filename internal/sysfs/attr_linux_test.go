package sysfs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/internal/hostfs"
)

// The openat fast path reads exactly what hostfs.FS.ReadAttr reads and fails
// the same way.
func TestAttrDirMatchesReadAttr(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "sys/class/nvme/nvme0")
	if err := os.MkdirAll(filepath.Join(dir, "nvme0n1/queue"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"state":                            "live\n",
		"empty":                            "",
		"padded":                           " x \x00\x00\n",
		"long":                             strings.Repeat("0123456789", 500) + "\n",
		"exact":                            strings.Repeat("a", 512),
		"nvme0n1/queue/logical_block_size": "4096\n",
	}
	for name, v := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fs := hostfs.New(root)
	d, ok := openAttrDir(fs.Path("/sys/class/nvme/nvme0"))
	if !ok {
		t.Fatal("openAttrDir failed")
	}
	defer d.close()
	for name := range files {
		want, werr := fs.ReadAttr("/sys/class/nvme/nvme0/" + name)
		got, err := d.read(name)
		if got != want || (err == nil) != (werr == nil) {
			t.Errorf("read(%q) = %q, %v; ReadAttr = %q, %v", name, got, err, want, werr)
		}
	}
	_, err := d.read("missing")
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("read(missing) error %v, want os.ErrNotExist", err)
	}
	_, werr := fs.ReadAttr("/sys/class/nvme/nvme0/missing")
	if err == nil || werr == nil || err.Error() != werr.Error() {
		t.Errorf("read(missing) error %q, ReadAttr %q: want the same", err, werr)
	}
	if _, ok := openAttrDir(fs.Path("/sys/class/nvme/nvme9")); ok {
		t.Error("openAttrDir of a missing directory succeeded")
	}
}
