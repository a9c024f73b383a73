package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func testDoc(t *testing.T) doc {
	t.Helper()
	return build("1.2.3", "2024-05-06")
}

func TestEveryCommandHasAPage(t *testing.T) {
	d := testDoc(t)
	if len(d.Commands) == 0 {
		t.Fatal("no commands in the definition")
	}
	ps := pages(d)
	if len(ps) != len(d.Commands)+1 {
		t.Fatalf("%d pages for %d commands", len(ps), len(d.Commands))
	}
	byName := map[string]string{}
	for _, p := range ps {
		byName[p.Name] = p.Text
	}
	main := byName["gonvme.8"]
	if !strings.Contains(main, `.TH GONVME 8 2024-05-06 "gonvme 1.2.3" "gonvme Manual"`) {
		t.Errorf("gonvme.8 header wrong:\n%s", firstLines(main, 4))
	}
	for _, c := range d.Commands {
		text, ok := byName["gonvme-"+c.Name+".8"]
		if !ok {
			t.Errorf("no page for %s", c.Name)
			continue
		}
		if !strings.Contains(text, ".SH NAME\ngonvme\\-"+c.Name+" \\- ") {
			t.Errorf("gonvme-%s.8: NAME section not in whatis form:\n%s", c.Name, text)
		}
		if !strings.Contains(main, `\fBgonvme\-`+c.Name+`\fR(8)`) {
			t.Errorf("gonvme.8 does not list gonvme-%s(8)", c.Name)
		}
		for _, o := range c.Options {
			if !strings.Contains(text, `\fB\-\-`+escape(o.Long)+`\fR`) {
				t.Errorf("gonvme-%s.8 does not document --%s", c.Name, o.Long)
			}
		}
	}
}

func TestConnectPageDocumentsFabricsFlags(t *testing.T) {
	d := testDoc(t)
	var text string
	for _, p := range pages(d) {
		if p.Name == "gonvme-connect.8" {
			text = p.Text
		}
	}
	for _, want := range []string{
		`\fB\-t\fR, \fB\-\-transport\fR=\fITRANSPORT\fR`,
		`\fB\-J\fR, \fB\-\-config\fR=\fIFILE\fR`,
		`(default: /etc/nvme/config.json)`,
		`\fB\-h\fR, \fB\-\-help\fR`,
		".SH EXAMPLES",
		"gonvme connect \\-t tcp \\-a 192.0.2.20",
		".SH FILES",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("gonvme-connect.8 lacks %q", want)
		}
	}
}

func TestListSubsysPageShowsDevice(t *testing.T) {
	for _, p := range pages(testDoc(t)) {
		if p.Name == "gonvme-list-subsys.8" {
			if !strings.Contains(p.Text, "\n\\fI[DEVICE]\\fR\n.SH DESCRIPTION") {
				t.Errorf("gonvme-list-subsys.8: the synopsis does not end in [DEVICE]:\n%s", p.Text)
			}
			return
		}
	}
	t.Fatal("no gonvme-list-subsys.8")
}

// TestExamplesUseRealFlags keeps the hand-written examples in step with the
// definitions.
func TestExamplesUseRealFlags(t *testing.T) {
	d := testDoc(t)
	cmds := map[string]command{}
	for _, c := range d.Commands {
		cmds[c.Name] = c
	}
	for name, exs := range commandExamples {
		c, ok := cmds[name]
		if !ok {
			t.Errorf("examples for unknown command %q", name)
			continue
		}
		var spellings []string
		for _, o := range c.Options {
			spellings = append(spellings, o.spellings()...)
		}
		for _, e := range exs {
			words := strings.Fields(e.Command)
			i := slices.Index(words, "gonvme")
			if i < 0 || i+1 >= len(words) || words[i+1] != name {
				t.Errorf("%s example %q does not run gonvme %s", name, e.Command, name)
				continue
			}
			for _, w := range words[i+2:] {
				if strings.ContainsAny(w[:1], "|>;&") {
					break
				}
				if !strings.HasPrefix(w, "-") {
					continue
				}
				flag, _, _ := strings.Cut(w, "=")
				if !slices.Contains(spellings, flag) {
					t.Errorf("%s example %q uses %s, which the command does not have", name, e.Command, flag)
				}
			}
		}
	}
	for name := range commandFiles {
		if _, ok := cmds[name]; !ok {
			t.Errorf("files for unknown command %q", name)
		}
	}
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"use --nqn or -n":             `use \-\-nqn or \-n`,
		"NVMe-oF and connect-all":     "NVMe-oF and connect-all",
		`a\b`:                         `a\eb`,
		"(-1 for never)":              `(\-1 for never)`,
		"--config=none, or -o=json":   `\-\-config=none, or \-o=json`,
		"value='-x' path=/dev/-weird": `value='\-x' path=/dev/\-weird`,
	} {
		if got := escape(in); got != want {
			t.Errorf("escape(%q) = %q, want %q", in, got, want)
		}
	}
	var r roff
	r.text(".starts with a dot\n'and a quote")
	if got := r.b.String(); got != "\\&.starts with a dot\n\\&'and a quote\n" {
		t.Errorf("control characters at line start not protected: %q", got)
	}
}

func TestPageDate(t *testing.T) {
	got, err := pageDate("1700000000", time.Time{})
	if err != nil || got != "2023-11-14" {
		t.Errorf("pageDate(1700000000) = %q, %v", got, err)
	}
	now := time.Date(2030, 1, 2, 23, 0, 0, 0, time.UTC)
	if got, _ := pageDate("", now); got != "2030-01-02" {
		t.Errorf("pageDate without SOURCE_DATE_EPOCH = %q", got)
	}
	if _, err := pageDate("yesterday", now); err == nil {
		t.Error("pageDate accepted a bad SOURCE_DATE_EPOCH")
	}
}

