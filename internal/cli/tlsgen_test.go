package cli

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/nvmftest"
	"github.com/gonvme/gonvme/tlspsk"
)

// Expected outputs are nvme-cli 2.16's for the same arguments (its
// gen-tls-key/check-tls-key, and the payload and description of the key
// its --insert added, read back from the keyring; the key file it wrote).
const (
	tlsHost   = "nqn.2014-08.org.nvmexpress:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
	tlsSubsys = "nqn.2026-11.io.gonvme:tls"
	tlsSecret = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	tlsKey32  = "NVMeTLSkey-1:01:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:"
	tlsID0    = "NVMe0R01 " + tlsHost + " " + tlsSubsys
	tlsID1    = "NVMe1R01 " + tlsHost + " " + tlsSubsys + " xDUvIyr6Q0mdgAlsJI+0YYODukW0rZ7OvkTBky7iXNM="
	tlsID1C   = "NVMe1R01 " + tlsHost + " " + tlsSubsys + " dQWqBVQ0NSvvAqauRFIetsOM7jeHOeY+MoucojCYpU4="
	nvmeRing  = 0x2387d6a0
)

func tlsFake(t *testing.T) *nvmftest.Fake {
	f := nvmftest.New(t, nvmftest.Empty)
	f.WriteFile(t, "/proc/keys", "2387d6a0 I------     1 perm 1f0b0000     0     0 keyring   .nvme: 1\n")
	return f
}

func TestGenCheckTLSKey(t *testing.T) {
	nq := []string{"-n", tlsHost, "-c", tlsSubsys}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"gen-tls-key", "-s", tlsSecret}, tlsKey32 + "\n"},
		{[]string{"gen-tls-key", "--secret", tlsSecret + "202122232425262728292a2b2c2d2e2f", "--hmac=2"},
			"NVMeTLSkey-1:02:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vcSEgBQ==:\n"},
		{append([]string{"check-tls-key", "-d", tlsKey32}, nq...), tlsID0 + "\n"},
		{append([]string{"check-tls-key", "-d", tlsKey32, "-I", "1"}, nq...), tlsID1 + "\n"},
		{append([]string{"check-tls-key", "-d", tlsKey32, "-I", "1", "-C"}, nq...), tlsID1C + "\n"},
	}
	for _, tt := range tests {
		f := tlsFake(t)
		if r := run(t, f, tt.args...); r.code != 0 || r.stdout != tt.want || r.stderr != "" {
			t.Errorf("%q: %v\nwant %q", tt.args, r, tt.want)
		}
	}
	f := tlsFake(t)
	a, b := run(t, f, "gen-tls-key"), run(t, f, "gen-tls-key", "-m", "2")
	ka, erra := tlspsk.Parse(strings.TrimSuffix(a.stdout, "\n"))
	kb, errb := tlspsk.Parse(strings.TrimSuffix(b.stdout, "\n"))
	if erra != nil || errb != nil || ka.Hash != tlspsk.SHA256 || kb.Hash != tlspsk.SHA384 || a.stdout == run(t, f, "gen-tls-key").stdout {
		t.Errorf("random keys: %v %v %v %v", a, b, erra, errb)
	}
}

