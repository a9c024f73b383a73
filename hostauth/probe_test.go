package hostauth

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
)

// guestRoot builds /sys/module as the guest of kernel k showed it
// (testdata/sys-module-k.txt) and /proc/sys/kernel/osrelease.
func guestRoot(t *testing.T, k, release string) (string, hostfs.FS) {
	t.Helper()
	dir := t.TempDir()
	f, err := os.Open(filepath.Join("testdata", "sys-module-"+k+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		mod, ok := strings.CutPrefix(sc.Text(), "== ")
		if !ok {
			t.Fatalf("unexpected line %q", sc.Text())
		}
		sc.Scan()
		entries := sc.Text()
		sc.Scan()
		holders := sc.Text()
		if strings.HasPrefix(entries, "ls: ") {
			continue
		}
		m := filepath.Join(dir, "sys/module", mod)
		os.MkdirAll(filepath.Join(m, "holders"), 0o755)
		for _, e := range strings.Fields(entries) {
			if e != "holders" {
				os.WriteFile(filepath.Join(m, e), nil, 0o644)
			}
		}
		for _, h := range strings.Fields(holders) {
			os.MkdirAll(filepath.Join(dir, "sys/module", h), 0o755)
			os.Symlink("../../"+h, filepath.Join(m, "holders", h))
		}
	}
	write(t, dir, "proc/sys/kernel/osrelease", release+"\n")
	return dir, hostfs.New(dir)
}

func write(t *testing.T, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, rel)
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestProbeGuestModules(t *testing.T) {
	for _, c := range []struct {
		kernel, release string
		want            bool
	}{
		{"6.1", "6.1.0-48-amd64", false},
		{"6.12", "6.12.117+deb13-amd64", true},
		{"7.x", "7.2.13+deb14-amd64", true},
	} {
		_, root := guestRoot(t, c.kernel, c.release)
		s := Probe(root)
		if !s.Known || s.Supported != c.want || s.Release != c.release {
			t.Errorf("%s: Probe = %+v; want known, supported %v", c.kernel, s, c.want)
		}
	}
}

func TestProbeControllerAttributeComesFirst(t *testing.T) {
	dir, root := guestRoot(t, "6.12", "6.12.117+deb13-amd64")
	write(t, dir, "sys/class/nvme/nvme0/transport", "pcie\n")
	write(t, dir, "sys/class/nvme/nvme1/transport", "tcp\n")
	s := Probe(root)
	if !s.Known || s.Supported || !strings.Contains(s.Evidence, "nvme1 has no dhchap_secret") {
		t.Errorf("a tcp controller without dhchap_secret: %+v", s)
	}
	write(t, dir, "sys/class/nvme/nvme1/dhchap_secret", "none\n")
	if s := Probe(root); !s.Supported || !strings.Contains(s.Evidence, "nvme1") {
		t.Errorf("a tcp controller with dhchap_secret: %+v", s)
	}
	if HasSecretAttr(root, "nvme0") || !HasSecretAttr(root, "nvme1") {
		t.Error("HasSecretAttr")
	}
}

func TestProbeConfigBeforeModules(t *testing.T) {
	dir, root := guestRoot(t, "6.12", "6.12.117+deb13-amd64")
	write(t, dir, "boot/config-6.12.117+deb13-amd64", "CONFIG_NVME_CORE=m\n# CONFIG_NVME_HOST_AUTH is not set\nCONFIG_NVME_AUTH=m\n")
	if s := Probe(root); !s.Known || s.Supported || !strings.Contains(s.Evidence, "CONFIG_NVME_HOST_AUTH is not set") {
		t.Errorf("config without host auth: %+v", s)
	}
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte("CONFIG_NVME_CORE=y\nCONFIG_NVME_HOST_AUTH=y\n"))
	w.Close()
	write(t, dir, "proc/config.gz", gz.String())
	if s := Probe(root); !s.Supported || !strings.Contains(s.Evidence, "config.gz: CONFIG_NVME_HOST_AUTH=y") {
		t.Errorf("/proc/config.gz with host auth: %+v", s)
	}
}

func TestParseConfig(t *testing.T) {
	cases := []struct {
		in       string
		ok, supp bool
		evidence string
	}{
		{"CONFIG_NVME_CORE=m\nCONFIG_NVME_AUTH=y\n", true, true, "CONFIG_NVME_AUTH=y"},     // 6.0 to 6.6
		{"CONFIG_NVME_CORE=m\n# CONFIG_NVME_AUTH is not set\n", true, false, "is not set"}, // Debian 12
		{"CONFIG_NVME_CORE=m\n# CONFIG_NVME_HOST_AUTH is not set\nCONFIG_NVME_AUTH=m\n", true, false, "CONFIG_NVME_HOST_AUTH is not set"},
		{"CONFIG_NVME_CORE=m\n", true, false, "are not set"},
		{"# CONFIG_NVME_CORE is not set\n", false, false, ""},
		{"", false, false, ""},
	}
	for _, c := range cases {
		s, ok := ParseConfig([]byte(c.in))
		if ok != c.ok || s.Supported != c.supp || !strings.Contains(s.Evidence, c.evidence) {
			t.Errorf("ParseConfig(%q) = %+v, %v", c.in, s, ok)
		}
	}
}

func TestProbeUnknownWithBuiltinCore(t *testing.T) {
	if s := Probe(hostfs.New(t.TempDir())); s.Known {
		t.Errorf("an empty root decided: %+v", s)
	}
}

func TestErrorNamesFlagAndKernel(t *testing.T) {
	_, root := guestRoot(t, "6.1", "6.1.0-48-amd64")
	err := error(&Error{Flag: "-S/--dhchap-secret", Support: Probe(root)})
	msg := err.Error()
	for _, want := range []string{"-S/--dhchap-secret", "6.1.0-48-amd64", "nvme_auth", "nothing was connected"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	if !errors.Is(err, errors.ErrUnsupported) {
		t.Error("not ErrUnsupported")
	}
}
