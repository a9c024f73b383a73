package registry_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/internal/registry"
)

func root(t *testing.T, controllers ...string) hostfs.FS {
	dir := t.TempDir()
	for _, c := range controllers {
		if err := os.MkdirAll(filepath.Join(dir, "sys/class/nvme", c), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return hostfs.New(dir)
}

func TestClaimKeepsOtherFieldsAndOwnerOfReadsIt(t *testing.T) {
	fs := root(t, "nvme3")
	p := fs.Path(registry.Dir + "/nvme3.json")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(`{"owner":"stas","since":"boot"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := registry.OwnerOf(fs, "nvme3"); got != "stas" {
		t.Errorf("OwnerOf = %q; want stas", got)
	}
	if err := registry.Claim(fs, "nvme3", registry.Owner); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if got := strings.TrimSpace(string(b)); got != `{"owner":"gonvme","since":"boot"}` {
		t.Errorf("entry = %s", got)
	}
	if _, err := os.Stat(p + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("temporary file left: %v", err)
	}
}

func TestStaleEntryHasNoOwner(t *testing.T) {
	fs := root(t)
	if err := registry.Claim(fs, "nvme4", registry.Owner); err != nil {
		t.Fatal(err)
	}
	if got := registry.OwnerOf(fs, "nvme4"); got != "" {
		t.Errorf("OwnerOf a gone controller = %q; want none", got)
	}
}

func TestReleaseLeavesSomeoneElsesEntry(t *testing.T) {
	fs := root(t, "nvme1", "nvme2")
	registry.Claim(fs, "nvme1", "stas")
	registry.Claim(fs, "nvme2", registry.Owner)
	if err := registry.Release(fs, "nvme1", registry.Owner); err != nil {
		t.Fatal(err)
	}
	if err := registry.Release(fs, "nvme2", registry.Owner); err != nil {
		t.Fatal(err)
	}
	if registry.OwnerOf(fs, "nvme1") != "stas" || registry.OwnerOf(fs, "nvme2") != "" {
		t.Errorf("after Release: nvme1 %q, nvme2 %q; want stas and none", registry.OwnerOf(fs, "nvme1"), registry.OwnerOf(fs, "nvme2"))
	}
	if err := registry.Release(fs, "nvme9", registry.Owner); err != nil {
		t.Errorf("Release of no entry = %v", err)
	}
}

func TestNamesThatAreNotControllersAreRefused(t *testing.T) {
	fs := root(t)
	for _, d := range []string{"../etc/passwd", "nvme", "nvme1n1", "nvme1/x", ""} {
		if err := registry.Claim(fs, d, registry.Owner); err == nil {
			t.Errorf("Claim(%q) succeeded", d)
		}
	}
}
