package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/nvmftest"
)

const (
	secret32  = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	hostKeyA  = "DHHC-1:00:ia6zGodOr4SEG0Zzaw398rpY0wqipUWj4jWjUh4HWUz6aQ2n:"
	keyHost1  = "nqn.2026-11.io.gonvme:host-1"
	keyForH1  = "DHHC-1:01:eDvlPiQZV52SLOD+KdNWrM790DEkhChK2kVtvwxm9DQVAw0s:" // nvme-cli 2.3: -s secret32 -m 1 -n keyHost1
	keyBodyH1 = "eDvlPiQZV52SLOD+KdNWrM790DEkhChK2kVtvwxm9DQVAw0s"
)

func TestGenDHCHAPKey(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	cases := []struct {
		args     []string
		code     int
		out, err string
	}{
		// Outputs of nvme-cli 2.3 for the same arguments.
		{[]string{"-s", secret32, "-m", "1", "-n", keyHost1}, 0, keyForH1 + "\n", ""},
		{[]string{"--secret", secret32, "--nqn", keyHost1}, 0, "DHHC-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:\n", ""},
		{[]string{"-s", secret32, "-m", "4"}, 2, "", "--hmac 4: must be 0"},
		{[]string{"-s", secret32, "-m", "2", "-l", "32"}, 2, "", "--hmac 2 (SHA-384) takes a 48-byte key"},
		{[]string{"-s", secret32, "-l", "40"}, 2, "", "--key-length 40: must be 32, 48 or 64"},
		{[]string{"-s", secret32, "-l", "48"}, 2, "", "--secret: 32 bytes, but the key is 48 bytes long"},
		{[]string{"-s", "0g" + secret32[2:]}, 2, "", "not an even number of hexadecimal digits (value not shown)"},
	}
	for _, c := range cases {
		r := run(t, f, append([]string{"gen-dhchap-key"}, c.args...)...)
		if r.code != c.code || r.stdout != c.out || !strings.Contains(r.stderr, c.err) {
			t.Errorf("gen-dhchap-key %v:\n%s", c.args, r)
		}
		if c.code != 0 && strings.Contains(r.stderr, secret32[4:]) {
			t.Errorf("the error shows the secret: %s", r.stderr)
		}
	}
}

// Without --nqn the key is bound to /etc/nvme/hostnqn, as nvme-cli does.
func TestGenDHCHAPKeyHostNQNFile(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	f.WriteFile(t, "/etc/nvme/hostnqn", keyHost1+"\n")
	if r := run(t, f, "gen-dhchap-key", "-s", secret32, "-m", "1"); r.code != 0 || r.stdout != keyForH1+"\n" {
		t.Errorf("%s", r)
	}
	bare := nvmftest.New(t, nvmftest.Bare)
	if r := run(t, bare, "gen-dhchap-key", "-m", "1"); r.code != 2 || !strings.Contains(r.stderr, "give --nqn") {
		t.Errorf("without a host NQN: %s", r)
	}
}

func TestGenDHCHAPKeyRandom(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	a := run(t, f, "gen-dhchap-key", "-l", "64")
	b := run(t, f, "gen-dhchap-key", "-l", "64")
	if a.code != 0 || a.stdout == b.stdout || !strings.HasPrefix(a.stdout, "DHHC-1:00:") || len(a.stdout) != 104 {
		t.Fatalf("two random keys:\n%s\n%s", a, b)
	}
	if r := run(t, f, "check-dhchap-key", "-k", strings.TrimSpace(a.stdout)); r.code != 0 || !strings.Contains(r.stdout, "length 64") {
		t.Errorf("check of a new key: %s", r)
	}
}

func TestCheckDHCHAPKey(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	keyFile := filepath.Join(t.TempDir(), "key")
	os.WriteFile(keyFile, []byte(keyForH1+"\n"), 0o600)
	cases := []struct {
		key      string
		code     int
		out, err string
	}{
		// The lines nvme-cli 2.3 prints for these keys.
		{hostKeyA, 0, "Key is valid (HMAC 0, length 32, CRC a70d69fa)\n", ""},
		{keyForH1, 0, "Key is valid (HMAC 1, length 32, CRC 2c0d0315)\n", ""},
		{"@" + keyFile, 0, "Key is valid (HMAC 1, length 32, CRC 2c0d0315)\n", ""},
		{"DHHC-2:01:" + keyBodyH1 + ":", 2, "", `does not start with "DHHC-1:"`},
		{"DHHC-1:07:" + keyBodyH1 + ":", 2, "", "hash 07 is unknown"},
		{"DHHC-1:02:" + keyBodyH1 + ":", 2, "", "hash 02 (SHA-384) needs a 48-byte key"},
		{"DHHC-1:01:" + keyBodyH1[:40] + ":", 2, "", "decodes to 30 bytes"},
		{"DHHC-1:01:A" + keyBodyH1[1:] + ":", 2, "", "does not match its key"},
		{"@" + keyFile + ".missing", 2, "", "no such file"},
	}
	for _, c := range cases {
		r := run(t, f, "check-dhchap-key", "-k", c.key)
		if r.code != c.code || r.stdout != c.out || !strings.Contains(r.stderr, c.err) {
			t.Errorf("check-dhchap-key -k %s:\n%s", c.key, r)
		}
		if strings.Contains(r.stderr, keyBodyH1[8:]) {
			t.Errorf("the error shows the key: %s", r.stderr)
		}
	}
	if r := run(t, f, "check-dhchap-key"); r.code != 2 || !strings.Contains(r.stderr, "--key (-k) not given") {
		t.Errorf("without -k: %s", r)
	}
}
