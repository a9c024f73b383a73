package dhchap

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// Output of nvme-cli 2.3 (libnvme 1.3 with OpenSSL) for
// 'nvme gen-dhchap-key -s SECRET -m HMAC -l LEN -n nqn.2026-11.io.gonvme:host-1'.
var genFixtures = []struct {
	secret string
	hash   Hash
	length int
	want   string
}{
	{"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", 0, 32, "DHHC-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:"},
	{"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f", 0, 48, "DHHC-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vcSEgBQ==:"},
	{"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f", 0, 64, "DHHC-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P4zODhA=:"},
	{"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", 1, 32, "DHHC-1:01:eDvlPiQZV52SLOD+KdNWrM790DEkhChK2kVtvwxm9DQVAw0s:"},
	{"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f", 2, 48, "DHHC-1:02:lb/e9QRdegAYFLRGNfyj2usU4taf3u521HGy5GPqcGSzSy9G0J0d8wetDIJl//zPChuQzw==:"},
	{"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f", 3, 64, "DHHC-1:03:cUmoa3x9GQftOOrcWijUzFfslIIBctWYlOrylBj1Fvpg8bKzPNlsqUrHkzCWiecAnTt/FZI8Chtimedm4hxGW/4oJig=:"},
}

func TestTransformMatchesNVMeCLI(t *testing.T) {
	for _, f := range genFixtures {
		secret, _ := hex.DecodeString(f.secret)
		k, err := Transform(secret, f.hash, "nqn.2026-11.io.gonvme:host-1")
		if err != nil {
			t.Fatalf("Transform(%d bytes, %v): %v", f.length, f.hash, err)
		}
		if got := k.Encode(); got != f.want {
			t.Errorf("hash %v, %d bytes: got %s, want %s", f.hash, f.length, got, f.want)
		}
		back, err := Parse(f.want)
		if err != nil || !bytes.Equal(back.Secret, k.Secret) || back.Hash != f.hash {
			t.Errorf("Parse(%s) = %+v, %v", f.want, back, err)
		}
	}
}

// CRCs nvme-cli 2.3's check-dhchap-key prints for the fixtures above.
func TestCRCMatchesNVMeCLI(t *testing.T) {
	for key, crc := range map[string]uint32{
		"DHHC-1:00:ia6zGodOr4SEG0Zzaw398rpY0wqipUWj4jWjUh4HWUz6aQ2n:": 0xa70d69fa,
		genFixtures[4].want: 0xcf901b0a,
		genFixtures[5].want: 0x282628fe,
		genFixtures[3].want: 0x2c0d0315,
	} {
		k, err := Parse(key)
		if err != nil {
			t.Fatal(err)
		}
		if k.CRC() != crc {
			t.Errorf("CRC of %s = %08x, want %08x", key, k.CRC(), crc)
		}
	}
}

func TestTransformRefusesMismatchedLength(t *testing.T) {
	if _, err := Transform(make([]byte, 48), SHA256, "nqn.x"); err == nil {
		t.Error("a 48-byte key with SHA-256 was accepted")
	}
	if _, err := Transform(make([]byte, 40), None, "nqn.x"); err == nil {
		t.Error("a 40-byte key was accepted")
	}
	if _, err := Transform(make([]byte, 32), 4, "nqn.x"); err == nil {
		t.Error("hash 4 was accepted")
	}
}

func TestCheckStrict(t *testing.T) {
	k, err := Parse("DHHC-1:02:" + strings.TrimPrefix(genFixtures[0].want, "DHHC-1:00:"))
	if err != nil {
		t.Fatalf("the kernel's rule refuses hash 02 with a 32-byte key: %v", err)
	}
	if err := k.CheckStrict(); err == nil || !strings.Contains(err.Error(), "needs a 48-byte key") {
		t.Errorf("CheckStrict = %v", err)
	}
}

func TestGenerate(t *testing.T) {
	b, err := Generate(bytes.NewReader(bytes.Repeat([]byte{7}, 64)), 48)
	if err != nil || len(b) != 48 || b[0] != 7 {
		t.Errorf("Generate = %x, %v", b, err)
	}
	if _, err := Generate(bytes.NewReader(nil), 32); err == nil {
		t.Error("a short random source was not reported")
	}
	if _, err := Generate(bytes.NewReader(make([]byte, 64)), 33); err == nil {
		t.Error("length 33 was accepted")
	}
}

func TestKeyStringIsRedacted(t *testing.T) {
	k, _ := Parse(genFixtures[3].want)
	if s := k.String(); s != "DHHC-1:01:<redacted>:" {
		t.Errorf("String() = %q", s)
	}
}

func TestParseErrors(t *testing.T) {
	good := genFixtures[0].want
	body := strings.TrimSuffix(strings.TrimPrefix(good, "DHHC-1:00:"), ":")
	cases := []struct {
		in, want string
	}{
		{"", `does not start with "DHHC-1:"`},
		{"DHHC-2:00:" + body + ":", `does not start with "DHHC-1:"`},
		{"DHHC-1:0:" + body + ":", "two-digit hash"},
		{"DHHC-1:zz:" + body + ":", "two-digit hash"},
		{"DHHC-1:04:" + body + ":", "hash 04 is unknown"},
		{"DHHC-1:00:" + body, "single ':'"},
		{"DHHC-1:00:" + body + "::", "single ':'"},
		{"DHHC-1:00:" + body[:len(body)-1] + ":", "not valid base64"},
		{"DHHC-1:00:" + body[:44] + ":", "decodes to 33 bytes"},
		{"DHHC-1:00:B" + body[1:] + ":", "does not match its key"},
	}
	for _, c := range cases {
		_, err := Parse(c.in)
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %v; want an *Error containing %q", c.in, err, c.want)
			continue
		}
		if len(c.in) > 12 && strings.Contains(err.Error(), c.in[10:]) {
			t.Errorf("the error repeats the secret: %v", err)
		}
	}
	_, err := Parse("DHHC-1:00:B" + body[1:] + ":")
	if !errors.Is(err, ErrCRC) {
		t.Errorf("CRC mismatch does not match ErrCRC: %v", err)
	}
}

func TestRedact(t *testing.T) {
	cases := map[string]string{
		"nvme nvme0: Invalid DH-CHAP secret " + genFixtures[3].want:                  "nvme nvme0: Invalid DH-CHAP secret DHHC-1:01:<redacted>:",
		"dhchap_secret=" + genFixtures[0].want + ",dhchap_ctrl_secret=DHHC-1:03:abc": "dhchap_secret=DHHC-1:00:<redacted>:,dhchap_ctrl_secret=DHHC-1:03:<redacted>",
		`"dhchap_key":"DHHC-1:xyz"`:                                                  `"dhchap_key":"DHHC-1:<redacted>"`,
		"DHHC-1:":                                                                    "DHHC-1:<redacted>",
		"no secret here":                                                             "no secret here",
	}
	for in, want := range cases {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzRedact(f *testing.F) {
	f.Add("x DHHC-1:01:" + strings.Repeat("A", 48) + ": y")
	f.Add("DHHC-1:DHHC-1:00:zz:")
	f.Fuzz(func(t *testing.T, s string) {
		out := Redact(s)
		if k, err := Parse(strings.TrimSpace(s)); err == nil && strings.Contains(out, k.Encode()[10:]) {
			t.Fatalf("Redact(%q) leaves the key: %q", s, out)
		}
	})
}
