package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/nvmftest"
)

// discovery.conf lines take -p, --force, --quiet and -v, and each does
// what it says: none is read and dropped.
func TestDiscoveryConfLineFlags(t *testing.T) {
	t.Run("-p keeps the discovery controller", func(t *testing.T) {
		f := withPages(t, nvmftest.New(t, nvmftest.Empty))
		f.WriteFile(t, "/etc/nvme/discovery.conf", "-t rdma -a "+rdmaAddr+" -s 4420 -p\n")
		if r := run(t, f, "discover"); r.code != 0 {
			t.Fatalf("%v", r)
		}
		if c := f.Controllers(t); len(c) != 1 {
			t.Fatalf("controllers %q, want the kept discovery controller", c)
		}
	})
	t.Run("-v reports that line's discovery", func(t *testing.T) {
		f := withPages(t, nvmftest.New(t, nvmftest.Empty))
		f.WriteFile(t, "/etc/nvme/discovery.conf", "-t rdma -a "+rdmaAddr+" -s 4420 -v\n-t tcp -a "+tcpAddr+" -s 4420\n")
		r := run(t, f, "connect-all")
		if r.code != 0 || !strings.Contains(r.stdout, "discovered 4 records at rdma 169.254.99.1:4420") || strings.Contains(r.stdout, "records at tcp") {
			t.Fatalf("%v\nwant the rdma line's discovery reported, not the tcp one's", r)
		}
		d := run(t, f, "discover")
		if d.code != 0 || !strings.Contains(d.stderr, "discovered 4 records at rdma 169.254.99.1:4420") || !strings.Contains(d.stderr, "created and removed again") {
			t.Fatalf("discover: %v", d)
		}
	})
	t.Run("--quiet holds for the run", func(t *testing.T) {
		f := withPages(t, nvmftest.New(t, nvmftest.Empty))
		f.WriteFile(t, "/etc/nvme/discovery.conf", "-t rdma -a "+rdmaAddr+" -s 4420 --quiet\n")
		if r := run(t, f, "connect-all"); r.code != 0 {
			t.Fatalf("%v", r)
		}
		if r := run(t, f, "connect-all", "-v"); r.code != 0 || strings.Contains(r.stdout, "skipped") {
			t.Fatalf("%v\nwant no skipped/already-connected lines", r)
		}
	})
}

func TestDiscoverRefusesQuiet(t *testing.T) {
	f := withPages(t, nvmftest.New(t, nvmftest.Empty))
	r := run(t, f, "discover", "-t", "rdma", "-a", rdmaAddr, "--quiet")
	if r.code != 2 || !strings.Contains(r.stderr, "--quiet is not supported") {
		t.Fatalf("%v", r)
	}
	noWrites(t, f)
}

func TestConnectAllRaw(t *testing.T) {
	f := withPages(t, nvmftest.New(t, nvmftest.Empty))
	out := filepath.Join(t.TempDir(), "log.bin")
	r := run(t, f, "connect-all", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-r", out)
	if r.code != 0 || !strings.Contains(r.stderr, "is saved to "+out) {
		t.Fatalf("%v", r)
	}
	got, err := os.ReadFile(out)
	want := nvmftest.ReadFixture(t, "discovery/rdma-169.254.99.1-4420.bin")
	if err != nil || string(got) != string(want) {
		t.Fatalf("saved %d bytes (%v), want the %d-byte log page", len(got), err, len(want))
	}
	// The referral is to tcp, which an rdma connect-all does not
	// follow: one discovery, one file.
	if _, err := os.Stat(out + ".2"); err == nil {
		t.Errorf("%s.2 written for a discovery that did not happen", out)
	}
}
