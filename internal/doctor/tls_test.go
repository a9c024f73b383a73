package doctor

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/keyring"
	"github.com/gonvme/gonvme/nvmf"
)

const tlsSub = "nqn.2026-11.io.gonvme:e2e-tls"

func healthyTLS() TLSInput {
	yes := true
	return TLSInput{
		KernelTLS: &yes, TLSStat: "/proc/net/tls_stat", Cipher: "gcm(aes)", CipherState: nvmf.CipherPresent,
		Tlshd:   []Tlshd{{PID: 212, Config: "/etc/tlshd.conf", Keyrings: []string{".nvme"}}},
		Keyring: 1023, HostNQN: guestNQN, NQN: tlsSub,
		PSKs: []keyring.Key{{Serial: 77, Type: "psk", Description: "NVMe0R01 " + guestNQN + " " + tlsSub}},
	}
}

func TestTLSChecks(t *testing.T) {
	for _, c := range TLSChecks(healthyTLS()) {
		if c.Status != OK {
			t.Errorf("healthy: %+v", c)
		}
	}
	if c := byName(t, TLSChecks(healthyTLS()), "psk"); !strings.Contains(c.Evidence, `identity NVMe0R01 (serial 77)`) {
		t.Errorf("psk: %+v", c)
	}
	no := false
	for _, tc := range []struct {
		what   string
		mod    func(*TLSInput)
		name   string
		status Status
		says   string
	}{
		{"6.1", func(in *TLSInput) { in.KernelTLS = &no }, "kernel", Fail, "this kernel has no NVMe/TCP TLS"},
		{"as user", func(in *TLSInput) { in.KernelTLS = nil; in.KeyringSkip = true }, "keyring .nvme", Skip, "needs root"},
		{"no fabrics device", func(in *TLSInput) { in.KernelTLS, in.KernelErr = nil, syscall.ENOENT }, "kernel", Skip, "cannot be read: no such file or directory (see the host checks)"},
		{"tls unloaded", func(in *TLSInput) { in.LayerMissing = true }, "tls module", Warn, "not loaded: no /proc/net/tls_stat"},
		{"no cipher", func(in *TLSInput) { in.CipherState = nvmf.CipherMissing }, "cipher gcm(aes)", Fail, "cannot allocate gcm(aes)"},
		{"cipher unknown", func(in *TLSInput) { in.CipherState = nvmf.CipherUnknown }, "cipher gcm(aes)", Skip, "algif_aead is not loaded"},
		{"no tlshd", func(in *TLSInput) { in.Tlshd = nil }, "tlshd", Fail, "no tlshd process"},
		{"other keyrings", func(in *TLSInput) { in.Tlshd[0].Keyrings = []string{".other"} }, "tlshd", OK, "links no .nvme keyring (ktls-utils 1.0 and later link .nvme themselves"},
		{"no config", func(in *TLSInput) {
			in.Tlshd[0].ConfErr = &os.PathError{Op: "open", Path: "/etc/tlshd.conf", Err: syscall.ENOENT}
		}, "tlshd", OK, "its configuration cannot be read: /etc/tlshd.conf: no such file"},
		{"no keyring", func(in *TLSInput) { in.KeyringErr = keyring.ErrNotFound }, "keyring .nvme", Fail, "not found"},
		{"other subsystem", func(in *TLSInput) { in.NQN = "nqn.2026-11.io.gonvme:other" }, "psk", Fail, "no PSK for host " + guestNQN + " and subsystem nqn.2026-11.io.gonvme:other"},
		{"other host", func(in *TLSInput) { in.HostNQN = "nqn.2014-08.org.example:h2"; in.NQN = "" }, "psk", Warn, "no PSK for host nqn.2014-08.org.example:h2"},
		{"host only", func(in *TLSInput) { in.NQN = "" }, "psk", OK, "1 PSK(s) for host"},
		{"unlistable", func(in *TLSInput) { in.KeysErr = syscall.EACCES }, "psk", Fail, "permission denied"},
	} {
		in := healthyTLS()
		in.Tlshd = append([]Tlshd(nil), in.Tlshd...)
		tc.mod(&in)
		checks := TLSChecks(in)
		c := byName(t, checks, tc.name)
		if c.Status != tc.status || !strings.Contains(c.Evidence, tc.says) || (c.Status == Warn || c.Status == Fail) && c.Fix == "" {
			t.Errorf("%s: %+v", tc.what, c)
		}
		if tc.what == "6.1" && len(checks) != 1 {
			t.Errorf("6.1: the other TLS checks ran: %+v", checks)
		}
	}
}

