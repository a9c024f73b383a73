package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/keyring"
	"github.com/gonvme/gonvme/nvmftest"
)

// fakeKeys lists, reads and revokes the keys of an nvmftest.Fake as the
// kernel does: a missing key is ENOKEY, a revoked one is gone.
type fakeKeys struct{ f *nvmftest.Fake }

func (k fakeKeys) List(ring int) ([]keyring.Key, error) {
	var keys []keyring.Key
	for name, id := range k.f.Keys {
		r, rest, _ := strings.Cut(name, "/")
		typ, desc, _ := strings.Cut(rest, "/")
		if r == strconv.Itoa(ring) {
			keys = append(keys, keyring.Key{Serial: id, Type: typ, Description: desc})
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].Serial < keys[j].Serial })
	return keys, nil
}

func (k fakeKeys) Read(ring, key int) ([]byte, error) {
	for _, id := range k.f.Keys {
		if id == key {
			return k.f.Payloads[key], nil
		}
	}
	return nil, fmt.Errorf("reading key %08x: %w", key, syscall.ENOKEY)
}

func (k fakeKeys) Revoke(ring int, keyType, desc string) (int, error) {
	name := nvmftest.KeyName(ring, keyType, desc)
	id, ok := k.f.Keys[name]
	if !ok {
		return 0, fmt.Errorf("%s %q in keyring %d: %w", keyType, desc, ring, keyring.ErrNotFound)
	}
	delete(k.f.Keys, name)
	return id, nil
}

func runKeys(t *testing.T, f *nvmftest.Fake, args ...string) result {
	t.Helper()
	return runWith(t, f, func(env *Env) { env.Keys = fakeKeys{f} }, args...)
}

// nvmeCLIExport is nvme-cli 2.16's 'tls-key --export' of four keys (see
// internal/tlspsk's TestKeyFileOfNVMeCLI).
func nvmeCLIExport(t *testing.T) string {
	b, err := os.ReadFile("../../tlspsk/testdata/tls-keys-2.16")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestTLSKeyImportExport(t *testing.T) {
	f := tlsFake(t)
	want := nvmeCLIExport(t)
	f.WriteFile(t, "/etc/nvme/tls-keys", want)
	if r := runKeys(t, f, "tls-key", "--import", "-f", "/etc/nvme/tls-keys"); r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Fatalf("import: %v", r)
	}
	if len(f.Keys) != 4 || f.Keys[nvmftest.KeyName(nvmeRing, "psk", "NVMe0R01 "+tlsHost+" nqn.a:one")] == 0 {
		t.Errorf("imported keys %v", f.Keys)
	}
	if r := runKeys(t, f, "tls-key", "-e"); r.code != 0 || r.stdout != want || r.stderr != "" {
		t.Errorf("export:\n%v\nwant nvme-cli's:\n%s", r, want)
	}
	if r := runKeys(t, f, "tls-key", "--export", "--keyfile", "/out", "-v"); r.code != 0 || r.stdout != "" ||
		r.stderr != "exported 4 TLS PSK(s) of keyring .nvme (2387d6a0) to /out\n" {
		t.Errorf("export -f: %v", r)
	}
	p := filepath.Join(f.Root, "out")
	b, err := os.ReadFile(p)
	if st, _ := os.Stat(p); err != nil || string(b) != want || st.Mode().Perm() != 0o600 {
		t.Errorf("exported file %q, %v; want nvme-cli's export, mode 0600", b, err)
	}
	// Keys of another type or whose description is no identity stay out.
	f.Keys[nvmftest.KeyName(nvmeRing, "user", "NVMe0R01 u s")] = 0x20000000
	f.Keys[nvmftest.KeyName(nvmeRing, "psk", "not an identity")] = 0x20000001
	f.Payloads[0x20000000], f.Payloads[0x20000001] = make([]byte, 32), make([]byte, 32)
	if r := runKeys(t, f, "tls-key", "-e"); r.stdout != want {
		t.Errorf("export with other keys: %v", r)
	}
	if r := runKeys(t, f, "tls-key", "-e", "-t", "user"); r.stdout != "NVMe0R01 u s NVMeTLSkey-0:01:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACtVQoZ:\n" {
		t.Errorf("export -t user: %v", r)
	}
}

