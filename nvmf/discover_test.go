package nvmf_test

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/discovery"
	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/nvmftest"
)

const (
	rdmaAddr = "169.254.99.1"
	tcpAddr  = "127.0.0.1"
	rdmaPage = "discovery/rdma-169.254.99.1-4420.bin"
	tcpPage  = "discovery/tcp-127.0.0.1-4420.bin"
)

// withFixturePages serves the captured discovery logs at their addresses.
func withFixturePages(t *testing.T, f *nvmftest.Fake) {
	f.Admin.Logs[nvmftest.Target("rdma", rdmaAddr, "4420")] = nvmftest.ReadFixture(t, rdmaPage)
	f.Admin.Logs[nvmftest.Target("tcp", tcpAddr, "4420")] = nvmftest.ReadFixture(t, tcpPage)
}

type discoveryWrite struct {
	name, transport, traddr, trsvcid, nqn string
	persistent                            bool
	want                                  string
}

// readDiscoveryWrites reads the option strings nvme-cli 2.3 writes for
// discover: the list in testdata, and any discovery line the kernel
// capture's fabrics-writes.tsv may hold (case names starting "discover").
func readDiscoveryWrites(t *testing.T) []discoveryWrite {
	t.Helper()
	var out []discoveryWrite
	b, err := os.ReadFile(filepath.Join("testdata", "nvme-cli-2.3-discovery-writes.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.HasPrefix(line, "case\t") || line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 7 {
			t.Fatalf("nvme-cli-2.3-discovery-writes.tsv: %d fields in %q, want 7", len(f), line)
		}
		out = append(out, discoveryWrite{f[0], f[1], f[2], f[3], f[4], f[5] == "true", f[6]})
	}
	for _, line := range strings.Split(string(nvmftest.ReadFixture(t, "fabrics-writes.tsv")), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 || !strings.HasPrefix(f[0], "discover") {
			continue
		}
		o := nvmftest.ParseOptions(f[1])
		_, persistent := o["keep_alive_tmo"]
		name := o["nqn"]
		if name == "nqn.2014-08.org.nvmexpress.discovery" {
			name = ""
		}
		out = append(out, discoveryWrite{"kernel-capture/" + f[0], o["transport"], o["traddr"], o["trsvcid"], name, persistent, anonymize(f[1])})
	}
	if len(out) < 5 {
		t.Fatalf("only %d discovery writes to compare with", len(out))
	}
	return out
}

func TestDiscoverWritesWhatNvmeCliWrites(t *testing.T) {
	for _, c := range readDiscoveryWrites(t) {
		t.Run(c.name, func(t *testing.T) {
			f := nvmftest.New(t, nvmftest.Empty)
			page := nvmftest.ReadFixture(t, rdmaPage)
			f.Admin.Logs[nvmftest.Target(c.transport, c.traddr, nvmf.DefaultTrsvcid(c.transport, true))] = page
			f.Admin.Logs[nvmftest.Target(c.transport, c.traddr, c.trsvcid)] = page
			tg := target(c.transport, c.traddr, c.trsvcid)
			tg.Options.NQN = c.nqn
			d, err := f.Edge.Discover(tg, nvmf.DiscoverOptions{Persistent: c.persistent})
			if err != nil {
				t.Fatalf("Discover: %v", err)
			}
			w := f.Kernel.Writes()
			if len(w) != 1 || anonymize(w[0]) != c.want {
				t.Fatalf("kernel saw %q\nwant one write of %q", w, c.want)
			}
			if d.Controller != "nvme0" || !d.Created || d.Kept != c.persistent {
				t.Errorf("Discovered = {Controller %s Created %v Kept %v}, want nvme0, created, kept %v", d.Controller, d.Created, d.Kept, c.persistent)
			}
			wantDeleted := []string{"nvme0"}
			wantLeft := []string(nil)
			if c.persistent {
				wantDeleted, wantLeft = nil, []string{"nvme0"}
			}
			if got := f.Del.Calls(); !slices.Equal(got, wantDeleted) {
				t.Errorf("deleted %q, want %q", got, wantDeleted)
			}
			if got := f.Controllers(t); !slices.Equal(got, wantLeft) {
				t.Errorf("controllers left %q, want %q", got, wantLeft)
			}
		})
	}
}

