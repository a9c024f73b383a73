package nvmf_test

import (
	"errors"
	"maps"
	"strings"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/nvmftest"
)

// tlsServed is served on a kernel with NVMe/TCP TLS whose /proc/net is
// visible and whose tls module is not loaded.
func tlsServed(t *testing.T) *nvmftest.Fake {
	f := served(t, volume)
	sup := maps.Clone(f.Kernel.Sup)
	sup["tls"] = true
	f.Kernel.Sup = sup
	f.WriteFile(t, "/proc/net/dev", "")
	return f
}

// A TLS connect on a kernel whose tls module cannot be loaded, or with no
// AES-GCM, is refused before the kernel sees a write; with the module
// loadable it goes through.
func TestConnectTLSUnavailable(t *testing.T) {
	o := identity(fabrics.Options{Transport: "tcp", Traddr: "127.0.0.1", Trsvcid: "4420", NQN: "toto", TLS: true})

	f := tlsServed(t)
	_, err := f.Edge.ConnectContext(background, o)
	var te *nvmf.TLSError
	if !errors.Is(err, nvmf.ErrTLSUnavailable) || !errors.As(err, &te) || te.Missing != "tls" ||
		!strings.Contains(err.Error(), "'modprobe tls' failed") || len(f.Kernel.Writes()) != 0 {
		t.Errorf("without a loadable tls module: %v, writes %q", err, f.Kernel.Writes())
	}

	// modprobe succeeds but tls_stat stays missing (a kernel without
	// CONFIG_TLS whose modprobe finds nothing to do).
	f = tlsServed(t)
	f.Edge.LoadModule = func(string) error { return nil }
	if _, err := f.Edge.ConnectContext(background, o); !errors.As(err, &te) || !strings.Contains(err.Error(), "'modprobe tls' did not load it") {
		t.Errorf("tls not loaded by a modprobe that succeeded: %v", err)
	}

	// tls loads; /proc/crypto lists no gcm(aes) and the kernel has none.
	f = tlsServed(t)
	f.WriteFile(t, "/proc/crypto", "name         : sha256\ntype         : shash\n")
	f.Edge.LoadModule = func(m string) error {
		switch m {
		case "tls":
			f.WriteFile(t, "/proc/net/tls_stat", "")
		case "algif_aead":
			f.WriteFile(t, "/sys/module/algif_aead/refcnt", "0\n")
		default:
			return syscall.ENOENT
		}
		return nil
	}
	_, err = f.Edge.ConnectContext(background, o)
	if !errors.As(err, &te) || te.Missing != nvmf.TLSCipher || !errors.Is(err, syscall.ENOENT) || len(f.Kernel.Writes()) != 0 {
		t.Errorf("without gcm(aes): %v, writes %q", err, f.Kernel.Writes())
	}
	if st := f.Edge.TLSCipherState(); st != nvmf.CipherMissing {
		t.Errorf("TLSCipherState without gcm(aes): %v", st)
	}

	// With gcm(aes) listed the connect goes on.
	f.WriteFile(t, "/proc/crypto", "name         : gcm(aes)\ntype         : aead\n")
	if c, err := f.Edge.ConnectContext(background, o); err != nil || c.Name != "nvme0" {
		t.Errorf("with tls and gcm(aes): %+v, %v", c, err)
	}

	// Without TLS nothing is checked or loaded.
	f = tlsServed(t)
	f.Edge.LoadModule = func(m string) error { t.Errorf("loaded %s for a connect without TLS", m); return nil }
	o.TLS = false
	if _, err := f.Edge.ConnectContext(background, o); err != nil {
		t.Errorf("without TLS: %v", err)
	}
}