func TestTlshdConfig(t *testing.T) {
	for args, want := range map[string]string{
		"/usr/sbin/tlshd -s -c /tmp/x/tlshd.conf": "/tmp/x/tlshd.conf",
		"tlshd --config=/etc/t.conf":              "/etc/t.conf",
		"tlshd --config /etc/u.conf":              "/etc/u.conf",
		"tlshd -c/etc/v.conf":                     "/etc/v.conf",
		"/usr/sbin/tlshd":                         "",
	} {
		if got := tlshdConfigArg(strings.Fields(args)); got != want {
			t.Errorf("%q: %q, want %q", args, got, want)
		}
	}
	// The e2e guest's file, and one laid out as ktls-utils 1.0.0 ships it
	// (keyrings commented out).
	conf := "[debug]\nloglevel=1\ntls=0\nnl=0\n[authenticate]\nkeyrings=.nvme\n"
	if got := tlshdKeyrings(conf); len(got) != 1 || got[0] != ".nvme" {
		t.Errorf("guest conf: %q", got)
	}
	shipped := "[debug]\nloglevel=0\n\n[authenticate]\n#keyrings= <keyring>;<keyring>;<keyring>\n\n[authenticate.client]\n#x509.truststore= <pathname>\n"
	if got := tlshdKeyrings(shipped); got != nil {
		t.Errorf("shipped conf: %q", got)
	}
	if got := tlshdKeyrings("[authenticate]\nkeyrings = .a ; .nvme;\n[other]\nkeyrings=.b\n"); strings.Join(got, ",") != ".a,.nvme" {
		t.Errorf("two keyrings: %q", got)
	}
}

// gatherTLS reads each tlshd and its configuration from the root, and
// lists the PSKs of the keyring the probes find.
func TestGatherTLS(t *testing.T) {
	root := t.TempDir()
	write := func(p, v string) {
		full := filepath.Join(root, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("proc/212/comm", "tlshd\n")
	write("proc/212/cmdline", "/usr/sbin/tlshd\x00-s\x00-c\x00/tmp/t/tlshd.conf\x00")
	write("proc/300/comm", "bash\n")
	write("proc/300/cmdline", "bash\x00-c\x00tlshd\x00")
	// The e2e guest's: trixie's tlshd run by its own loader.
	write("proc/400/comm", "ld-linux-x86-64\n")
	write("proc/400/cmdline", "/opt/tlshd/lib/ld-linux-x86-64.so.2\x00--library-path\x00/opt/tlshd/lib\x00--argv0\x00tlshd\x00/opt/tlshd/bin/tlshd\x00-s\x00-c\x00/tmp/u/tlshd.conf\x00")
	write("tmp/t/tlshd.conf", "[authenticate]\nkeyrings=.nvme\n")
	p := Probes{
		FS:              hostfs.New(root),
		Supported:       func() (fabrics.Supported, error) { return fabrics.Supported{"tls": true}, nil },
		TLSLayerMissing: func() bool { return true },
		Cipher:          func() nvmf.CipherState { return nvmf.CipherPresent },
		FindKeyring: func(desc string) (int, error) {
			if desc != ".nvme" {
				return 0, errors.New(desc)
			}
			return 1023, nil
		},
		ListKeys: func(ring int) ([]keyring.Key, error) {
			return []keyring.Key{{Serial: 5, Type: "keyring", Description: "x"}, {Serial: 77, Type: "psk", Description: "NVMe0R01 " + guestNQN + " " + tlsSub}}, nil
		},
	}
	in := gatherTLS(p, fabrics.Options{HostNQN: guestNQN, NQN: tlsSub, TLS: true})
	if in.KernelTLS == nil || !*in.KernelTLS || !in.LayerMissing || in.CipherState != nvmf.CipherPresent || in.Keyring != 1023 || len(in.PSKs) != 1 ||
		len(in.Tlshd) != 2 || in.Tlshd[0].PID != 212 || in.Tlshd[0].Config != "/tmp/t/tlshd.conf" || strings.Join(in.Tlshd[0].Keyrings, ",") != ".nvme" ||
		in.Tlshd[1].PID != 400 || in.Tlshd[1].Config != "/tmp/u/tlshd.conf" || in.Tlshd[1].ConfErr == nil {
		t.Errorf("%+v", in)
	}
	p.FindKeyring, p.Supported = nil, nil
	if in := gatherTLS(p, fabrics.Options{TLS: true}); !in.KeyringSkip || in.KernelTLS != nil || in.KernelErr != nil {
		t.Errorf("as user: %+v", in)
	}
	p.Supported = func() (fabrics.Supported, error) { return nil, syscall.ENOENT }
	if in := gatherTLS(p, fabrics.Options{TLS: true}); in.KernelTLS != nil || !errors.Is(in.KernelErr, syscall.ENOENT) {
		t.Errorf("no fabrics device: %+v", in)
	}
}
