//go:build e2e

package e2e

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dhchapSecret makes a DH-HMAC-CHAP secret as nvme gen-dhchap-key prints
// it: 32 random bytes and their CRC-32, base64, untransformed (00).
func dhchapSecret(t *testing.T) string {
	t.Helper()
	key := make([]byte, 32, 36)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	key = binary.LittleEndian.AppendUint32(key, crc32.ChecksumIEEE(key))
	return "DHHC-1:00:" + base64.StdEncoding.EncodeToString(key) + ":"
}

// A host added with its DH-HMAC-CHAP key authenticates; list never shows
// the key, save keeps it (mode 0600) and restore puts it back, so the host
// authenticates again.
func TestTargetDHCHAP(t *testing.T) {
	clean(t)
	dev := nullBlk(t, "nullb-tauth")
	const sub, host = "nqn.2026-11.io.gonvme:t-auth", "nqn.2026-11.io.gonvme:t-auth-host"
	probe := "nqn.2026-11.io.gonvme:t-auth-probe"
	gonvmeOK(t, "target", "host", "add", probe)
	_, err := os.Stat(filepath.Join(configfsNvmet, "hosts", probe, "dhchap_key"))
	gonvmeOK(t, "target", "host", "remove", probe)
	if err != nil {
		r := gonvme(t, "target", "host", "add", host, "--dhchap-key", dhchapSecret(t))
		if r.code != 1 || !strings.Contains(r.stderr, "CONFIG_NVME_TARGET_AUTH") {
			t.Errorf("--dhchap-key on a kernel without target authentication:\n%s", r)
		}
		t.Skip("this kernel's nvmet has no DH-HMAC-CHAP (no hosts/*/dhchap_key)")
	}
	keepConfig(t)
	secret := dhchapSecret(t)
	gonvmeOK(t, "target", "host", "add", host, "--dhchap-key", secret)
	gonvmeOK(t, "target", "subsystem", "add", sub)
	gonvmeOK(t, "target", "namespace", "add", sub, "--device", dev)
	gonvmeOK(t, "target", "allow", sub, host)
	gonvmeOK(t, "target", "port", "add", "33", "-t", "tcp", "-a", tcpAddr, "-s", "4433")
	gonvmeOK(t, "target", "expose", "33", sub)

	for _, args := range [][]string{{"target", "list"}, {"target", "list", "-o", "json"}} {
		r := gonvme(t, args...)
		mustOK(t, r, strings.Join(args, " "))
		if strings.Contains(r.stdout+r.stderr, secret[10:30]) {
			t.Errorf("%s printed the key:\n%s", strings.Join(args, " "), r)
		}
	}
	if r := gonvme(t, "target", "save", "-"); r.code != 1 || strings.Contains(r.stdout+r.stderr, secret[10:30]) || !strings.Contains(r.stderr, "save it to a file") {
		t.Errorf("save to standard output with a key:\n%s", r)
	}
	connect := []string{"connect", "-t", "tcp", "-a", tcpAddr, "-s", "4433", "-n", sub, "-q", host, "--dhchap-secret", secret}
	// A connect with another key is refused by the kernel, after its 60 s
	// timeout on 6.12: the key in configfs is compared instead.
	authenticates := func(when string) {
		t.Helper()
		if b, _ := os.ReadFile(filepath.Join(configfsNvmet, "hosts", host, "dhchap_key")); strings.TrimSpace(string(b)) != secret {
			t.Errorf("%s: hosts/%s/dhchap_key is not the key given", when, host)
		}
		mustOK(t, gonvme(t, connect...), "gonvme connect with the host's key "+when)
		if cs := controllers(t); len(cs) != 1 || cs[0].SubsysNQN != sub {
			t.Errorf("%s: controllers %+v", when, cs)
		}
		disconnectAllKernel()
	}
	authenticates("as added")
	f := filepath.Join(t.TempDir(), "auth.json")
	gonvmeOK(t, "target", "save", f)
	b, err := os.ReadFile(f)
	fi, _ := os.Stat(f)
	if err != nil || !strings.Contains(string(b), secret) || fi.Mode().Perm() != 0o600 {
		t.Errorf("saved file (mode %v) lacks the key or is readable by others:\n%s", fi.Mode(), b)
	}
	gonvmeOK(t, "target", "clear")
	gonvmeOK(t, "target", "restore", f)
	authenticates("after save, clear and restore")
}
