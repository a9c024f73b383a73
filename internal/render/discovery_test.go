package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/discovery"
	"github.com/gonvme/gonvme/internal/compat"
	"github.com/gonvme/gonvme/nvmftest/kfixtures"
)

// The -update flag rewrites golden files. Another test file of this
// package may define it first.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files under testdata")
	}
}

func updateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func decodeDiscoveryPage(t *testing.T, path string) *discovery.Log {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l, err := discovery.Decode(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return l
}

func renderDiscovery(t *testing.T, fn func(io.Writer, *discovery.Log) error, l *discovery.Log) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := fn(&b, l); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func compareDiscoveryOutput(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := strings.SplitAfter(string(got), "\n"), strings.SplitAfter(string(want), "\n")
	for i := range max(len(gl), len(wl)) {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("%s differs at line %d:\n got %q\nwant %q", what, i+1, g, w)
		}
	}
}

// TestDiscoveryMatchesNvmeCli renders the discovery logs captured from
// each real kernel and compares them with what nvme-cli 2.3 printed for the
// same logs.
func TestDiscoveryMatchesNvmeCli(t *testing.T) {
	kfixtures.Each(t, func(t *testing.T, k kfixtures.Kernel) { testDiscoveryMatchesNvmeCli(t, k.Dir) })
}

func testDiscoveryMatchesNvmeCli(t *testing.T, dir string) {
	cases := []struct{ page, name string }{
		{"rdma-169.254.99.1-4420.bin", "discover-rdma"},
		{"tcp-127.0.0.1-4420.bin", "discover-tcp"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			page := filepath.Join(dir, "discovery", c.page)
			l := decodeDiscoveryPage(t, page)
			for _, f := range []struct {
				ext string
				fn  func(io.Writer, *discovery.Log) error
			}{{".txt", withProfile(p23, DiscoveryText)}, {".json", withProfile(p23, DiscoveryJSON)}} {
				want, err := os.ReadFile(filepath.Join(dir, "nvme-cli", c.name+f.ext))
				if err != nil {
					t.Fatal(err)
				}
				compareDiscoveryOutput(t, c.name+f.ext, renderDiscovery(t, f.fn, l), want)
			}
		})
	}
}

// TestDiscoveryGolden renders the hand-built pages of the discovery package,
// which cover the values and strings the kernel fixtures do not.
func TestDiscoveryGolden(t *testing.T) {
	pages, err := filepath.Glob("../../discovery/testdata/*.bin")
	if err != nil || len(pages) == 0 {
		t.Fatalf("no pages in ../../discovery/testdata: %v", err)
	}
	for _, page := range pages {
		name := "discovery-" + strings.TrimSuffix(filepath.Base(page), ".bin")
		t.Run(name, func(t *testing.T) {
			l := decodeDiscoveryPage(t, page)
			for _, f := range []struct {
				ext string
				fn  func(io.Writer, *discovery.Log) error
			}{{".txt", withProfile(p23, DiscoveryText)}, {".json", withProfile(p23, DiscoveryJSON)}} {
				got := renderDiscovery(t, f.fn, l)
				golden := filepath.Join("testdata", name+f.ext)
				if updateGolden() {
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				compareDiscoveryOutput(t, golden, got, want)
			}
		})
	}
}

func TestDiscoveryJSONIsValid(t *testing.T) {
	pages, _ := filepath.Glob("../../discovery/testdata/*.bin")
	for _, page := range pages {
		out := renderDiscovery(t, withProfile(p23, DiscoveryJSON), decodeDiscoveryPage(t, page))
		var v struct {
			Genctr  uint64           `json:"genctr"`
			Records []map[string]any `json:"records"`
		}
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("%s: output is not JSON: %v\n%s", page, err, out)
		}
	}
}

func TestDiscoveryEscaping(t *testing.T) {
	cases := []struct {
		in, text, json string
	}{
		{"nqn.2024-01.io.gonvme:a/b", "nqn.2024-01.io.gonvme:a/b", `"nqn.2024-01.io.gonvme:a/b"`},
		{`quote " back \ slash`, `quote " back \ slash`, `"quote \" back \\ slash"`},
		{"\x1b[31mred\x07", `\x1b[31mred\x07`, `"\u001b[31mred\u0007"`},
		{"\b\f\n\r\t", `\x08\x0c\x0a\x0d\x09`, `"\b\f\n\r\t"`},
		{"del\x7f", `del\x7f`, "\"del\x7f\""},
		{"bad\xff\xfeutf8", `bad\xff\xfeutf8`, `"bad\\xff\\xfeutf8"`},
		{"c1\u0085\u009b", `c1\u0085\u009b`, `"c1\u0085\u009b"`},
		{"é 日本", "é 日本", `"é 日本"`},
	}
	for _, c := range cases {
		if got := Escape(c.in); got != c.text {
			t.Errorf("text of %q = %q, want %q", c.in, got, c.text)
		}
		if got := discoveryJSONString(c.in); got != c.json {
			t.Errorf("JSON of %q = %q, want %q", c.in, got, c.json)
		}
	}
}

type discoveryFailingWriter struct{}

func (discoveryFailingWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestDiscoveryWriteError(t *testing.T) {
	l := &discovery.Log{}
	if err := DiscoveryText(discoveryFailingWriter{}, p23, l); !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("DiscoveryText error = %v, want the writer's", err)
	}
	if err := DiscoveryJSON(discoveryFailingWriter{}, p23, l); !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("DiscoveryJSON error = %v, want the writer's", err)
	}
}

// withProfile binds a discovery renderer to a profile.
func withProfile(p compat.Profile, fn func(io.Writer, compat.Profile, *discovery.Log) error) func(io.Writer, *discovery.Log) error {
	return func(w io.Writer, l *discovery.Log) error { return fn(w, p, l) }
}
