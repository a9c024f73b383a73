//go:build e2e

package e2e

import (
	"encoding/hex"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/gonvme/gonvme/keyring"
)

const (
	tlsHost   = "nqn.2014-08.org.nvmexpress:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
	tlsSubsys = "nqn.2026-11.io.gonvme:e2e-tls"
	tlsSecret = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
)

// TestTLSKeyCommands: gen-tls-key and check-tls-key print what the suite's
// nvme-cli (2.13, 2.16) prints for the same input, and on 6.12 and 7.x
// their --insert puts the same TLS PSK, under the same identity, into the
// kernel's .nvme keyring. 6.1 has no TLS: no .nvme keyring, no psk type.
func TestTLSKeyCommands(t *testing.T) {
	bin, version := suiteNVMe(t)
	newSuite := version != "2.3"
	nq := []string{"-n", tlsHost, "-c", tlsSubsys}
	secret48 := tlsSecret + "202122232425262728292a2b2c2d2e2f"
	var keys []string
	for _, a := range [][]string{{"-s", tlsSecret}, {"-s", secret48, "-m", "2"}} {
		g := gonvme(t, append([]string{"gen-tls-key"}, a...)...)
		mustOK(t, g, "gonvme gen-tls-key")
		keys = append(keys, strings.TrimSpace(g.stdout))
		if newSuite {
			if s := runAs(t, nil, bin, append([]string{"gen-tls-key"}, a...)...); s.stdout != g.stdout {
				t.Errorf("gen-tls-key %q: gonvme %q, nvme-cli %s %q", a, g.stdout, version, s.stdout)
			}
		}
	}
	for _, k := range keys {
		for _, id := range []string{"0", "1"} {
			args := append([]string{"check-tls-key", "-d", k, "-I", id}, nq...)
			g := gonvme(t, args...)
			mustOK(t, g, "gonvme check-tls-key")
			if !strings.HasPrefix(g.stdout, "NVMe"+id+"R0") {
				t.Errorf("check-tls-key -I %s: %q", id, g.stdout)
			}
			if !newSuite {
				continue
			}
			if s, g := runAs(t, nil, bin, args...), gonvme(t, compatFor(version, args)...); s.stdout != g.stdout {
				t.Errorf("check-tls-key %q: gonvme %q, nvme-cli %s %q", args, g.stdout, version, s.stdout)
			}
		}
	}

	ins := gonvme(t, append([]string{"gen-tls-key", "-s", tlsSecret, "-i"}, nq...)...)
	if _, err := keyring.Find(hostRoot(), "keyring", ".nvme"); err != nil {
		t.Logf("no .nvme keyring (%v): kernel %s has no NVMe/TCP TLS", err, os.Getenv("GONVME_E2E_KERNEL"))
		if ins.code != 1 || !strings.Contains(ins.stderr, "modprobe nvme-keyring") {
			t.Errorf("gen-tls-key --insert without a .nvme keyring:\n%s", ins)
		}
		return
	}
	for _, id := range []string{"0", "1"} {
		args := append([]string{"check-tls-key", "-d", keys[0], "-I", id, "-i"}, nq...)
		g := gonvme(t, compatFor(version, args)...)
		gdesc, gpsk := insertedKey(t, g)
		s := runAs(t, nil, bin, args...)
		sdesc, spsk := insertedKey(t, s)
		if gdesc == "" || gdesc != sdesc || gpsk != spsk {
			t.Errorf("check-tls-key -I %s --insert: gonvme put %q, nvme-cli %s %q; the payloads are %s", id, gdesc, version, sdesc,
				map[bool]string{true: "the same", false: "different"}[gpsk == spsk])
		}
		if !strings.HasPrefix(gdesc, "psk;") {
			t.Errorf("inserted key %q is not of type psk", gdesc)
		}
	}
}

// compatFor adds --compat to gonvme's arguments when comparing with
// nvme-cli 2.13, whose only derivation is 2.16's --compat.
func compatFor(version string, args []string) []string {
	if version == "2.13" {
		return append(append([]string(nil), args...), "--compat")
	}
	return args
}

// insertedKey reads back the key an "Inserted TLS key %08x" line names:
// its description (type;uid;gid;perm;desc) and payload (hex), then revokes
// it.
func insertedKey(t *testing.T, r result) (desc, payload string) {
	t.Helper()
	h, ok := strings.CutPrefix(strings.TrimSpace(r.stdout), "Inserted TLS key ")
	if r.code != 0 || !ok {
		t.Errorf("--insert:\n%s", r)
		return "", ""
	}
	id, err := strconv.ParseUint(h, 16, 31)
	if err != nil {
		t.Fatalf("--insert printed serial %q: %v", h, err)
	}
	// Reading needs possession: link .nvme into this thread's session
	// keyring (gonvme's and nvme-cli's own links die with them).
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ring, err := keyring.Find(hostRoot(), "keyring", ".nvme")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := unix.KeyctlInt(unix.KEYCTL_LINK, ring, unix.KEY_SPEC_SESSION_KEYRING, 0, 0); err != nil {
		t.Fatalf("linking .nvme into the session keyring: %v", err)
	}
	desc, err = unix.KeyctlString(unix.KEYCTL_DESCRIBE, int(id))
	if err != nil {
		t.Fatalf("describing key %08x: %v", id, err)
	}
	buf := make([]byte, 128)
	n, err := unix.KeyctlBuffer(unix.KEYCTL_READ, int(id), buf, 0)
	if err != nil {
		t.Fatalf("reading key %08x: %v", id, err)
	}
	unix.KeyctlInt(unix.KEYCTL_REVOKE, int(id), 0, 0, 0)
	return desc, hex.EncodeToString(buf[:n])
}
