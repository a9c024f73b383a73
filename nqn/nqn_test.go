package nqn

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/gonvme/gonvme/hostfs"
)

func TestValidate(t *testing.T) {
	good := []string{
		Discovery,
		"nqn.2014-08.org.nvmexpress:uuid:6f2a1c0e-8a4b-4c55-9d3e-2b7f0c1a9e44",
		"nqn.2026-11.io.gonvme:test-1",
		"nqn.2016-06.io.spdk:cnode1",
		// The names of the guides gonvme comes from: the kernel target
		// serves them and the host driver connects to them.
		"toto",
		"nvme-subsystem-name",
		"ahnselina_test",
		"testnqn",
		UUIDPrefix + "not-a-uuid",
		"nqn.2026-11.io.gonvme:ünïcode",
		strings.Repeat("x", MaxLen),
	}
	for _, s := range good {
		if err := Validate(s); err != nil {
			t.Errorf("Validate(%q) = %v, want nil", s, err)
		}
	}
	bad := map[string]string{
		"":                            "empty",
		"nqn.2026-11.io.gonvme:a,b":   "contains ','",
		"toto,hostnqn=x":              "contains ','",
		"a=b":                         "contains '='",
		"nqn.2026-11.io.gonvme:a b":   "white space",
		"a\nb":                        "control character",
		"a\x00":                       "control character",
		"a\tb":                        "control character",
		"\xff":                        "UTF-8",
		strings.Repeat("x", MaxLen+1): "at most 222",
	}
	for s, want := range bad {
		err := Validate(s)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Validate(%q) = %v, want *Error", s, err)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate(%q) = %q, want it to mention %q", s, err, want)
		}
	}
}

// The kernel refuses strlen >= NVMF_NQN_SIZE (223): 222 bytes is the
// longest name it takes.
func TestMaxLenIsKernelLimit(t *testing.T) {
	if MaxLen != 222 {
		t.Fatalf("MaxLen = %d, the kernel accepts at most 222 bytes", MaxLen)
	}
	if Validate(strings.Repeat("n", 222)) != nil || Validate(strings.Repeat("n", 223)) == nil {
		t.Fatal("the 222/223-byte boundary is off")
	}
}

func TestSpecForm(t *testing.T) {
	for _, s := range []string{Discovery, testNQN, "nqn.2026-11.io.gonvme", "nqn.2014-08.com.example:nvme:nvm-subsystem-sn-d78432"} {
		if err := SpecForm(s); err != nil {
			t.Errorf("SpecForm(%q) = %v", s, err)
		}
	}
	for s, want := range map[string]string{
		"toto":                     `does not start with "nqn."`,
		"nqn.2026-13.io.gonvme:x":  "date",
		"nqn.2026-11.io..gonvme:x": "reverse domain",
		UUIDPrefix + "not-a-uuid":  "36-character UUID",
	} {
		if err := SpecForm(s); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("SpecForm(%q) = %v, want it to mention %q", s, err, want)
		}
	}
}

func TestUUIDRoundTrip(t *testing.T) {
	u := uuid.MustParse("6f2a1c0e-8a4b-4c55-9d3e-2b7f0c1a9e44")
	got, ok := UUIDOf(FromUUID(u))
	if !ok || got != u {
		t.Fatalf("UUIDOf(FromUUID(%v)) = %v, %v", u, got, ok)
	}
	if _, ok := UUIDOf("nqn.2026-11.io.gonvme:x"); ok {
		t.Fatal("UUIDOf accepted a non-UUID NQN")
	}
}

func TestValidateHostID(t *testing.T) {
	if err := ValidateHostID("6f2a1c0e-8a4b-4c55-9d3e-2b7f0c1a9e44"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"", "6f2a1c0e", "6f2a1c0e-8a4b-4c55-9d3e-2b7f0c1a9e4g", "6f2a1c0e-8a4b-4c55-9d3e-2b7f0c1a9e44,x"} {
		if err := ValidateHostID(s); err == nil {
			t.Errorf("ValidateHostID(%q) = nil", s)
		}
	}
}

