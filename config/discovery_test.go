package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/gonvme/gonvme/hostfs"
)

func TestParseDiscoveryConfFile(t *testing.T) {
	f, err := os.Open("testdata/discovery.conf")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ParseDiscoveryConf(f, "discovery.conf")
	if err != nil {
		t.Fatalf("ParseDiscoveryConf: %v", err)
	}
	want := []ConfLine{
		{"discovery.conf", 3, []string{"--transport=rdma", "--traddr=169.254.99.1", "--trsvcid=4420"}},
		{"discovery.conf", 5, []string{"-t", "tcp", "-a", "169.254.98.1", "-s", "8009", "-q", "nqn.2014-08.org.nvmexpress:uuid:6f2a1c0e-8a4b-4c55-9d3e-2b7f0c1a9e44"}},
		{"discovery.conf", 6, []string{"--transport=tcp", "--traddr=fe80::1%eth0", "--host-iface=eth0", "--nqn=nqn.2023-01.io.example:unique dc"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseDiscoveryConf\n got %+v\nwant %+v", got, want)
	}
}

func TestSplitWords(t *testing.T) {
	cases := []struct {
		line string
		want []string
	}{
		{"", nil},
		{"   \t ", nil},
		{"# comment", nil},
		{"  # indented comment", nil},
		{"-a 1.2.3.4 # comment", []string{"-a", "1.2.3.4"}},
		{"-a x#y", []string{"-a", "x#y"}},
		{`--nqn="a b"`, []string{"--nqn=a b"}},
		{`"a\"b\\c\d"`, []string{`a"b\c\d`}},
		{`'a\"b' 'c'd`, []string{`a\"b`, "cd"}},
		{`'' ""`, []string{"", ""}},
		{`a\ b \#c`, []string{"a b", "#c"}},
		{"-a\tx", []string{"-a", "x"}},
		{"--traddr=ä", []string{"--traddr=ä"}},
	}
	for _, c := range cases {
		got, reason := splitWords(c.line)
		if reason != "" || !reflect.DeepEqual(got, c.want) {
			t.Errorf("splitWords(%q) = %q, %q; want %q", c.line, got, reason, c.want)
		}
	}
}

func TestParseDiscoveryConfErrors(t *testing.T) {
	cases := []struct {
		in, want string
	}{
		{"-a 1\n-a 'x\n", "d.conf:2: unterminated ' quote at column 4"},
		{`-a "x`, `d.conf:1: unterminated " quote at column 4`},
		{"-a x\\", "d.conf:1: ends with a backslash"},
		{"-a x\x00y", "d.conf:1: control character U+0000 at column 5"},
		{"# \x1b[31m\n", "d.conf:1: control character U+001B at column 3"},
		{"-a x\x7f", "d.conf:1: control character U+007F"},
		{"-a \u0085", "d.conf:1: control character U+0085"},
		{"-a x\ry", "d.conf:1: control character U+000D"},
		{"\n\n-a \xff", "d.conf:3: not valid UTF-8"},
		{strings.Repeat("a", maxLine+1), "d.conf:1: line longer than"},
	}
	for _, c := range cases {
		_, err := ParseDiscoveryConf(strings.NewReader(c.in), "d.conf")
		var ce *Error
		if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("ParseDiscoveryConf(%q) error = %v, want *Error starting %q", c.in, err, c.want)
		}
	}
}

func TestParseDiscoveryConfCRLF(t *testing.T) {
	got, err := ParseDiscoveryConf(strings.NewReader("-a 1\r\n\r\n# c\r\n-a 2\r\n"), "d.conf")
	want := []ConfLine{{"d.conf", 1, []string{"-a", "1"}}, {"d.conf", 4, []string{"-a", "2"}}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("CRLF file = %+v, %v; want %+v", got, err, want)
	}
}

func TestParseDiscoveryConfReadError(t *testing.T) {
	cause := errors.New("disk on fire")
	_, err := ParseDiscoveryConf(iotest.ErrReader(cause), "d.conf")
	if !errors.Is(err, cause) || !strings.Contains(err.Error(), "d.conf") {
		t.Fatalf("read error = %v, want one wrapping the cause and naming the file", err)
	}
}

func TestReadDiscoveryConf(t *testing.T) {
	root := t.TempDir()
	lines, err := ReadDiscoveryConf(hostfs.New(root))
	if lines != nil || err != nil {
		t.Fatalf("missing file: %v, %v; want nil, nil", lines, err)
	}
	p := filepath.Join(root, "etc/nvme/discovery.conf")
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadDiscoveryConf(hostfs.New(root)); err == nil {
		t.Fatal("a directory in place of the file: no error")
	}
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("-t rdma -a 1.2.3.4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lines, err = ReadDiscoveryConf(hostfs.New(root))
	want := []ConfLine{{p, 1, []string{"-t", "rdma", "-a", "1.2.3.4"}}}
	if err != nil || !reflect.DeepEqual(lines, want) {
		t.Fatalf("ReadDiscoveryConf = %+v, %v; want %+v", lines, err, want)
	}
}

func FuzzParseDiscoveryConf(f *testing.F) {
	seed, err := os.ReadFile("testdata/discovery.conf")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(seed))
	for _, s := range []string{"", "#", `-a "x\"y" 'z'`, "a\\ b\r\n", "'", "\x00", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lines, err := ParseDiscoveryConf(strings.NewReader(s), "f")
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) || ce.Line < 1 {
				t.Fatalf("error %v is not an *Error with a line", err)
			}
			return
		}
		prev := 0
		for _, l := range lines {
			if l.Line <= prev || len(l.Args) == 0 {
				t.Fatalf("bad line %+v after line %d", l, prev)
			}
			prev = l.Line
			for _, a := range l.Args {
				for _, r := range a {
					if isControl(r) {
						t.Fatalf("argument %q contains a control character", a)
					}
				}
			}
		}
	})
}
