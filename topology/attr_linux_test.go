package topology

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
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

// names lists what os.ReadDir lists with the prefix, sorted, and counts
// every entry.
func TestAttrDirNames(t *testing.T) {
	root := t.TempDir()
	var want []string
	for i := range 300 { // more than one getdents buffer
		name := fmt.Sprintf("attribute_with_a_long_name_%03d", i)
		if i%3 == 0 {
			name = fmt.Sprintf("nvme0c%dn1", i)
			want = append(want, name)
		}
		if err := os.WriteFile(filepath.Join(root, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(root, "nvme0n1"), 0o755); err != nil {
		t.Fatal(err)
	}
	want = append(want, "nvme0n1")
	slices.Sort(want)
	d, ok := openAttrDir(root)
	if !ok {
		t.Fatal("openAttrDir failed")
	}
	defer d.close()
	got, all, err := d.names("nvme")
	if err != nil || !slices.Equal(got, want) || all != 301 {
		t.Errorf("names() = %d names %v, %d in all, err %v; want %d names, 301 in all", len(got), got[:min(3, len(got))], all, err, len(want))
	}
	empty, ok := openAttrDir(t.TempDir())
	if !ok {
		t.Fatal("openAttrDir failed")
	}
	defer empty.close()
	if got, all, err := empty.names("nvme"); err != nil || got == nil || len(got) != 0 || all != 0 {
		t.Errorf("names() of an empty directory = %#v, %d, %v; want an empty list", got, all, err)
	}
	// A directory removed while open lists nothing.
	gone := filepath.Join(root, "nvme0n1")
	g, ok := openAttrDir(gone)
	if !ok {
		t.Fatal("openAttrDir failed")
	}
	defer g.close()
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	if got, all, err := g.names("nvme"); len(got) != 0 || all != 0 {
		t.Errorf("names() of a removed directory = %v, %d, %v; want nothing", got, all, err)
	}
}