func TestDiscoverFetchesTheLog(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	withFixturePages(t, f)
	d, err := f.Edge.Discover(target("rdma", rdmaAddr, "4420"), nvmf.DiscoverOptions{})
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	raw := nvmftest.ReadFixture(t, rdmaPage)
	want, err := discovery.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(d.Raw, raw[:len(d.Raw)]) || len(d.Raw) != discovery.HeaderSize+len(want.Entries)*discovery.EntrySize {
		t.Errorf("Raw is %d bytes, not the captured page's header and %d records", len(d.Raw), len(want.Entries))
	}
	if d.Log.Genctr != want.Genctr || len(d.Log.Entries) != 4 {
		t.Fatalf("log genctr %d with %d entries, want %d with 4", d.Log.Genctr, len(d.Log.Entries), want.Genctr)
	}
	for i, e := range d.Log.Entries {
		if e != want.Entries[i] {
			t.Errorf("entry %d = %+v, want %+v", i, e, want.Entries[i])
		}
	}
	if got := f.Admin.Opened(); !slices.Equal(got, []string{"nvme0"}) {
		t.Errorf("opened %q, want the new discovery controller nvme0", got)
	}
}

func TestDiscoverPersistentKeepsController(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	withFixturePages(t, f)
	d, err := f.Edge.Discover(target("tcp", tcpAddr, "4420"), nvmf.DiscoverOptions{Persistent: true})
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	w := f.Kernel.Writes()
	if len(w) != 1 || !strings.Contains(w[0], ",keep_alive_tmo=30,") {
		t.Errorf("kernel saw %q, want one write with keep_alive_tmo=30", w)
	}
	if !d.Kept || len(f.Del.Calls()) != 0 {
		t.Errorf("Kept %v, deletes %q: a persistent discovery controller must stay", d.Kept, f.Del.Calls())
	}
	// An explicit keep-alive timeout wins over the persistent default.
	f2 := nvmftest.New(t, nvmftest.Empty)
	withFixturePages(t, f2)
	tg := target("tcp", tcpAddr, "4420")
	tg.Options.KeepAliveTmo = fabrics.Int(7)
	if _, err := f2.Edge.Discover(tg, nvmf.DiscoverOptions{Persistent: true}); err != nil {
		t.Fatal(err)
	}
	if w := f2.Kernel.Writes(); len(w) != 1 || !strings.Contains(w[0], ",keep_alive_tmo=7,") {
		t.Errorf("kernel saw %q, want keep_alive_tmo=7", w)
	}
	// Without -p, a keep-alive timeout is not sent at all.
	f3 := nvmftest.New(t, nvmftest.Empty)
	withFixturePages(t, f3)
	if _, err := f3.Edge.Discover(tg, nvmf.DiscoverOptions{}); err != nil {
		t.Fatal(err)
	}
	if w := f3.Kernel.Writes(); len(w) != 1 || strings.Contains(w[0], "keep_alive_tmo") {
		t.Errorf("kernel saw %q, want no keep_alive_tmo without persistent", w)
	}
}