func TestTLSKeyImportBadLines(t *testing.T) {
	f := tlsFake(t)
	good := strings.SplitAfter(nvmeCLIExport(t), "\n")[0]
	f.WriteFile(t, "/keys", "garbage\n"+good+"NVMe0R01 x "+strings.Replace(tlsKey32, "AAEC", "AAED", 1)+"\n")
	r := runKeys(t, f, "tls-key", "-i", "-f", "/keys")
	if r.code != 1 || !strings.Contains(r.stderr, "/keys: line 1: no space") || !strings.Contains(r.stderr, "/keys: line 3: the key of \"NVMe0R01 x\"") ||
		!strings.Contains(r.stderr, "imported 1 of 3 TLS PSK(s) from /keys") {
		t.Errorf("%v", r)
	}
	if strings.Contains(r.stderr, "AAED") || strings.Contains(r.stderr, "NVMeTLSkey") {
		t.Errorf("the errors show a PSK: %v", r)
	}
	if len(f.Keys) != 1 {
		t.Errorf("keys %v: want the good line's", f.Keys)
	}
}

func TestTLSKeyRevoke(t *testing.T) {
	f := tlsFake(t)
	f.WriteFile(t, "/keys", nvmeCLIExport(t))
	runKeys(t, f, "tls-key", "-i", "-f", "/keys")
	id := "NVMe0R01 " + tlsHost + " nqn.a:one"
	if r := runKeys(t, f, "tls-key", "--revoke", id, "-v"); r.code != 0 || r.stderr != "revoked key 10000000 "+id+"\n" {
		t.Errorf("revoke: %v", r)
	}
	if len(f.Keys) != 3 {
		t.Errorf("keys after revoke %v", f.Keys)
	}
	if r := runKeys(t, f, "tls-key", "-r", id); r.code != 1 || !strings.Contains(r.stderr, "no psk key \""+id+"\" in keyring .nvme") {
		t.Errorf("revoke again: %v", r)
	}
}

func TestTLSKeyUsage(t *testing.T) {
	for _, args := range [][]string{
		{"tls-key"}, {"tls-key", "-i", "-e"}, {"tls-key", "-e", "-r", "x"}, {"tls-key", "-r", ""}, {"tls-key", "-r", "a\nb"},
		{"tls-key", "-r", "x", "-f", "/keys"}, {"tls-key", "-e", "-k", ""}, {"tls-key", "-e", "-t", "p\x01"}, {"tls-key", "-e", "extra"},
	} {
		f := tlsFake(t)
		f.WriteFile(t, "/keys", "keep")
		if r := runKeys(t, f, args...); r.code != 2 || r.stdout != "" {
			t.Errorf("%q: %v; want exit 2", args, r)
		}
		if b, _ := os.ReadFile(filepath.Join(f.Root, "keys")); string(b) != "keep" {
			t.Errorf("%q changed the key file", args)
		}
	}
}

// A missing .nvme keyring is made by loading nvme-keyring for an insert,
// never for an export or a revoke.
func TestTLSKeyringMissing(t *testing.T) {
	f := tlsFake(t)
	f.WriteFile(t, "/proc/keys", "")
	f.WriteFile(t, "/keys", nvmeCLIExport(t))
	var loaded []string
	notFound := f.Edge.LoadModule // the kernel's answer without the module
	load := func(env *Env) {
		env.Keys = fakeKeys{f}
		env.Edge.LoadModule = func(m string) error {
			loaded = append(loaded, m)
			f.WriteFile(t, "/proc/keys", "2387d6a0 I------     1 perm 1f0b0000     0     0 keyring   .nvme: 1\n")
			return nil
		}
	}
	for _, args := range [][]string{{"tls-key", "-e"}, {"tls-key", "-r", "x"}} {
		if r := runWith(t, f, load, args...); r.code != 1 || !strings.Contains(r.stderr, "modprobe nvme-keyring") || len(loaded) != 0 {
			t.Errorf("%q without .nvme: %v, loaded %q", args, r, loaded)
		}
	}
	if r := runWith(t, f, load, "tls-key", "-i", "-f", "/keys"); r.code != 0 || len(loaded) != 1 || loaded[0] != "nvme-keyring" || len(f.Keys) != 4 {
		t.Errorf("import without .nvme: %v, loaded %q, keys %v", r, loaded, f.Keys)
	}

	f.Edge.LoadModule = notFound
	f.WriteFile(t, "/proc/keys", "")
	r := run(t, f, "gen-tls-key", "-s", tlsSecret, "-n", tlsHost, "-c", tlsSubsys, "-i")
	if r.code != 1 || !strings.Contains(r.stderr, "'modprobe nvme-keyring' failed (modprobe: FATAL: Module nvme-keyring not found") ||
		!strings.Contains(r.stderr, "this kernel has no NVMe TLS key support") {
		t.Errorf("gen-tls-key -i on a kernel without nvme-keyring: %v", r)
	}
	r = runEnv(t, f, false, "check-tls-key", "-d", tlsKey32, "-n", tlsHost, "-c", tlsSubsys, "-i")
	if r.code != 1 || !strings.Contains(r.stderr, "run as root") {
		t.Errorf("check-tls-key -i as non-root without .nvme: %v", r)
	}
}
