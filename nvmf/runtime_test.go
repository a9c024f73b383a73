package nvmf_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/nvmftest"
)

func racer(t *testing.T, f *nvmftest.Fake, name, subnqn string) func(map[string]string) syscall.Errno {
	return nvmftest.ConnectedFirst(t, f, name, subnqn, "connecting")
}

func TestConnectKernelEALREADYNamesTheController(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	f.Kernel.Fail = racer(t, f, "nvme7", sub1)
	dev, err := f.Edge.Connect(checked(t, nvmf.IOOptions(identity(fabrics.Options{Transport: "rdma", Traddr: rdmaAddr, NQN: sub1}))))
	if dev != "nvme7" || !errors.Is(err, nvmf.ErrAlreadyConnected) {
		t.Errorf("Connect = %q, %v; want nvme7 and ErrAlreadyConnected", dev, err)
	}
}

func TestConnectPathsKernelEALREADYNamesTheController(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, "10.0.0.1", rdmaSub("10.0.0.1", sub1), rdmaSub("10.0.0.1", sub2))
	rep, err := f.Edge.Walk(background, []nvmf.Target{target("rdma", "10.0.0.1", "4420")}, walkOpts())
	if err != nil {
		t.Fatal(err)
	}
	f.Kernel.Fail = racer(t, f, "nvme7", sub2)
	f.Edge.ConnectPaths(background, rep)
	want := `discovery depth 0 rdma 10.0.0.1:4420 via nvme0, 2 records
path rdma 10.0.0.1:4420 nqn.2026-11.io.example:sub1 via 10.0.0.1: connected nvme0
path rdma 10.0.0.1:4420 nqn.2026-11.io.example:sub2 via 10.0.0.1: already connected nvme7
`
	if got := summary(rep); got != want || rep.Failed() {
		t.Errorf("report (failed %v) differs:\n%s", rep.Failed(), lineDiff(want, got))
	}
}

// Another host's controller on the same path is not this host's path: the
// kernel connects it (its duplicate check compares host NQNs too).
func TestConnectOtherHostIsAnotherPath(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	f.AddController(t, "nvme0", map[string]string{
		"transport": "rdma", "address": "traddr=" + rdmaAddr + ",trsvcid=4420", "subsysnqn": sub1,
		"hostnqn": "nqn.2026-11.io.example:other-host", "state": "live", "cntrltype": "io",
	})
	dev, err := f.Edge.Connect(checked(t, nvmf.IOOptions(identity(fabrics.Options{Transport: "rdma", Traddr: rdmaAddr, NQN: sub1}))))
	if dev != "nvme1" || err != nil {
		t.Errorf("Connect = %q, %v; want a new controller nvme1", dev, err)
	}
}

func discoveryCtrl(t *testing.T, f *nvmftest.Fake, name, kato string) {
	f.AddController(t, name, map[string]string{
		"transport": "rdma", "address": "traddr=" + rdmaAddr + ",trsvcid=4420", "subsysnqn": "nqn.2014-08.org.nvmexpress.discovery",
		"hostnqn": nvmftest.HostNQN, "state": "live", "cntrltype": "discovery", "kato": kato,
	})
}