func TestDiscoverReusesLiveDiscoveryController(t *testing.T) {
	tests := []struct {
		name        string
		target      nvmf.Target
		opts        nvmf.DiscoverOptions
		wantCtrl    string
		wantWrites  int
		wantDeletes []string
	}{
		// nvme4 of the fixture is a live discovery controller to tcp 127.0.0.1:4420.
		{"same address", target("tcp", tcpAddr, "4420"), nvmf.DiscoverOptions{}, "nvme4", 0, nil},
		{"same address, persistent", target("tcp", tcpAddr, "4420"), nvmf.DiscoverOptions{Persistent: true}, "nvme4", 0, nil},
		{"force", target("tcp", tcpAddr, "4420"), nvmf.DiscoverOptions{Force: true}, "nvme5", 1, []string{"nvme5"}},
		{"other transport", target("rdma", rdmaAddr, "4420"), nvmf.DiscoverOptions{}, "nvme5", 1, []string{"nvme5"}},
		{"device", target("", "", ""), nvmf.DiscoverOptions{Device: "nvme4"}, "nvme4", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := nvmftest.New(t, nvmftest.Kernel61)
			withFixturePages(t, f)
			d, err := f.Edge.Discover(tt.target, tt.opts)
			if err != nil {
				t.Fatalf("Discover: %v", err)
			}
			if d.Controller != tt.wantCtrl || d.Created != (tt.wantWrites > 0) {
				t.Errorf("used %s (created %v), want %s", d.Controller, d.Created, tt.wantCtrl)
			}
			if got := len(f.Kernel.Writes()); got != tt.wantWrites {
				t.Errorf("%d kernel writes, want %d", got, tt.wantWrites)
			}
			if got := f.Del.Calls(); !slices.Equal(got, tt.wantDeletes) {
				t.Errorf("deleted %q, want %q", got, tt.wantDeletes)
			}
			if len(d.Log.Entries) != 4 {
				t.Errorf("%d log entries, want 4", len(d.Log.Entries))
			}
		})
	}
}

func TestDiscoverDeviceErrors(t *testing.T) {
	tests := []struct{ device, want string }{
		{"nvme9", "discovery controller nvme9 not found"},
		{"nvme0", "nvme0 is not a discovery controller (it is connected to nqn.2026-11.io.gonvme:test1)"},
	}
	for _, tt := range tests {
		f := nvmftest.New(t, nvmftest.Kernel61)
		_, err := f.Edge.Discover(target("", "", ""), nvmf.DiscoverOptions{Device: tt.device})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Discover(--device %s) = %v, want an error containing %q", tt.device, err, tt.want)
		}
		if len(f.Kernel.Writes()) != 0 || len(f.Admin.Opened()) != 0 {
			t.Errorf("--device %s: wrote %q, opened %q; want nothing", tt.device, f.Kernel.Writes(), f.Admin.Opened())
		}
	}
}

func TestDiscoverErrorsWrap(t *testing.T) {
	ebusy := errors.New("device busy")
	tests := []struct {
		name        string
		setup       func(f *nvmftest.Fake)
		is          error
		contains    []string
		wantDeletes []string
	}{
		{
			name:     "connect refused",
			setup:    func(f *nvmftest.Fake) { f.Kernel.Fail = nvmftest.FailWhen("transport", "rdma", syscall.ECONNREFUSED) },
			is:       syscall.ECONNREFUSED,
			contains: []string{"connecting a discovery controller: connect rdma 169.254.99.1:4420", "ECONNREFUSED"},
		},
		{
			name:        "open fails",
			setup:       func(f *nvmftest.Fake) { f.Admin.OpenErr = map[string]error{"nvme0": os.ErrPermission} },
			is:          os.ErrPermission,
			contains:    []string{"discovery through nvme0 at rdma 169.254.99.1:4420", "opening "},
			wantDeletes: []string{"nvme0"},
		},
		{
			name:        "no log page",
			setup:       func(f *nvmftest.Fake) { delete(f.Admin.Logs, nvmftest.Target("rdma", rdmaAddr, "4420")) },
			contains:    []string{"discovery through nvme0", "read discovery log header"},
			wantDeletes: []string{"nvme0"},
		},
		{
			name:        "delete fails",
			setup:       func(f *nvmftest.Fake) { f.Del.Errs = map[string]error{"nvme0": ebusy} },
			is:          ebusy,
			contains:    []string{"removing discovery controller nvme0: device busy"},
			wantDeletes: []string{"nvme0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := nvmftest.New(t, nvmftest.Empty)
			withFixturePages(t, f)
			tt.setup(f)
			d, err := f.Edge.Discover(target("rdma", rdmaAddr, "4420"), nvmf.DiscoverOptions{})
			if err == nil {
				t.Fatalf("Discover = %+v, want an error", d)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v does not match %v", err, tt.is)
			}
			for _, s := range tt.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
			if got := f.Del.Calls(); !slices.Equal(got, tt.wantDeletes) {
				t.Errorf("deleted %q, want %q", got, tt.wantDeletes)
			}
		})
	}
}
