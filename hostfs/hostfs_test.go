package hostfs

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestPath(t *testing.T) {
	cases := []struct{ root, abs, want string }{
		{"", "/sys/class/nvme", "/sys/class/nvme"},
		{"/", "/sys/class/nvme", "/sys/class/nvme"},
		{"/tmp/x", "/sys/class/nvme", "/tmp/x/sys/class/nvme"},
		{"/tmp/x/", "/etc/nvme/hostnqn", "/tmp/x/etc/nvme/hostnqn"},
		{"/tmp/x", "/../../etc", "/tmp/x/etc"},
	}
	for _, c := range cases {
		if got := New(c.root).Path(c.abs); got != c.want {
			t.Errorf("New(%q).Path(%q) = %q, want %q", c.root, c.abs, got, c.want)
		}
	}
	wd, _ := os.Getwd()
	if got := New("testdata/x").Path("/sys"); got != filepath.Join(wd, "testdata/x/sys") {
		t.Errorf("relative root: Path = %q", got)
	}
	if got := (FS{}).Root(); got != "/" {
		t.Errorf("zero FS root = %q", got)
	}
}

func TestReadAttr(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "sys/class/nvme/nvme0"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sys/class/nvme/nvme0/firmware_rev"), []byte("6.1.0-2\x00  \n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fs := New(dir)
	got, err := fs.ReadAttr("/sys/class/nvme/nvme0/firmware_rev")
	if err != nil || got != "6.1.0-2" {
		t.Fatalf("ReadAttr = %q, %v", got, err)
	}
	if _, err := fs.ReadAttr("/sys/class/nvme/nvme0/missing"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing attribute error = %v, want ErrNotExist", err)
	}
}