// Only a persistent discovery controller is reused: a temporary one (no
// keep-alive timeout) belongs to a process that is about to delete it.
// A persistent one that fails is replaced by a controller of our own.
func TestDiscoverReusesOnlyPersistentControllers(t *testing.T) {
	tests := []struct {
		name     string
		kato     string
		openErr  error
		wantCtrl string
		created  bool
	}{
		{"persistent", "30", nil, "nvme0", false},
		{"temporary of another process", "0", nil, "nvme1", true},
		{"persistent going away", "30", &os.PathError{Op: "open", Path: "/dev/nvme0", Err: syscall.EAGAIN}, "nvme1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := nvmftest.New(t, nvmftest.Empty)
			withFixturePages(t, f)
			discoveryCtrl(t, f, "nvme0", tt.kato)
			if tt.openErr != nil {
				f.Admin.OpenErr = map[string]error{"nvme0": tt.openErr}
			}
			d, err := f.Edge.Discover(target("rdma", rdmaAddr, "4420"), nvmf.DiscoverOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if d.Controller != tt.wantCtrl || d.Created != tt.created || len(d.Log.Entries) != 4 {
				t.Errorf("through %s (created %v, %d records), want %s (created %v, 4 records)", d.Controller, d.Created, len(d.Log.Entries), tt.wantCtrl, tt.created)
			}
			if got, want := f.Controllers(t), []string{"nvme0"}; !slices.Equal(got, want) {
				t.Errorf("controllers after: %q, want %q", got, want)
			}
		})
	}
}

func TestDiscoverCleanupFailureKeepsTheLog(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	withFixturePages(t, f)
	f.Del.Errs = map[string]error{"nvme0": syscall.EBUSY}
	d, err := f.Edge.Discover(target("rdma", rdmaAddr, "4420"), nvmf.DiscoverOptions{})
	var ce *nvmf.CleanupError
	if !errors.As(err, &ce) || ce.Controller != "nvme0" || !errors.Is(err, syscall.EBUSY) {
		t.Fatalf("error %v, want a *CleanupError for nvme0 wrapping EBUSY", err)
	}
	if d == nil || len(d.Log.Entries) != 4 {
		t.Errorf("result %+v, want the log read", d)
	}
	if !strings.Contains(err.Error(), "gonvme disconnect -d nvme0") {
		t.Errorf("error %q does not say how to remove the controller", err)
	}
}

// Each failed connect carries the kernel lines logged while it ran, not
// those of the connects before it.
func TestKernelLinesGoWithTheirFailure(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, "10.0.0.1", rdmaSub("10.0.0.1", sub1), rdmaSub("10.0.0.1", sub2), rdmaSub("10.0.0.1", sub3))
	j := &nvmftest.Journal{}
	f.Edge.Log = nvmf.NewKernelLog(j)
	j.Log("nvme nvme9: something from before")
	rep, err := f.Edge.Walk(background, []nvmf.Target{target("rdma", "10.0.0.1", "4420")}, walkOpts())
	if err != nil {
		t.Fatal(err)
	}
	f.Kernel.Fail = func(m map[string]string) syscall.Errno {
		if m["nqn"] == sub2 {
			return 0
		}
		j.Log("nvmet: connect request for invalid subsystem " + m["nqn"] + "!")
		return syscall.EIO
	}
	f.Edge.ConnectPaths(background, rep)
	want := map[string]string{
		sub1: "nvmet: connect request for invalid subsystem " + sub1 + "!",
		sub3: "nvmet: connect request for invalid subsystem " + sub3 + "!",
	}
	for _, p := range rep.Paths {
		var le *nvmf.KernelLogError
		switch {
		case want[p.Options.NQN] == "":
			if p.Err != nil {
				t.Errorf("%s: %v", p.Options.NQN, p.Err)
			}
		case !errors.As(p.Err, &le):
			t.Errorf("%s: error %v carries no kernel lines", p.Options.NQN, p.Err)
		case !slices.Equal(le.Lines, []string{want[p.Options.NQN]}):
			t.Errorf("%s: kernel lines %q, want %q", p.Options.NQN, le.Lines, want[p.Options.NQN])
		}
	}
}

