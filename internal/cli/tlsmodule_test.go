package cli

import (
	"maps"
	"strings"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nvmftest"
)

// tlsKernel is a fake of a kernel with NVMe/TCP TLS whose /proc/net is
// visible; withTLS says whether the tls module is loaded (tls_stat).
func tlsKernel(t *testing.T, withTLS bool) *nvmftest.Fake {
	f := nvmftest.New(t, nvmftest.Empty)
	sup := maps.Clone(f.Kernel.Sup)
	sup["tls"], sup["keyring"], sup["tls_key"] = true, true, true
	f.Kernel.Sup = sup
	f.WriteFile(t, "/proc/net/dev", "")
	if withTLS {
		f.WriteFile(t, "/proc/net/tls_stat", "TlsCurrTxSw 0\n")
	}
	return f
}

func TestTLSModuleMissing(t *testing.T) {
	args := []string{"connect", "-t", "tcp", "-a", tcpAddr, "-n", test1, "--tls"}
	f := tlsKernel(t, false)
	r := run(t, f, args...)
	if r.code != 1 || !strings.Contains(r.stderr, "the kernel's TLS layer is not loaded (no ROOT/proc/net/tls_stat) and 'modprobe tls' failed (modprobe: FATAL: Module tls not found") ||
		!strings.Contains(r.stderr, "nothing was written") {
		t.Errorf("connect --tls without a loadable tls module: %v", r)
	}
	noWrites(t, f)

	f = tlsKernel(t, false)
	var loaded []string
	r = runWith(t, f, func(env *Env) {
		env.Edge.LoadModule = func(m string) error {
			loaded = append(loaded, m)
			f.WriteFile(t, "/proc/net/tls_stat", "")
			return nil
		}
	}, args...)
	if r.code != 0 || len(loaded) != 1 || loaded[0] != "tls" || len(f.Kernel.Writes()) != 1 {
		t.Errorf("connect --tls loading tls: %v, loaded %q, writes %q", r, loaded, f.Kernel.Writes())
	}

	f = tlsKernel(t, true)
	r = runWith(t, f, func(env *Env) {
		env.Edge.LoadModule = func(m string) error { t.Errorf("loaded %s with tls loaded", m); return nil }
	}, args...)
	if r.code != 0 {
		t.Errorf("connect --tls with tls loaded: %v", r)
	}
}

// The kernel line is 7.2's (the e2e guest, TestTLSWithoutTLSModule) when
// tlshd's setsockopt(TLS_ULP) failed.
func TestTLSModuleNote(t *testing.T) {
	o := fabrics.Options{Transport: "tcp", Traddr: tcpAddr, NQN: test1, HostNQN: nvmftest.HostNQN, TLS: true}
	err := &fabrics.KernelError{Op: "connect", Errno: syscall.EIO}
	envOf := func(f *nvmftest.Fake) *Env { return &Env{FS: f.FS, Edge: f.Edge} }
	env := envOf(tlsKernel(t, false))
	if n := env.tlsModuleNote(err, o); !strings.Contains(n, "run 'modprobe tls'") {
		t.Errorf("without tls_stat: %q", n)
	}
	for _, e := range []*Env{envOf(tlsKernel(t, true)), envOf(nvmftest.New(t, nvmftest.Empty))} {
		if n := e.tlsModuleNote(err, o); n != "" {
			t.Errorf("with tls_stat, or no /proc/net: %q", n)
		}
	}
	o.TLS = false
	if n := env.tlsModuleNote(err, o); n != "" {
		t.Errorf("without --tls: %q", n)
	}
}
