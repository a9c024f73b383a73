package cli

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/nvmftest"
)

// pskKernel is a TLS-capable fake with the .nvme keyring and the tls
// module loaded.
func pskKernel(t *testing.T) *nvmftest.Fake {
	f := tlsKernel(t, true)
	f.WriteFile(t, "/proc/keys", "2387d6a0 I------     1 perm 1f0b0000     0     0 keyring   .nvme: 1\n")
	return f
}

// tlsID1's TLS PSK as nvme-cli 2.16 inserts it (TestTLSKeyInsert).
const tlsPSK1 = "f022e7e7e01a930b768cc838ab6270adbd8a1de0a461784cc8086fdd54186638"

func pskConnect(extra ...string) []string {
	return append([]string{"connect", "-t", "tcp", "-a", tcpAddr, "-n", tlsSubsys, "-q", tlsHost, "--tls"}, extra...)
}

func noPSKShown(t *testing.T, r result) {
	t.Helper()
	if strings.Contains(r.stdout+r.stderr, tlsKey32[16:40]) || strings.Contains(r.stdout+r.stderr, "NVMeTLSkey-1:01:") {
		t.Errorf("the PSK was printed: %v", r)
	}
}

func TestTLSKeyPSKConnect(t *testing.T) {
	f := pskKernel(t)
	r := run(t, f, pskConnect("--tls-key", tlsKey32)...)
	noPSKShown(t, r)
	w := f.Kernel.Writes()
	serial := f.Keys[nvmftest.KeyName(nvmeRing, "psk", tlsID1)]
	if r.code != 0 || serial == 0 || hex.EncodeToString(f.Payloads[serial]) != tlsPSK1 || len(w) != 1 ||
		!strings.HasSuffix(w[0], fmt.Sprintf(",keyring=%d,tls_key=%d,tls", nvmeRing, serial)) {
		t.Errorf("%v\nkeys %v, writes %q: want the identity 1 TLS PSK inserted and its serial sent", r, f.Keys, w)
	}

	// An identity with a derived PSK (hash 01): inserted as it is.
	f = pskKernel(t)
	r = run(t, f, pskConnect("--tls-key", tlsKey32, "--tls-key-identity", "NVMe1R01 given")...)
	serial = f.Keys[nvmftest.KeyName(nvmeRing, "psk", "NVMe1R01 given")]
	if r.code != 0 || serial == 0 || hex.EncodeToString(f.Payloads[serial]) != tlsSecret || len(f.Keys) != 1 {
		t.Errorf("with --tls-key-identity: %v, keys %v", r, f.Keys)
	}
	// An identity already in the keyring is used, nothing inserted.
	f = pskKernel(t)
	f.Keys[nvmftest.KeyName(nvmeRing, "psk", "NVMe1R01 there")] = 0x3000
	r = run(t, f, pskConnect("--tls-key", tlsKey32, "--tls-key-identity", "NVMe1R01 there")...)
	if w := f.Kernel.Writes(); r.code != 0 || len(f.Payloads) != 0 || len(w) != 1 || !strings.Contains(w[0], fmt.Sprintf("tls_key=%d,", 0x3000)) {
		t.Errorf("identity in the keyring: %v, writes %q, payloads %v", r, w, f.Payloads)
	}

	f = pskKernel(t)
	r = run(t, f, pskConnect("--tls-key", tlsKey32, "--dry-run")...)
	noPSKShown(t, r)
	if r.code != 0 || len(f.Keys) != 0 || !strings.Contains(r.stderr, "--dry-run: a connect would first insert the TLS PSK \""+tlsID1+"\"") ||
		strings.Contains(r.stdout, "tls_key=") {
		t.Errorf("--dry-run: %v, keys %v", r, f.Keys)
	}
	noWrites(t, f)
}

func TestTLSKeyPSKRefused(t *testing.T) {
	for _, args := range [][]string{
		pskConnect("--tls-key", strings.Replace(tlsKey32, "AAEC", "AAED", 1)),
		pskConnect("--tls-key", "NVMeTLSkey-1:01:AAEC:"),
		{"connect", "-t", "tcp", "-a", tcpAddr, "-n", tlsSubsys, "--tls-key", tlsKey32},
		{"connect", "-t", "rdma", "-a", rdmaAddr, "-n", tlsSubsys, "--tls", "--tls-key", tlsKey32},
	} {
		f := pskKernel(t)
		r := run(t, f, args...)
		noPSKShown(t, r)
		if r.code != 2 || len(f.Keys) != 0 {
			t.Errorf("%q: %v; want exit 2, nothing inserted", args[len(args)-1][:12], r)
		}
		noWrites(t, f)
	}
}

func TestConfigJSONTLSKey(t *testing.T) {
	f := pskKernel(t)
	f.WriteFile(t, "/etc/nvme/config.json", `[{"hostnqn":"`+tlsHost+`","subsystems":[{"nqn":"`+tlsSubsys+`","ports":[`+
		`{"transport":"tcp","traddr":"`+tcpAddr+`","tls":true,"tls_key":"`+tlsKey32+`"}]}]}]`)
	// Options the checks refuse: exit 2, nothing inserted.
	if r := run(t, f, "connect", "-t", "tcp", "-a", tcpAddr, "-n", tlsSubsys, "--queue-size", "1"); r.code != 2 || len(f.Keys) != 0 {
		t.Errorf("a refused connect with config.json's tls_key: %v, keys %v", r, f.Keys)
	}
	noWrites(t, f)
	r := run(t, f, "connect", "-t", "tcp", "-a", tcpAddr, "-n", tlsSubsys, "--dry-run")
	noPSKShown(t, r)
	if r.code != 0 || len(f.Keys) != 0 || !strings.Contains(r.stderr, tlsID1) {
		t.Errorf("--dry-run with config.json's tls_key: %v, keys %v", r, f.Keys)
	}
	r = run(t, f, "connect", "-t", "tcp", "-a", tcpAddr, "-n", tlsSubsys)
	noPSKShown(t, r)
	serial := f.Keys[nvmftest.KeyName(nvmeRing, "psk", tlsID1)]
	if w := f.Kernel.Writes(); r.code != 0 || serial == 0 || len(w) != 1 || !strings.Contains(w[0], fmt.Sprintf("keyring=%d,tls_key=%d,", nvmeRing, serial)) {
		t.Errorf("config.json's tls_key: %v, keys %v, writes %q", r, f.Keys, w)
	}
}

// 6.1 has no NVMe/TCP TLS: a PSK is refused before any keyring is looked
// for or module loaded.
func TestTLSKeyPSKOn61(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	r := runWith(t, f, func(env *Env) {
		env.Edge.LoadModule = func(m string) error { t.Errorf("loaded %s", m); return nil }
	}, pskConnect("--tls-key", tlsKey32)...)
	noPSKShown(t, r)
	if r.code != 2 || !strings.Contains(r.stderr, "this kernel has no NVMe/TCP TLS") || len(f.Keys) != 0 {
		t.Errorf("connect --tls --tls-key PSK on 6.1: %v", r)
	}
	noWrites(t, f)
}
