package tlspsk

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

// testdata/tls-keys-2.16 is what 'nvme tls-key --export' (nvme-cli 2.16,
// kernel 7.2) wrote for the .nvme keyring after 'nvme gen-tls-key -i' of
// the 32-byte key (-m 1) for subsystems nqn.a:one (-I 0) and nqn.a:two (-I
// 1) and the 48-byte one (-m 2) for nqn.a:three (-I 1) and nqn.a:four (-I
// 0), host tlsHost. Identity 0 keys get "NVMeTLSkey-0:", which nvme-cli
// 2.16's own import refuses.
func TestKeyFileOfNVMeCLI(t *testing.T) {
	b, err := os.ReadFile("testdata/tls-keys-2.16")
	if err != nil {
		t.Fatal(err)
	}
	keys, bad := ParseKeyFile(b)
	if len(bad) != 0 || len(keys) != 4 {
		t.Fatalf("ParseKeyFile: %d keys, bad lines %v", len(keys), bad)
	}
	secrets := map[Hash]string{SHA256: key32, SHA384: key48}
	var out bytes.Buffer
	for i, k := range keys {
		line, err := KeyFileLine(k.Identity, k.PSK)
		if err != nil {
			t.Fatalf("KeyFileLine(%q): %v", k.Identity, err)
		}
		out.WriteString(line)
		if k.Line != i+1 {
			t.Errorf("key %d: line %d", i, k.Line)
		}
		v, h, err := IdentityParams(k.Identity)
		if err != nil {
			t.Fatal(err)
		}
		f := strings.Fields(k.Identity)
		ck, _ := Parse(secrets[h])
		d, err := Derive(ck, Params{HostNQN: f[1], SubsysNQN: f[2], Version: v})
		if err != nil || d.Identity != k.Identity || !bytes.Equal(d.PSK, k.PSK) {
			t.Errorf("%q: the exported PSK is not the one Derive gives (%q, %v)", k.Identity, d.Identity, err)
		}
	}
	if out.String() != string(b) {
		t.Errorf("KeyFileLine of the parsed keys:\n%s\nwant nvme-cli's:\n%s", out.String(), b)
	}
}

func TestKeyFileBadLines(t *testing.T) {
	good := "NVMe0R01 " + host + " " + subsys + " " + key32
	file := strings.Join([]string{
		"# a comment",
		good + "\r",
		"",
		"nospace",
		" " + key32,
		"NVMe0R01 id\x01x " + key32,
		"NVMe0R01 id " + strings.Replace(key32, "AAEC", "AAED", 1),
		"NVMe0R01 id NVMeTLSkey-2:01:" + key32[16:],
		good,
	}, "\n")
	keys, bad := ParseKeyFile([]byte(file))
	if len(keys) != 2 || keys[0].Line != 2 || keys[1].Line != 9 || keys[0].Identity != "NVMe0R01 "+host+" "+subsys {
		t.Errorf("keys %+v", keys)
	}
	want := map[int]error{4: ErrFormat, 5: ErrIdentity, 6: ErrIdentity, 7: ErrCRC, 8: ErrFormat}
	if len(bad) != len(want) {
		t.Errorf("bad lines %v", bad)
	}
	for _, e := range bad {
		if !errors.Is(e, want[e.Line]) {
			t.Errorf("line %d: %v; want %v", e.Line, e, want[e.Line])
		}
		if strings.Contains(e.Error(), "AAEC") || strings.Contains(e.Error(), "AAED") {
			t.Errorf("line %d: the error shows the key: %v", e.Line, e)
		}
	}
}

func TestIdentityParams(t *testing.T) {
	for id, want := range map[string][2]int{"NVMe0R01 h s": {0, 1}, "NVMe1R02 h s d": {1, 2}, "NVMe1G1x": {1, 1}, "NVMe9R00": {9, 0}} {
		v, h, err := IdentityParams(id)
		if err != nil || v != want[0] || int(h) != want[1] {
			t.Errorf("IdentityParams(%q) = %d %d %v", id, v, h, err)
		}
	}
	for _, id := range []string{"", "NVMe", "NVMeXR01", "NVMe0R", "NVMe0Rxx", "nvme0R01"} {
		if _, _, err := IdentityParams(id); !errors.Is(err, ErrIdentity) {
			t.Errorf("IdentityParams(%q): %v", id, err)
		}
	}
	if _, err := KeyFileLine("NVMe0R03 h s", make([]byte, 32)); !errors.Is(err, ErrFormat) {
		t.Errorf("KeyFileLine with hash 03: %v", err)
	}
	if _, err := KeyFileLine("NVMe0R02 h s", make([]byte, 32)); !errors.Is(err, ErrFormat) {
		t.Errorf("KeyFileLine of a 32-byte key with hash 02: %v", err)
	}
}