func TestTLSKeyInsert(t *testing.T) {
	f := tlsFake(t)
	kf := filepath.Join(f.Root, "keys")
	r := run(t, f, "gen-tls-key", "-s", tlsSecret, "-n", tlsHost, "-c", tlsSubsys, "-i", "-I", "1", "-f", "/keys")
	if r.code != 0 || r.stdout != tlsKey32+"\nInserted TLS key 10000000\n" {
		t.Fatalf("%v", r)
	}
	if f.Keys[nvmftest.KeyName(nvmeRing, "psk", tlsID1)] != 0x10000000 ||
		hex.EncodeToString(f.Payloads[0x10000000]) != "f022e7e7e01a930b768cc838ab6270adbd8a1de0a461784cc8086fdd54186638" {
		t.Errorf("keys %v payloads %x", f.Keys, f.Payloads)
	}
	b, err := os.ReadFile(kf)
	want := tlsID1 + " NVMeTLSkey-1:01:8CLn5+Aakwt2jMg4q2Jwrb2KHeCkYXhMyAhv3VQYZjgVd0r6:\n"
	if st, _ := os.Stat(kf); err != nil || string(b) != want || st.Mode().Perm() != 0o600 {
		t.Errorf("key file %q, %v; want %q, mode 0600", b, err, want)
	}
	r = run(t, f, "check-tls-key", "-d", tlsKey32, "-n", tlsHost, "-c", tlsSubsys, "--insert")
	if r.code != 0 || r.stdout != "Inserted TLS key 10000001\n" ||
		hex.EncodeToString(f.Payloads[0x10000001]) != "88864af7e6831ee9a6d0056251a7479093331df19e7f66b50f59a7da0aab30f7" {
		t.Errorf("check-tls-key --insert: %v %x", r, f.Payloads)
	}
	r = runWith(t, f, func(env *Env) {
		env.LookupEnv = func(k string) (string, bool) {
			return map[string]string{"LIBNVME_HOSTNQN": tlsHost}[k], k == "LIBNVME_HOSTNQN"
		}
	}, "check-tls-key", "-d", tlsKey32, "-c", tlsSubsys, "-I", "1")
	if r.code != 0 || r.stdout != tlsID1+"\n" {
		t.Errorf("LIBNVME_HOSTNQN: %v", r)
	}
}

func TestTLSKeyRefused(t *testing.T) {
	nq := []string{"-n", tlsHost, "-c", tlsSubsys}
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"gen-tls-key", "-s", "0011"}, 2, "2 bytes; this --hmac takes 32"},
		{[]string{"gen-tls-key", "-s", tlsSecret + "00"}, 2, "33 bytes"},
		{[]string{"gen-tls-key", "-s", tlsSecret[1:]}, 2, "odd number of digits"},
		{[]string{"gen-tls-key", "-s", "zz" + tlsSecret[2:]}, 2, "not a hex digit"},
		{[]string{"gen-tls-key", "-m", "0"}, 2, "--hmac: 0"},
		{[]string{"gen-tls-key", "-I", "2"}, 2, "--identity: 2"},
		{[]string{"gen-tls-key", "-i", "-n", tlsHost}, 2, "--subsysnqn: give"},
		{[]string{"gen-tls-key", "-i", "-c", "bad nqn"}, 2, "--subsysnqn"},
		{[]string{"gen-tls-key", "-f", "/keys"}, 2, "--keyfile needs --insert"},
		{append([]string{"gen-tls-key", "-i", "-k", "a\nb"}, nq...), 2, "control character"},
		{[]string{"check-tls-key", "-c", tlsSubsys}, 2, "--keydata: give"},
		{append([]string{"check-tls-key", "-d", strings.Replace(tlsKey32, "AAEC", "AAED", 1)}, nq...), 2, "CRC-32 mismatch"},
		{append([]string{"check-tls-key", "-d", "NVMeTLSkey-1:01:xyz:"}, nq...), 2, "not a PSK in interchange form"},
		{[]string{"check-tls-key", "-d", tlsKey32, "-c", tlsSubsys}, 2, "no host NQN"},
		{append([]string{"check-tls-key", "-d", tlsKey32, "-i", "-k", "other"}, nq...), 1, `no keyring "other"`},
		{append([]string{"check-tls-key", "-d", tlsKey32, "-i", "-t", "asymmetric"}, nq...), 1, "no such device"},
	}
	for _, tt := range tests {
		f := tlsFake(t)
		os.Remove(filepath.Join(f.Root, "etc/nvme/hostnqn"))
		r := run(t, f, tt.args...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.want) || len(f.Payloads) != 0 {
			t.Errorf("%q: %v\nwant exit %d and %q, no key added (%d)", tt.args, r, tt.code, tt.want, len(f.Payloads))
		}
		if strings.Contains(r.stderr, "AAEC") || strings.Contains(r.stderr, tlsSecret[8:]) {
			t.Errorf("%q: the error shows the key: %v", tt.args, r)
		}
	}
}
