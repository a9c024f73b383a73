//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/keyring"
)

// TestTLSKeyFile: on 6.12 and 7.x, 'gonvme tls-key --export' of the .nvme
// keyring is byte for byte the suite nvme-cli's (2.13, 2.16); a key file
// exported by either is imported by the other (nvme-cli refuses the
// NVMeTLSkey-0 lines it writes for identity 0 keys; gonvme reads them),
// giving the same keys back; --revoke removes a key. 6.1 has no .nvme
// keyring and says so.
func TestTLSKeyFile(t *testing.T) {
	bin, version := suiteNVMe(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "tls-keys")
	if _, err := keyring.Find(hostRoot(), "keyring", ".nvme"); err != nil {
		r := gonvme(t, "tls-key", "--export")
		if r.code != 1 || !strings.Contains(r.stderr, "modprobe nvme-keyring") {
			t.Errorf("export without a .nvme keyring:\n%s", r)
		}
		os.WriteFile(file, []byte("NVMe0R01 "+tlsHost+" "+tlsSubsys+" NVMeTLSkey-1:01:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:\n"), 0o600)
		r = gonvme(t, "tls-key", "--import", "-f", file)
		if r.code != 1 || !strings.Contains(r.stderr, "this kernel has no NVMe TLS key support") {
			t.Errorf("import on kernel %s:\n%s", os.Getenv("GONVME_E2E_KERNEL"), r)
		}
		return
	}
	var ids []string
	for i, a := range [][]string{{"-I", "0"}, {"-I", "1"}, {"-m", "2", "-I", "0"}, {"-m", "2", "-I", "1"}} {
		secret := tlsSecret
		if a[0] == "-m" {
			secret += "202122232425262728292a2b2c2d2e2f"
		}
		sub := "nqn.2026-11.io.gonvme:e2e-keyfile-" + string(rune('a'+i))
		args := append([]string{"gen-tls-key", "-s", secret, "-n", tlsHost, "-c", sub, "-i"}, a...)
		mustOK(t, gonvme(t, args...), "gen-tls-key --insert")
		id := "NVMe" + a[len(a)-1] + "R0" + map[bool]string{true: "2", false: "1"}[a[0] == "-m"] + " " + tlsHost + " " + sub
		ids = append(ids, id)
	}
	defer func() {
		for _, id := range ids {
			gonvme(t, "tls-key", "--revoke", id)
		}
	}()
	ours := func() map[string]string {
		r := gonvme(t, "tls-key", "--export")
		mustOK(t, r, "gonvme tls-key --export")
		m := map[string]string{}
		for _, l := range strings.Split(r.stdout, "\n") {
			for _, id := range ids {
				if strings.HasPrefix(l, id+" ") {
					m[id] = l
				}
			}
		}
		return m
	}
	g := gonvme(t, "tls-key", "--export")
	s := runAs(t, nil, bin, "tls-key", "--export")
	if g.code != 0 || s.code != 0 || g.stdout != s.stdout {
		t.Errorf("tls-key --export: gonvme\n%s\nnvme-cli %s\n%s", g, version, s)
	}
	before := ours()
	if len(before) != 4 {
		t.Fatalf("the export lacks keys gonvme inserted: %q\n%s", before, g.stdout)
	}

	mustOK(t, gonvme(t, "tls-key", "--export", "-f", file), "tls-key --export -f")
	if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("exported key file: %v, mode %v; want 0600", err, st.Mode())
	}
	theirs := filepath.Join(dir, "tls-keys.nvme-cli")
	mustOK(t, runAs(t, nil, bin, "tls-key", "--export", "-f", theirs), "nvme-cli tls-key --export -f")
	revokeAll := func(step int) {
		for i := step - 1; i < len(ids); i += step {
			mustOK(t, gonvme(t, "tls-key", "--revoke", ids[i]), "tls-key --revoke")
		}
		if left := ours(); len(left) != 0 {
			t.Errorf("after --revoke the export still has %q", left)
		}
	}
	revokeAll(1)
	if r := gonvme(t, "tls-key", "--revoke", ids[0]); r.code != 1 || !strings.Contains(r.stderr, "no psk key") {
		t.Errorf("revoking a revoked key:\n%s", r)
	}

	// nvme-cli imports gonvme's file: the identity 1 keys only.
	s = runAs(t, nil, bin, "tls-key", "--import", "-f", file)
	t.Logf("nvme-cli %s tls-key --import of gonvme's export:\n%s", version, s)
	got := ours()
	for i, id := range ids {
		if i%2 == 1 && got[id] != before[id] {
			t.Errorf("after nvme-cli's import of gonvme's file %q is %q; want %q", id, got[id], before[id])
		}
	}
	revokeAll(2)

	// gonvme imports nvme-cli's file, all four keys.
	mustOK(t, gonvme(t, "tls-key", "--import", "-f", theirs), "gonvme tls-key --import")
	after := ours()
	for _, id := range ids {
		if after[id] != before[id] {
			t.Errorf("after gonvme's import of nvme-cli's file %q is %q; want %q", id, after[id], before[id])
		}
	}
	g, s = gonvme(t, "tls-key", "--export"), runAs(t, nil, bin, "tls-key", "--export")
	if g.stdout != s.stdout {
		t.Errorf("export after gonvme's import: gonvme\n%s\nnvme-cli\n%s", g, s)
	}
	b, _ := os.ReadFile(theirs)
	if sortedLines(g.stdout) != sortedLines(string(b)) {
		t.Errorf("export after re-import:\n%s\nwant the imported file:\n%s", g.stdout, b)
	}
}

func sortedLines(s string) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	sort.Strings(l)
	return strings.Join(l, "\n")
}
