package fabrics

import (
	"encoding/base64"
	"encoding/binary"
	"flag"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// The identity the 6.1 fixtures were captured with.
const (
	testHostNQN = "nqn.2014-08.org.nvmexpress:uuid:a1e0c3d2-5b6f-4e7a-8c9d-0123456789ab"
	testHostID  = "a1e0c3d2-5b6f-4e7a-8c9d-0123456789ab"
	testNQN     = "nqn.2026-11.io.gonvme:test1"
)

// specSecret is the example DH-HMAC-CHAP secret of the NVMe specification.
const specSecret = "DHHC-1:00:ia6zGodOr4SEG0Zzaw398rpY0wqipUWj4jWjUh4HWUz6aQ2n:"

// kernelFixtures is the tree captured from a Debian 6.1 kernel.
const kernelFixtures = "../testdata/kernel/6.1"

// makeSecret builds a well-formed secret with an n-byte key.
func makeSecret(hash string, n int) string {
	key := make([]byte, n, n+4)
	for i := range key {
		key[i] = byte(i*7 + 3)
	}
	key = binary.LittleEndian.AppendUint32(key, crc32.ChecksumIEEE(key))
	return fmt.Sprintf("DHHC-1:%s:%s:", hash, base64.StdEncoding.EncodeToString(key))
}

// golden compares got with testdata/golden/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run 'go test -run %s -update' to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs from golden file %s\n got: %s\nwant: %s", t.Name(), path, got, want)
	}
}

// readFixture reads a captured kernel fixture or skips when it is absent.
func readFixture(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(kernelFixtures, rel))
	if os.IsNotExist(err) {
		t.Skipf("kernel fixture %s not captured", rel)
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func tokenNames(encoded string) []string {
	var names []string
	for _, tok := range strings.Split(encoded, ",") {
		name, _, _ := strings.Cut(tok, "=")
		names = append(names, name)
	}
	return names
}

// check returns o validated, failing the test when it is not valid.
func check(t testing.TB, o Options) Validated {
	t.Helper()
	v, err := o.Check()
	if err != nil {
		t.Fatalf("Check(%+v): %v", o, err)
	}
	return v
}
