//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/keyring"
)

// TestTLSConnectPSK: on 6.12 and 7.x, connect --tls --tls-key with a PSK
// in interchange form inserts the TLS PSK of the identity the suite's
// nvme-cli inserts for the same PSK (version 1) and connects with it; so
// does a config.json port's tls_key. The PSK is printed nowhere, -v
// included, nor logged by the kernel.
func TestTLSConnectPSK(t *testing.T) {
	clean(t)
	if opts, _ := os.ReadFile("/dev/nvme-fabrics"); !strings.Contains(string(opts), "tls_key") {
		r := gonvme(t, "connect", "-t", "tcp", "-a", tcpAddr, "-s", tlsSvc, "-n", nqnTLS, "--tls", "--tls-key", "NVMeTLSkey-1:01:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:")
		if r.code != 2 || !strings.Contains(r.stderr, "no NVMe/TCP TLS") {
			t.Errorf("connect --tls-key PSK on kernel %s:\n%s", os.Getenv("GONVME_E2E_KERNEL"), r)
		}
		return
	}
	bin, version := suiteNVMe(t)
	tlsTarget(t)
	startTLSHD(t, ".nvme")
	// A key of its own, so that no identity 0 key of another test helps.
	const psk = "NVMeTLSkey-1:01:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj/jBqb2:"
	if r := gonvme(t, "check-tls-key", "-d", psk, "-n", tlsHost, "-c", nqnTLS); r.code != 0 {
		t.Fatalf("the test's PSK:\n%s", r)
	}
	secret := strings.TrimSuffix(strings.TrimPrefix(psk, "NVMeTLSkey-1:01:"), ":")[:24]
	shown := func(r result) {
		t.Helper()
		if strings.Contains(r.stdout+r.stderr, secret) {
			t.Errorf("the PSK was printed:\n%s", r)
		}
	}
	id1 := strings.TrimSpace(gonvme(t, "check-tls-key", "-d", psk, "-n", tlsHost, "-c", nqnTLS, "-I", "1").stdout)
	theirID := id1
	if version == "2.13" {
		// 2.13's only derivation is 2.16's --compat.
		theirID = strings.TrimSpace(gonvme(t, "check-tls-key", "-d", psk, "-n", tlsHost, "-c", nqnTLS, "-I", "1", "-C").stdout)
	}
	defer gonvme(t, "tls-key", "--revoke", id1)
	defer gonvme(t, "tls-key", "--revoke", theirID)

	s := runAs(t, nil, bin, "connect", "-t", "tcp", "-a", tcpAddr, "-s", tlsSvc, "-n", nqnTLS, "-q", tlsHost, "--tls", "--tls-key", psk)
	t.Logf("nvme-cli %s connect --tls --tls-key PSK:\n%s", version, s)
	theirs, err := keyring.Find(hostRoot(), "psk", theirID)
	if err != nil {
		t.Errorf("nvme-cli %s inserted no key %q: %v", version, theirID, err)
	}
	disconnectAllKernel()

	r := gonvme(t, "connect", "-t", "tcp", "-a", tcpAddr, "-s", tlsSvc, "-n", nqnTLS, "-q", tlsHost, "--tls", "--tls-key", psk, "-v")
	shown(r)
	ours, err := keyring.Find(hostRoot(), "psk", id1)
	if err != nil || ours == theirs {
		t.Errorf("gonvme inserted no new key %q (nvme-cli's was %08x): %08x, %v", id1, theirs, ours, err)
	}
	cs := controllers(t)
	if r.code != 0 || len(cs) != 1 || readAttr(filepath.Join("/sys/class/nvme", cs[0].Name), "tls_key") != fmt.Sprintf("%08x", ours) {
		t.Errorf("connect --tls --tls-key PSK: controllers %+v, want one with tls_key %08x:\n%s", cs, ours, r)
	}
	disconnectAllKernel()

	// config.json's tls_key, the same way.
	gonvme(t, "tls-key", "--revoke", id1)
	writeConf(t, "config.json", `[{"hostnqn":"`+tlsHost+`","subsystems":[{"nqn":"`+nqnTLS+`","ports":[{"transport":"tcp","traddr":"`+tcpAddr+
		`","trsvcid":"`+tlsSvc+`","tls":true,"tls_key":"`+psk+`"}]}]}]`)
	r = gonvme(t, "connect", "-t", "tcp", "-a", tcpAddr, "-s", tlsSvc, "-n", nqnTLS, "-q", tlsHost, "--tls", "-v")
	shown(r)
	cs = controllers(t)
	if r.code != 0 || len(cs) != 1 || readAttr(filepath.Join("/sys/class/nvme", cs[0].Name), "tls_key") == "" {
		t.Errorf("connect with config.json's tls_key: controllers %+v:\n%s", cs, r)
	}
	disconnectAllKernel()
	if b, _ := exec.Command("dmesg").CombinedOutput(); strings.Contains(string(b), secret) {
		t.Errorf("the kernel log shows the PSK")
	}
}
