package nqn

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/gonvme/gonvme/internal/hostfs"
)

func TestValidate(t *testing.T) {
	good := []string{
		Discovery,
		"nqn.2014-08.org.nvmexpress:uuid:6f2a1c0e-8a4b-4c55-9d3e-2b7f0c1a9e44",
		"nqn.2026-11.io.gonvme:test-1",
		"nqn.2016-06.io.spdk:cnode1",
		"nqn.2014-08.com.example:nvme:nvm-subsystem-sn-d78432",
		"nqn.2026-11.io.gonvme",
		"nqn.2026-11.io.gonvme:" + strings.Repeat("x", MaxLen-len("nqn.2026-11.io.gonvme:")),
		"nqn.2026-11.io.gonvme:ünïcode",
	}
	for _, s := range good {
		if err := Validate(s); err != nil {
			t.Errorf("Validate(%q) = %v, want nil", s, err)
		}
	}
	bad := map[string]string{
		"":                                 "empty",
		"testnqn":                          `must start with "nqn."`,
		"nqn.2026-11.io.gonvme:a,b":        "contains ','",
		"nqn.2026-11.io.gonvme:a=b":        "contains '='",
		"nqn.2026-11.io.gonvme:a b":        "white space",
		"nqn.2026-11.io.gonvme:a\nb":       "control character",
		"nqn.2026-11.io.gonvme:a\x00":      "control character",
		"nqn.2026-11.io.gonvme:a\tb":       "control character",
		"nqn.2026-11.io.gonvme:\xff":       "UTF-8",
		"nqn.2026-13.io.gonvme:x":          "date",
		"nqn.26-11.io.gonvme:x":            "date",
		"nqn.2026-11:x":                    "date",
		"nqn.2026-11.io..gonvme:x":         "reverse domain",
		"nqn.2026-11.-io.gonvme:x":         "reverse domain",
		"nqn.2026-11.io_x.gonvme:x":        "reverse domain",
		UUIDPrefix + "not-a-uuid":          "36-character UUID",
		UUIDPrefix + uuid.Nil.String()[1:]: "36-character UUID",
		"nqn.2026-11.io.gonvme:" + strings.Repeat("x", MaxLen): "limit is 223",
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

func TestResolveIdentity(t *testing.T) {
	other := "0b9a1c3e-1111-4c55-9d3e-2b7f0c1a9e44"
	cases := []struct {
		name            string
		files           map[string]string
		flagNQN, flagID string
		wantNQN, wantID string
		wantErr         string
	}{
		{name: "files", files: map[string]string{HostNQNFile: testNQN + "\n", HostIDFile: other + "\n"}, wantNQN: testNQN, wantID: other},
		{name: "hostid derived from hostnqn", files: map[string]string{HostNQNFile: testNQN + "\n"}, wantNQN: testNQN, wantID: testUUID},
		{name: "flags win", files: map[string]string{HostNQNFile: "garbage"}, flagNQN: "nqn.2026-11.io.gonvme:host", flagID: other, wantNQN: "nqn.2026-11.io.gonvme:host", wantID: other},
		{name: "bad hostnqn file", files: map[string]string{HostNQNFile: "nqn.bad,x\n"}, wantErr: "/etc/nvme/hostnqn"},
		{name: "bad hostid file", files: map[string]string{HostNQNFile: testNQN, HostIDFile: "xyz"}, wantErr: "/etc/nvme/hostid"},
		{name: "bad flag", flagNQN: "nqn.2026-11.io.gonvme:a=b", wantErr: "--hostnqn"},
		{name: "bad hostid flag", flagID: "1234", wantErr: "--hostid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			for f, v := range c.files {
				writeFile(t, root, f, v)
			}
			id, err := ResolveIdentity(hostfs.New(root), c.flagNQN, c.flagID)
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
	t.Run("nothing configured", func(t *testing.T) {
		id, err := ResolveIdentity(hostfs.New(t.TempDir()), "", "")
		if err != nil {
			t.Fatal(err)
		}
		u, ok := UUIDOf(id.HostNQN)
		if !ok || u.String() != id.HostID {
			t.Fatalf("generated identity %+v: hostid must equal the uuid in the hostnqn", id)
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
		if len(s) > MaxLen || strings.ContainsAny(s, ",= \n\t\r\x00") {
			t.Fatalf("Validate accepted %q", s)
		}
	})
}
