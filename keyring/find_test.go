package keyring

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
)

// testdata/proc-keys is in the format of proc_keys_show in the kernel's
// security/keys/proc.c, with a .nvme keyring and two PSKs whose
// descriptions share a prefix up to a ':', and a revoked PSK (its line
// from the 7.2 guest, after gen-tls-key --insert replaced it). The e2e
// suite checks Find and Search against a real kernel's /proc/keys
// (TestKeyringLookup).
func fsWithKeys(t *testing.T) hostfs.FS {
	t.Helper()
	root := t.TempDir()
	b, err := os.ReadFile("testdata/proc-keys")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "proc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "proc", "keys"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return hostfs.New(root)
}

func TestFind(t *testing.T) {
	fs := fsWithKeys(t)
	const host = "nqn.2014-08.org.nvmexpress:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
	tests := []struct {
		typ, desc string
		want      int
	}{
		{"keyring", ".nvme", 0x2387d6a0},
		{"keyring", "_ses", 0x0e2f6a41},
		{"psk", "NVMe0R01 " + host + " nqn.2026-11.io.gonvme:test1", 0x31c0ffee},
		{"psk", "NVMe0R01 " + host + " nqn.2026-11.io.gonvme", 0x3a0b1c2d},
		{"psk", "NVMe0R01 " + host + " nqn.2026-11.io.gonvme:revoked", 0},
		{"keyring", ".nv", 0},
		{"psk", ".nvme", 0},
	}
	for _, tt := range tests {
		got, err := Find(fs, tt.typ, tt.desc)
		if tt.want == 0 {
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("Find(%s, %q) = %#x, %v; want ErrNotFound", tt.typ, tt.desc, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Find(%s, %q) = %#x, %v; want %#x", tt.typ, tt.desc, got, err, tt.want)
		}
	}
}

func TestFindWithoutProcKeys(t *testing.T) {
	_, err := Find(hostfs.New(t.TempDir()), "keyring", ".nvme")
	if !errors.Is(err, os.ErrNotExist) || errors.Is(err, ErrNotFound) {
		t.Errorf("Find without /proc/keys: %v", err)
	}
}
