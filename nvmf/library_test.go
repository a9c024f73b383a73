package nvmf_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/nvmftest"
)

var (
	discPort = nvmftest.Port{Transport: "tcp", Traddr: "127.0.0.1", Trsvcid: "8009"}
	ioPort   = nvmftest.Port{Transport: "tcp", Traddr: "127.0.0.1", Trsvcid: "4420"}
	volume   = nvmftest.Subsystem{NQN: "toto", Namespaces: []nvmftest.Namespace{
		{NSID: 1, Sectors: 2097152, UUID: "5f0b1a6e-3c9d-4c3e-9f0a-1b2c3d4e5f60", NGUID: "5f0b1a6e3c9d4c3e9f0a1b2c3d4e5f60"},
		{NSID: 2, Sectors: 4194304, UUID: "6a1c2b7f-4dae-4d4f-a01b-2c3d4e5f6071", NGUID: "6a1c2b7f4dae4d4fa01b2c3d4e5f6071"},
	}}
)

func served(t *testing.T, subs ...nvmftest.Subsystem) *nvmftest.Fake {
	f := nvmftest.New(t, nvmftest.Empty)
	f.Serve(discPort, ioPort, subs...)
	j := &nvmftest.Journal{}
	f.Kernel.Journal = j
	f.Edge.Log = nvmf.NewKernelLog(j)
	return f
}

func discoveryTarget() []nvmf.Target {
	return []nvmf.Target{target(discPort.Transport, discPort.Traddr, discPort.Trsvcid)}
}