// Lines naming a controller that another overlapping operation created
// are not that operation's.
func TestKernelLinesOfOtherControllersAreLeftOut(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, "10.0.0.1", rdmaRef("10.0.0.2"), rdmaRef("10.0.0.3"))
	serve(f, "10.0.0.2", rdmaSub("10.0.0.2", sub2))
	j := &nvmftest.Journal{}
	f.Kernel.Journal = j
	f.Edge.Log = nvmf.NewKernelLog(j)
	// The referral to 10.0.0.3 fails once the one to 10.0.0.2 has made
	// its controller and read its log (its delete starts): the two overlap.
	var mu sync.Mutex
	deletes := 0
	secondDelete := make(chan struct{})
	f.Del.OnDelete = func(string) {
		mu.Lock()
		defer mu.Unlock()
		if deletes++; deletes == 2 {
			close(secondDelete)
		}
	}
	f.Kernel.Fail = func(m map[string]string) syscall.Errno {
		if m["traddr"] != "10.0.0.3" {
			return 0
		}
		select {
		case <-secondDelete:
		case <-time.After(10 * time.Second):
			t.Error("the discovery of 10.0.0.2 never finished")
		}
		j.Log("nvme nvme5: rdma connection establishment failed (-104)")
		return syscall.ECONNRESET
	}
	rep, err := f.Edge.Walk(background, []nvmf.Target{target("rdma", "10.0.0.1", "4420")}, walkOpts())
	if err != nil {
		t.Fatal(err)
	}
	var le *nvmf.KernelLogError
	d := rep.Discoveries[2]
	if d.Target.Options.Traddr != "10.0.0.3" || !errors.As(d.Err, &le) {
		t.Fatalf("discovery of 10.0.0.3: %v, want a failure with kernel lines", d.Err)
	}
	if want := []string{"nvme nvme5: rdma connection establishment failed (-104)"}; !slices.Equal(le.Lines, want) {
		t.Errorf("lines of the failed discovery %q, want only its own %q", le.Lines, want)
	}
}

func TestProgress(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, "10.0.0.1", rdmaSub("10.0.0.1", sub1), rdmaSub("10.0.0.1", sub2), rdmaSub("10.0.0.1", sub3))
	rep, err := f.Edge.Walk(background, []nvmf.Target{target("rdma", "10.0.0.1", "4420")}, walkOpts())
	if err != nil {
		t.Fatal(err)
	}
	var got []nvmf.Progress
	f.Edge.Progress = func(p nvmf.Progress) { got = append(got, p) }
	f.Kernel.Fail = nvmftest.FailWhen("nqn", sub2, syscall.EIO)
	f.Edge.ConnectPaths(background, rep)
	want := []nvmf.Progress{{Done: 1, Total: 3}, {Done: 2, Total: 3, Failed: 1}, {Done: 3, Total: 3, Failed: 1}}
	if !slices.Equal(got, want) {
		t.Errorf("connect progress %v, want %v", got, want)
	}
	got = nil
	f.Del.Errs = map[string]error{"nvme1": syscall.EBUSY}
	f.Edge.DeleteControllers(background, []string{"nvme0", "nvme1"}, 1)
	if want := []nvmf.Progress{{Done: 1, Total: 2}, {Done: 2, Total: 2, Failed: 1}}; !slices.Equal(got, want) {
		t.Errorf("delete progress %v, want %v", got, want)
	}
}

func TestNamespaceControllers(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Kernel61)
	topo, err := f.Edge.Scan()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ns, nqn string
		want    []string
	}{
		{"nvme0n1", "nqn.2026-11.io.gonvme:test1", []string{"nvme0", "nvme1"}},
		{"nvme0n2", "nqn.2026-11.io.gonvme:test1", []string{"nvme0", "nvme1"}},
		{"nvme2n1", "nqn.2026-11.io.gonvme:test2", []string{"nvme2", "nvme3"}},
		{"nvme7n1", "", nil},
	}
	for _, tt := range tests {
		got, nqn := nvmf.NamespaceControllers(topo, tt.ns)
		if !slices.Equal(got, tt.want) || nqn != tt.nqn {
			t.Errorf("NamespaceControllers(%s) = %q, %q; want %q, %q", tt.ns, got, nqn, tt.want, tt.nqn)
		}
	}
}
