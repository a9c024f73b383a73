package kcrypto

import (
	"os"
	"path/filepath"
	"testing"
)

// The fixtures are /proc/crypto of the e2e guests (6.12.117, 7.2.13) after
// boot, with aesni_intel providing gcm(aes), and after 'rmmod aesni_intel
// gcm', when nothing provides it.
func TestLists(t *testing.T) {
	for _, tc := range []struct {
		file, name, typ string
		want            bool
	}{
		{"proc-crypto-6.12-boot", "gcm(aes)", "aead", true},
		{"proc-crypto-7.2-boot", "gcm(aes)", "aead", true},
		{"proc-crypto-6.12-nogcm", "gcm(aes)", "aead", false},
		{"proc-crypto-7.2-nogcm", "gcm(aes)", "aead", false},
		{"proc-crypto-7.2-boot", "__gcm(aes)", "aead", false}, // internal : yes
		{"proc-crypto-7.2-boot", "gcm(aes)", "skcipher", false},
		{"proc-crypto-7.2-nogcm", "sha256", "shash", true},
		{"proc-crypto-7.2-nogcm", "ecdsa-nist-p521", "sig", true},
		{"proc-crypto-7.2-nogcm", "ecdsa-nist-p521", "akcipher", false},
	} {
		b, err := os.ReadFile(filepath.Join("testdata", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		if got := Lists(b, tc.name, tc.typ); got != tc.want {
			t.Errorf("%s: Lists(%q, %q) = %v, want %v", tc.file, tc.name, tc.typ, got, tc.want)
		}
	}
	if Lists(nil, "gcm(aes)", "aead") {
		t.Error("an empty /proc/crypto lists gcm(aes)")
	}
	// The last entry, with no blank line after it.
	if !Lists([]byte("name : gcm(aes)\ntype : aead"), "gcm(aes)", "aead") {
		t.Error("the last entry was not read")
	}
}