func TestAttachWaitDetach(t *testing.T) {
	f := served(t, volume)
	ctx, cancel := context.WithTimeout(background, 10*time.Second)
	defer cancel()
	a, err := f.Edge.Attach(ctx, nvmf.AttachOptions{NQN: "toto", Targets: discoveryTarget(),
		Template: nvmf.PodDefaults(identity(fabrics.Options{})), Wait: nvmf.WaitOptions{Count: 2}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ns := range a.Namespaces {
		names = append(names, ns.Name)
	}
	if want := []string{"nvme0n1", "nvme0n2"}; !slices.Equal(names, want) {
		t.Fatalf("namespaces %v, want %v", names, want)
	}
	if w := f.Kernel.Writes(); len(w) != 2 || !strings.Contains(w[1], "ctrl_loss_tmo=-1") || !strings.Contains(w[1], "fast_io_fail_tmo=30") {
		t.Errorf("writes %v: want a discovery and one I/O connect with the pod timeouts", w)
	}
	topo, err := f.Edge.Topology(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(topo.Subsystems) != 1 || topo.Subsystems[0].NQN != "toto" || len(topo.Subsystems[0].Namespaces) != 2 {
		t.Fatalf("topology subsystems %+v", topo.Subsystems)
	}
	c := topo.Controllers[0]
	if c.SubsysNQN != "toto" || len(c.Paths) != 2 || c.Paths[0].ANAState != "optimized" {
		t.Errorf("controller %+v", c)
	}
	id, err := f.Edge.NamespaceIdentifiers("nvme0n1")
	if err != nil {
		t.Fatal(err)
	}
	if id.NSID != 1 || id.UUID != volume.Namespaces[0].UUID || !slices.Contains(id.ByID, "nvme-uuid."+volume.Namespaces[0].UUID) {
		t.Errorf("identifiers %+v", id)
	}

	// Attaching again connects nothing new.
	again, err := f.Edge.Attach(ctx, nvmf.AttachOptions{NQN: "toto", Targets: discoveryTarget(), Template: identity(fabrics.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	if p := again.Report.Paths; len(p) != 1 || p[0].Outcome != nvmf.AlreadyConnected || p[0].Device != "nvme0" {
		t.Errorf("second attach: %+v", p)
	}

	// Mounted: detach refuses and deletes nothing.
	f.WriteFile(t, "/proc/self/mountinfo", "36 25 259:1 / /mnt/vol rw,relatime - ext4 /dev/nvme0n1 rw\n")
	deletes := len(f.Del.Calls()) // the discovery controllers
	_, err = f.Edge.Detach(ctx, "toto")
	var inUse *nvmf.InUseError
	if !errors.As(err, &inUse) || !errors.Is(err, nvmf.ErrInUse) || inUse.Namespace != "nvme0n1" {
		t.Fatalf("detach of a mounted volume: %v", err)
	}
	if len(f.Del.Calls()) != deletes {
		t.Fatalf("deleted %v while mounted", f.Del.Calls()[deletes:])
	}
	f.WriteFile(t, "/proc/self/mountinfo", "")
	if _, err := f.Edge.Detach(ctx, "toto"); err != nil {
		t.Fatal(err)
	}
	if ctrls := f.Controllers(t); len(ctrls) != 0 {
		t.Errorf("controllers left: %v", ctrls)
	}
	if _, err := os.Stat(f.FS.Path("/dev/nvme0n1")); !os.IsNotExist(err) {
		t.Errorf("namespace device left after detach: %v", err)
	}
	if _, err := f.Edge.Detach(ctx, "toto"); err != nil {
		t.Errorf("detach of a detached volume: %v", err)
	}
}

func TestConnectContextTyped(t *testing.T) {
	f := served(t, volume, nvmftest.Subsystem{NQN: "private", AllowedHosts: []string{"nqn.2014-08.org.example:other"}})
	o := identity(fabrics.Options{Transport: "tcp", Traddr: "127.0.0.1", Trsvcid: "4420", NQN: "toto"})
	c, err := f.Edge.ConnectContext(background, o)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "nvme0" || c.CntlID != 1 || c.SubsysNQN != "toto" || c.State != "live" {
		t.Errorf("controller %+v", c)
	}
	again, err := f.Edge.ConnectContext(background, o)
	if !errors.Is(err, nvmf.ErrAlreadyConnected) || again == nil || again.Name != "nvme0" {
		t.Errorf("second connect: %+v, %v", again, err)
	}

	o.NQN = "tota"
	if _, err := f.Edge.ConnectContext(background, o); !errors.Is(err, nvmf.ErrNotOffered) || !errors.Is(err, nvmf.ErrRefused) ||
		errors.Is(err, nvmf.ErrHostNotAllowed) {
		t.Errorf("connect to an NQN not offered: %v", err)
	}
	o.NQN = "private"
	if _, err := f.Edge.ConnectContext(background, o); !errors.Is(err, nvmf.ErrHostNotAllowed) || errors.Is(err, nvmf.ErrNotOffered) {
		t.Errorf("connect from a host not allowed: %v", err)
	}
	o.NQN, o.Trsvcid = "toto", "4421"
	f.Kernel.Fail = nvmftest.FailWhen("trsvcid", "4421", 111) // ECONNREFUSED
	if _, err := f.Edge.ConnectContext(background, o); !errors.Is(err, nvmf.ErrNothingListening) {
		t.Errorf("connect to a closed port: %v", err)
	}
}

func TestConnectContextCancelled(t *testing.T) {
	f := served(t, volume)
	ctx, cancel := context.WithCancel(background)
	f.Kernel.OnCreate = nvmftest.CancelOnCreate(cancel, 1)
	o := identity(fabrics.Options{Transport: "tcp", Traddr: "127.0.0.1", Trsvcid: "4420", NQN: "toto"})
	c, err := f.Edge.ConnectContext(ctx, o)
	if !errors.Is(err, context.Canceled) || c != nil {
		t.Fatalf("cancelled connect: %+v, %v", c, err)
	}
	if len(f.Kernel.Created()) != 1 {
		t.Fatalf("the write should have happened: %v", f.Kernel.Created())
	}
	if ctrls := f.Controllers(t); len(ctrls) != 0 {
		t.Errorf("a cancelled connect left %v", ctrls)
	}
	if _, err := f.Edge.ConnectContext(ctx, o); !errors.Is(err, context.Canceled) || len(f.Kernel.Writes()) != 1 {
		t.Errorf("a connect after cancellation wrote: %v", f.Kernel.Writes())
	}
}

func TestDisconnectBy(t *testing.T) {
	f := served(t, volume)
	for _, port := range []string{"4420", "4421"} {
		if port == "4421" {
			f.Serve(discPort, nvmftest.Port{Transport: "tcp", Traddr: "127.0.0.1", Trsvcid: "4421"}, volume)
		}
		o := identity(fabrics.Options{Transport: "tcp", Traddr: "127.0.0.1", Trsvcid: port, NQN: "toto"})
		if _, err := f.Edge.ConnectContext(background, o); err != nil {
			t.Fatal(err)
		}
	}
	res, err := f.Edge.DisconnectTransport(background, nvmf.TransportID{Transport: "tcp", Trsvcid: "4421", HostNQN: nvmftest.HostNQN}, 4)
	if err != nil || len(res) != 1 || res[0].Name != "nvme1" {
		t.Fatalf("by transport ID: %+v, %v", res, err)
	}
	if _, err := f.Edge.DisconnectTransport(background, nvmf.TransportID{Trsvcid: "4420", HostNQN: "nqn.other"}, 4); !errors.Is(err, nvmf.ErrNoController) {
		t.Errorf("another host's path: %v", err)
	}
	if _, err := os.Stat(f.FS.Path("/dev/nvme0n1")); err != nil {
		t.Errorf("the namespace went with one of two paths: %v", err)
	}
	if res, err := f.Edge.DisconnectNQN(background, "toto", 4); err != nil || len(res) != 1 {
		t.Fatalf("by NQN: %+v, %v", res, err)
	}
	if err := f.Edge.Disconnect(background, "nvme0"); !errors.Is(err, nvmf.ErrNoController) {
		t.Errorf("disconnect of a gone controller: %v", err)
	}
}

func TestWaitNamespacesTimeout(t *testing.T) {
	f := served(t, volume)
	if _, err := f.Edge.ConnectContext(background, identity(fabrics.Options{Transport: "tcp", Traddr: "127.0.0.1", Trsvcid: "4420", NQN: "toto"})); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(background, 150*time.Millisecond)
	defer cancel()
	if _, err := f.Edge.WaitNamespaces(ctx, "toto", nvmf.WaitOptions{Count: 3, Interval: 10 * time.Millisecond}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting for 3 of 2 namespaces: %v", err)
	}
	ns, err := f.Edge.WaitNamespaces(background, "toto", nvmf.WaitOptions{NSID: 2})
	if err != nil || len(ns) != 1 || ns[0].Name != "nvme0n2" {
		t.Errorf("waiting for nsid 2: %+v, %v", ns, err)
	}
}

func TestInUse(t *testing.T) {
	f := served(t, volume)
	if _, err := f.Edge.ConnectContext(background, identity(fabrics.Options{Transport: "tcp", Traddr: "127.0.0.1", Trsvcid: "4420", NQN: "toto"})); err != nil {
		t.Fatal(err)
	}
	if r, err := f.Edge.InUse("nvme0n1"); r != "" || err != nil {
		t.Fatalf("fresh namespace in use: %q, %v", r, err)
	}
	fd := f.FS.Path("/proc/4242/fd")
	if err := os.MkdirAll(fd, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/nvme0n1", filepath.Join(fd, "3")); err != nil {
		t.Fatal(err)
	}
	if r, _ := f.Edge.InUse("nvme0n1"); !strings.Contains(r, "open by process 4242") {
		t.Errorf("open namespace: %q", r)
	}
	f.WriteFile(t, "/sys/block/nvme0n2/holders/dm-0/dev", "253:0")
	if r, _ := f.Edge.InUse("nvme0n2"); !strings.Contains(r, "held by dm-0") {
		t.Errorf("held namespace: %q", r)
	}
	if _, err := f.Edge.Detach(background, "toto"); !errors.Is(err, nvmf.ErrInUse) {
		t.Errorf("detach with an open namespace: %v", err)
	}
}

func TestLockSerializes(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	unlock, err := f.Edge.Lock(background)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(background, 100*time.Millisecond)
	defer cancel()
	if _, err := f.Edge.Lock(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second lock while held: %v", err)
	}
	unlock()
	unlock2, err := f.Edge.Lock(background)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	unlock2()
}