func writeFile(t *testing.T, root, abs, content string) {
	t.Helper()
	p := filepath.Join(root, abs)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

const (
	testUUID = "6f2a1c0e-8a4b-4c55-9d3e-2b7f0c1a9e44"
	testNQN  = UUIDPrefix + testUUID
)

func TestGenerate(t *testing.T) {
	dmi := "4c4c4544-0042-3510-8052-b4c04f4d3732"
	cases := []struct {
		name, product string
		wantDMI       bool
	}{
		{"valid DMI uuid", dmi + "\n", true},
		{"all zeros", "00000000-0000-0000-0000-000000000000\n", false},
		{"all ones", "ffffffff-ffff-ffff-ffff-ffffffffffff\n", false},
		{"garbage", "Not Settable\n", false},
		{"missing", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			if c.product != "" {
				writeFile(t, root, ProductUUIDFile, c.product)
			}
			got := Generate(hostfs.New(root))
			if err := Validate(got); err != nil {
				t.Fatalf("Generate() = %q: %v", got, err)
			}
			if c.wantDMI != (got == UUIDPrefix+dmi) {
				t.Fatalf("Generate() = %q, want DMI-derived %v", got, c.wantDMI)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	other := "0b9a1c3e-1111-4c55-9d3e-2b7f0c1a9e44"
	cfgNQN := "nqn.2026-11.io.gonvme:cfghost"
	cases := []struct {
		name            string
		files           map[string]string
		env             map[string]string
		config          Identity
		flagNQN, flagID string
		wantNQN, wantID string
		wantErr         string
	}{
		{name: "files", files: map[string]string{HostNQNFile: testNQN + "\n", HostIDFile: other + "\n"}, wantNQN: testNQN, wantID: other},
		{name: "hostid derived from hostnqn", files: map[string]string{HostNQNFile: testNQN + "\n"}, wantNQN: testNQN, wantID: testUUID},
		{name: "hostnqn derived from hostid", files: map[string]string{HostIDFile: other}, wantNQN: UUIDPrefix + other, wantID: other},
		{name: "bare name in file", files: map[string]string{HostNQNFile: "nvme-subsystem-name\n", HostIDFile: other}, wantNQN: "nvme-subsystem-name", wantID: other},
		{name: "comments and CRLF", files: map[string]string{HostNQNFile: "# written by hand\r\n\r\n" + testNQN + " \r\n", HostIDFile: "\n#x\n" + other + "\r\n"}, wantNQN: testNQN, wantID: other},
		{name: "flags win", files: map[string]string{HostNQNFile: "garbage,x"}, flagNQN: "toto", flagID: other, wantNQN: "toto", wantID: other},
		{name: "config.json host before files", files: map[string]string{HostNQNFile: testNQN, HostIDFile: testUUID}, config: Identity{cfgNQN, other}, wantNQN: cfgNQN, wantID: other},
		{name: "config.json hostnqn only", files: map[string]string{HostIDFile: testUUID}, config: Identity{HostNQN: cfgNQN}, wantNQN: cfgNQN, wantID: testUUID},
		{name: "flags before config.json", config: Identity{cfgNQN, other}, flagNQN: testNQN, wantNQN: testNQN, wantID: other},
		{name: "env wins over files", files: map[string]string{HostNQNFile: testNQN, HostIDFile: testUUID}, env: map[string]string{HostNQNEnv: "envhost", HostIDEnv: other}, wantNQN: "envhost", wantID: other},
		{name: "empty env means none", files: map[string]string{HostNQNFile: "nqn.x:filehost", HostIDFile: other}, env: map[string]string{HostNQNEnv: ""}, wantNQN: UUIDPrefix + other, wantID: other},
		{name: "bad env", env: map[string]string{HostNQNEnv: "a,b"}, wantErr: HostNQNEnv},
		{name: "white space inside file", files: map[string]string{HostNQNFile: "nqn.x: y\n"}, wantErr: "/etc/nvme/hostnqn:1: contains white space"},
		{name: "control character inside file", files: map[string]string{HostNQNFile: "# c\nnqn.x:\x01y\n"}, wantErr: "/etc/nvme/hostnqn:2: contains white space or a control character (U+0001)"},
		{name: "comma in file", files: map[string]string{HostNQNFile: "nqn.bad,x\n"}, wantErr: "/etc/nvme/hostnqn"},
		{name: "bad hostid file", files: map[string]string{HostNQNFile: testNQN, HostIDFile: "xyz"}, wantErr: "/etc/nvme/hostid"},
		{name: "bad config hostid", config: Identity{HostID: "nope"}, wantErr: "config.json hostid"},
		{name: "bad flag", flagNQN: "nqn.2026-11.io.gonvme:a=b", wantErr: "--hostnqn"},
		{name: "bad hostid flag", flagID: "1234", wantErr: "--hostid"},
		{name: "too long", flagNQN: strings.Repeat("q", 223), wantErr: "at most 222"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			for f, v := range c.files {
				writeFile(t, root, f, v)
			}
			env := func(k string) (string, bool) { v, ok := c.env[k]; return v, ok }
			id, err := Resolve(Sources{FS: hostfs.New(root), LookupEnv: env, Config: c.config}, c.flagNQN, c.flagID)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if id.HostNQN != c.wantNQN || id.HostID != c.wantID {
				t.Fatalf("got %+v, want %s / %s", id, c.wantNQN, c.wantID)
			}
		})
	}
}

func TestResolveGenerated(t *testing.T) {
	noEnv := func(string) (string, bool) { return "", false }
	resolve := func(root string) Identity {
		t.Helper()
		id, err := Resolve(Sources{FS: hostfs.New(root), LookupEnv: noEnv}, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if u, ok := UUIDOf(id.HostNQN); !ok || u.String() != id.HostID {
			t.Fatalf("generated identity %+v: hostid must equal the uuid in the hostnqn", id)
		}
		return id
	}
	t.Run("DMI product UUID", func(t *testing.T) {
		root := t.TempDir()
		writeFile(t, root, ProductUUIDFile, "4c4c4544-0042-3510-8052-b4c04f4d3732\n")
		writeFile(t, root, MachineIDFile, "0123456789abcdef0123456789abcdef\n")
		if id := resolve(root); id.HostID != "4c4c4544-0042-3510-8052-b4c04f4d3732" {
			t.Fatalf("got %+v", id)
		}
	})
	t.Run("machine-id, stable and not the raw id", func(t *testing.T) {
		root := t.TempDir()
		writeFile(t, root, ProductUUIDFile, "00000000-0000-0000-0000-000000000000\n")
		const mid = "0123456789abcdef0123456789abcdef"
		writeFile(t, root, MachineIDFile, mid+"\n")
		a, b := resolve(root), resolve(root)
		if a != b {
			t.Fatalf("two runs gave %+v and %+v", a, b)
		}
		if strings.Contains(strings.ReplaceAll(a.HostID, "-", ""), mid[:16]) {
			t.Fatalf("host ID %s exposes the machine ID", a.HostID)
		}
		if u := uuid.MustParse(a.HostID); u.Version() != 4 || u.Variant() != uuid.RFC4122 {
			t.Fatalf("host ID %s is not a version 4 UUID", a.HostID)
		}
		other := t.TempDir()
		writeFile(t, other, MachineIDFile, "fedcba9876543210fedcba9876543210\n")
		if resolve(other) == a {
			t.Fatal("two machine IDs gave one host ID")
		}
	})
	t.Run("all-ones DMI and no machine-id: random", func(t *testing.T) {
		root := t.TempDir()
		writeFile(t, root, ProductUUIDFile, "ffffffff-ffff-ffff-ffff-ffffffffffff\n")
		if a, b := resolve(root), resolve(root); a == b || a.HostID == uuid.Max.String() {
			t.Fatalf("got %+v and %+v", a, b)
		}
	})
}

func FuzzValidate(f *testing.F) {
	for _, s := range []string{Discovery, testNQN, "nqn.2026-11.io.gonvme:x", "a,b", "nqn.2026-11.x:\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if Validate(s) != nil {
			return
		}
		if len(s) > MaxLen || strings.ContainsAny(s, ",= \n\t\r\x00") || !utf8.ValidString(s) {
			t.Fatalf("Validate accepted %q", s)
		}
	})
}
