package cli

import (
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nvmftest"
)

// cipherKernel is tlsKernel with the tls module loaded and /proc/crypto as
// an e2e guest's: "boot" lists aesni-intel's gcm(aes), "nogcm" is after
// 'rmmod aesni_intel gcm'. withALG says algif_aead is loaded.
func cipherKernel(t *testing.T, crypto string, withALG bool) *nvmftest.Fake {
	f := tlsKernel(t, true)
	b, err := os.ReadFile("../kcrypto/testdata/proc-crypto-7.2-" + crypto)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteFile(t, "/proc/crypto", string(b))
	if withALG {
		f.WriteFile(t, "/sys/module/algif_aead/refcnt", "0\n")
	}
	return f
}

// kernelCrypto answers like the kernel: AF_ALG's aead interface is there
// once algif_aead is loaded, and gcm(aes) can be allocated once gcm is;
// the modules that fail to load are those in missing.
type kernelCrypto struct {
	t       *testing.T
	f       *nvmftest.Fake
	loaded  []string
	asked   int
	missing map[string]bool
}

func (k *kernelCrypto) install(env *Env) {
	env.Edge.LoadModule = func(m string) error {
		if k.missing[m] {
			return syscall.ENOENT
		}
		k.loaded = append(k.loaded, m)
		if m == "algif_aead" {
			k.f.WriteFile(k.t, "/sys/module/algif_aead/refcnt", "0\n")
		}
		return nil
	}
	env.Edge.AllocCipher = func(name, typ string) error {
		k.asked++
		if name != "gcm(aes)" || typ != "aead" {
			k.t.Errorf("asked for %s %s", typ, name)
		}
		for _, m := range k.loaded {
			if m == "gcm" { // the kernel registers the instance it built
				b, _ := k.f.FS.ReadFile("/proc/crypto")
				k.f.WriteFile(k.t, "/proc/crypto", string(b)+"\nname         : gcm(aes)\ndriver       : gcm_base(ctr(aes-generic),ghash-generic)\ntype         : aead\n")
				return nil
			}
		}
		return syscall.ENOENT
	}
}

func TestTLSCipherPreflight(t *testing.T) {
	args := []string{"connect", "-t", "tcp", "-a", tcpAddr, "-n", test1, "--tls"}

	// Listed: nothing loaded, nothing asked.
	f := cipherKernel(t, "boot", false)
	k := &kernelCrypto{t: t, f: f}
	if r := runWith(t, f, k.install, args...); r.code != 0 || k.asked != 0 || len(k.loaded) != 0 {
		t.Errorf("gcm(aes) listed: %v, asked %d, loaded %q", r, k.asked, k.loaded)
	}

	// Not listed, gcm loadable: loaded, then the connect goes on.
	f = cipherKernel(t, "nogcm", false)
	k = &kernelCrypto{t: t, f: f}
	r := runWith(t, f, k.install, args...)
	if r.code != 0 || strings.Join(k.loaded, " ") != "algif_aead gcm" || len(f.Kernel.Writes()) != 1 {
		t.Errorf("gcm loadable: %v, loaded %q, writes %q", r, k.loaded, f.Kernel.Writes())
	}

	// Not listed and gcm missing: refused, nothing written.
	f = cipherKernel(t, "nogcm", false)
	k = &kernelCrypto{t: t, f: f, missing: map[string]bool{"gcm": true}}
	r = runWith(t, f, k.install, args...)
	t.Logf("without gcm: %v", r)
	if r.code != 1 || !strings.Contains(r.stderr, "the kernel has no gcm(aes) cipher and 'modprobe gcm' failed") ||
		!strings.Contains(r.stderr, "load gcm and aesni-intel") || !strings.Contains(r.stderr, "nothing was written") {
		t.Errorf("without gcm: %v", r)
	}
	noWrites(t, f)

	// No algif_aead: the kernel cannot be asked, so the connect is tried.
	f = cipherKernel(t, "nogcm", false)
	k = &kernelCrypto{t: t, f: f, missing: map[string]bool{"algif_aead": true, "gcm": true}}
	if r := runWith(t, f, k.install, args...); r.code != 0 || k.asked != 0 {
		t.Errorf("without algif_aead: %v, asked %d", r, k.asked)
	}

	// Without --tls, or over rdma, no question at all.
	f = cipherKernel(t, "nogcm", false)
	k = &kernelCrypto{t: t, f: f, missing: map[string]bool{"gcm": true}}
	if r := runWith(t, f, k.install, "connect", "-t", "tcp", "-a", tcpAddr, "-n", test1); r.code != 0 || k.asked != 0 {
		t.Errorf("without --tls: %v, asked %d", r, k.asked)
	}
}

func TestTLSCipherNote(t *testing.T) {
	o := fabrics.Options{Transport: "tcp", Traddr: tcpAddr, NQN: test1, HostNQN: nvmftest.HostNQN, TLS: true}
	err := &fabrics.KernelError{Op: "connect", Errno: errKeyRejected}
	for _, tc := range []struct {
		crypto  string
		withALG bool
		want    bool
	}{
		{"nogcm", true, true},
		{"nogcm", false, false}, // cannot ask without loading algif_aead
		{"boot", true, false},
	} {
		f := cipherKernel(t, tc.crypto, tc.withALG)
		k := &kernelCrypto{t: t, f: f}
		env := &Env{FS: f.FS, Edge: f.Edge}
		k.install(env)
		f.Edge.LoadModule = func(m string) error { t.Errorf("an explanation loaded %s", m); return nil }
		n := env.tlsCipherNote(err, o)
		if got := strings.Contains(n, "run 'modprobe gcm'"); got != tc.want {
			t.Errorf("%s, algif_aead %v: note %q", tc.crypto, tc.withALG, n)
		}
	}
}

// --dry-run says what a TLS connect would load first, and loads nothing.
func TestTLSDryRun(t *testing.T) {
	f := cipherKernel(t, "nogcm", true)
	f.Edge.AllocCipher = func(name, typ string) error { return syscall.ENOENT }
	f.Edge.LoadModule = func(m string) error { t.Errorf("a dry run loaded %s", m); return nil }
	os.Remove(f.FS.Path("/proc/net/tls_stat"))
	r := runWith(t, f, func(*Env) {}, "connect", "-t", "tcp", "-a", tcpAddr, "-n", test1, "--tls", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stderr, "connect would run 'modprobe tls' first") ||
		!strings.Contains(r.stderr, "no gcm(aes) cipher; connect would run 'modprobe gcm' first") || !strings.Contains(r.stdout, ",tls") {
		t.Errorf("connect --tls --dry-run: %v", r)
	}
	noWrites(t, f)
	f = cipherKernel(t, "boot", false)
	if r := run(t, f, "connect", "-t", "tcp", "-a", tcpAddr, "-n", test1, "--tls", "--dry-run"); r.code != 0 || strings.Contains(r.stderr, "would run") {
		t.Errorf("connect --tls --dry-run with tls and gcm(aes): %v", r)
	}
}