func TestGzipIsReproducible(t *testing.T) {
	a, err := gzipped([]byte("same text\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := gzipped([]byte("same text\n"))
	if !bytes.Equal(a, b) {
		t.Error("two compressions of the same text differ")
	}
	zr, err := gzip.NewReader(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || !zr.ModTime.IsZero() {
		t.Errorf("gzip header carries name %q, time %v", zr.Name, zr.ModTime)
	}
	if got, _ := io.ReadAll(zr); string(got) != "same text\n" {
		t.Errorf("round trip gave %q", got)
	}
}

func TestRunWritesEverything(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	outs := func(sub string) map[string][]byte {
		base := filepath.Join(dir, sub)
		if err := run([]string{"-version", "9.9.9", "-man", filepath.Join(base, "man"), "-gzip",
			"-bash", filepath.Join(base, "gonvme"), "-zsh", filepath.Join(base, "_gonvme")}); err != nil {
			t.Fatal(err)
		}
		got := map[string][]byte{}
		filepath.Walk(base, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				b, _ := os.ReadFile(p)
				rel, _ := filepath.Rel(base, p)
				got[rel] = b
			}
			return nil
		})
		return got
	}
	a, b := outs("a"), outs("b")
	for _, want := range []string{"man/gonvme.8.gz", "man/gonvme-connect.8.gz", "man/gonvme-connect-all.8.gz", "gonvme", "_gonvme"} {
		if _, ok := a[want]; !ok {
			t.Errorf("%s not written", want)
		}
	}
	if len(a) != len(b) {
		t.Fatalf("two runs wrote %d and %d files", len(a), len(b))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
	if err := run(nil); err == nil {
		t.Error("run with nothing to do succeeded")
	}
}

// TestPagesPassMan runs the pages through man --warnings as lintian does.
func TestPagesPassMan(t *testing.T) {
	if _, err := exec.LookPath("man"); err != nil {
		t.Skip("man is not installed")
	}
	if _, err := exec.LookPath("groff"); err != nil {
		t.Skip("groff is not installed")
	}
	dir := t.TempDir()
	for _, p := range pages(testDoc(t)) {
		file := filepath.Join(dir, p.Name)
		if err := os.WriteFile(file, []byte(p.Text), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("man", "--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", file)
		cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "MANWIDTH=80", "MANROFFSEQ=")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Errorf("man %s: %v\n%s", p.Name, err, stderr.String())
		}
	}
}

// complete runs the bash completion function on a command line whose last
// word is being completed, without bash-completion loaded.
func complete(t *testing.T, script string, words ...string) []string {
	t.Helper()
	prog := script + `
COMP_WORDS=("$@")
COMP_CWORD=$(( $# - 1 ))
_gonvme
printf '%s\n' "${COMPREPLY[@]}"
`
	out, err := exec.Command("bash", append([]string{"-c", prog, "bash"}, words...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	return strings.Fields(string(out))
}

func TestBashCompletion(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	script := bashScript(testDoc(t))
	if out, err := exec.Command("bash", "-n", "-c", script).CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		words []string
		want  []string
	}{
		{[]string{"gonvme", "con"}, []string{"connect", "connect-all"}},
		{[]string{"gonvme", "--v"}, []string{"--version"}},
		{[]string{"gonvme", "connect", "--tr"}, []string{"--traddr", "--transport", "--trsvcid"}},
		{[]string{"gonvme", "connect", "--transport", ""}, transports},
		{[]string{"gonvme", "connect", "-t", "t"}, []string{"tcp"}},
		{[]string{"gonvme", "discover", "-o", ""}, []string{"normal", "json", "binary"}},
		{[]string{"gonvme", "list", "--output-format", ""}, []string{"normal", "json"}},
		{[]string{"gonvme", "disconnect-all", "-r", ""}, transports},
		{[]string{"gonvme", "connect-all", "--persistent", "--qui"}, []string{"--quiet"}},
		{[]string{"gonvme", "connect", "--nqn", "nqn"}, nil},
		// bash splits --flag=value at the '=' when bash-completion is
		// not there to join it again.
		{[]string{"gonvme", "connect", "--transport", "=", "rd"}, []string{"rdma"}},
	} {
		got := complete(t, script, tc.words...)
		slices.Sort(got)
		tc.want = slices.Sorted(slices.Values(tc.want))
		if !slices.Equal(got, tc.want) {
			t.Errorf("completing %q: got %q, want %q", tc.words, got, tc.want)
		}
	}
}

func TestZshCompletion(t *testing.T) {
	script := zshScript(testDoc(t))
	if !strings.HasPrefix(script, "#compdef gonvme\n") {
		t.Error("zsh script does not start with #compdef")
	}
	for _, want := range []string{
		`'(-t --transport)'{-t+,--transport=}'[transport type\: rdma, tcp, fc or loop]:transport:(rdma tcp fc loop)'`,
		`'(--tls)--tls[enable TLS (tcp only)]'`,
		`'connect-all:discover and connect every subsystem a discovery controller lists'`,
		`:file:_files'`,
		`_gonvme_subsystems'`,
	} {
		if !strings.Contains(script, want) {
			t.Errorf("zsh script lacks %s", want)
		}
	}
	if _, err := exec.LookPath("zsh"); err != nil {
		t.Skip("zsh is not installed")
	}
	if out, err := exec.Command("zsh", "-n", "-c", script).CombinedOutput(); err != nil {
		t.Fatalf("zsh -n: %v\n%s", err, out)
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}
