package nvmf_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/nvmftest"
)

const (
	sub1 = "nqn.2026-11.io.example:sub1"
	sub2 = "nqn.2026-11.io.example:sub2"
	sub3 = "nqn.2026-11.io.example:sub3"
	sub4 = "nqn.2026-11.io.example:sub4"
	subT = "nqn.2026-11.io.example:tcp-only"
)

// serve sets the discovery log of the rdma discovery controller at addr.
func serve(f *nvmftest.Fake, addr string, entries ...nvmftest.Entry) {
	f.Admin.Logs[nvmftest.Target("rdma", addr, "4420")] = nvmftest.Page(entries...)
}

func rdmaSub(addr, subnqn string) nvmftest.Entry { return nvmftest.Sub("rdma", addr, "4420", subnqn) }
func rdmaRef(addr string) nvmftest.Entry         { return nvmftest.Referral("rdma", addr, "4420") }

// walkOpts are connect-all's defaults: the host identity as template.
func walkOpts() nvmf.WalkOptions {
	return nvmf.WalkOptions{Template: identity(fabrics.Options{})}
}

// summary renders a report one line per discovery and path, for diffs.
func summary(rep *nvmf.Report) string {
	var b strings.Builder
	for _, d := range rep.Discoveries {
		o := d.Target.Options
		fmt.Fprintf(&b, "discovery depth %d %s %s:%s", d.Depth, o.Transport, o.Traddr, o.Trsvcid)
		switch {
		case d.Err != nil:
			fmt.Fprintf(&b, " error\n")
		default:
			fmt.Fprintf(&b, " via %s, %d records\n", d.Found.Controller, len(d.Found.Log.Entries))
		}
	}
	for _, p := range rep.Paths {
		fmt.Fprintf(&b, "path %s via %s: %s %s\n", p.Options.Target(), p.Via.Options.Traddr, p.Outcome, p.Device)
	}
	return b.String()
}

func TestWalkFollowsReferrals(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, "10.0.0.1",
		nvmftest.Current("rdma", "10.0.0.1", "4420"),
		rdmaSub("10.0.0.1", sub1),
		rdmaSub("10.0.0.1", sub2),
		nvmftest.Sub("tcp", "10.0.0.1", "4420", subT), // another transport: skipped
		rdmaRef("10.0.0.2"),
		rdmaRef("10.0.0.2"),       // listed twice
		rdmaSub("10.0.0.1", sub1), // the same path twice
	)
	serve(f, "10.0.0.2",
		rdmaRef("10.0.0.1"), // back to the first: a loop
		rdmaRef("10.0.0.2"), // itself
		rdmaSub("10.0.0.2", sub1),
		rdmaSub("10.0.0.2", sub3),
		rdmaRef("10.0.0.3"),
	)
	serve(f, "10.0.0.3", rdmaSub("10.0.0.3", sub4), rdmaRef("10.0.0.1"), rdmaRef("10.0.0.2"))

	rep, err := f.Edge.Walk(background, []nvmf.Target{target("rdma", "10.0.0.1", "4420"), target("rdma", "10.0.0.1", "")}, walkOpts())
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	want := `discovery depth 0 rdma 10.0.0.1:4420 via nvme0, 7 records
discovery depth 1 rdma 10.0.0.2:4420 via nvme0, 5 records
discovery depth 2 rdma 10.0.0.3:4420 via nvme0, 3 records
path rdma 10.0.0.1:4420 nqn.2026-11.io.example:sub1 via 10.0.0.1: not attempted 
path rdma 10.0.0.1:4420 nqn.2026-11.io.example:sub2 via 10.0.0.1: not attempted 
path tcp 10.0.0.1:4420 nqn.2026-11.io.example:tcp-only via 10.0.0.1: skipped 
path rdma 10.0.0.2:4420 nqn.2026-11.io.example:sub1 via 10.0.0.2: not attempted 
path rdma 10.0.0.2:4420 nqn.2026-11.io.example:sub3 via 10.0.0.2: not attempted 
path rdma 10.0.0.3:4420 nqn.2026-11.io.example:sub4 via 10.0.0.3: not attempted 
`
	if got := summary(rep); got != want {
		t.Errorf("report differs:\n%s", lineDiff(want, got))
	}
	if got, want := rep.OfferedNQNs(), []string{sub1, sub2, sub3, sub4}; !slices.Equal(got, want) {
		t.Errorf("OfferedNQNs = %q, want %q", got, want)
	}
	wantWrites := []string{discWrite("rdma", "10.0.0.1", "4420"), discWrite("rdma", "10.0.0.2", "4420"), discWrite("rdma", "10.0.0.3", "4420")}
	if got := f.Kernel.Writes(); !slices.Equal(got, wantWrites) {
		t.Errorf("kernel writes:%s\nwant (discovery controllers only):%s", joinLines(got), joinLines(wantWrites))
	}
	if got := f.Controllers(t); len(got) != 0 {
		t.Errorf("controllers left after the walk: %q, want none", got)
	}
}

func TestWalkMatchKeepsOfferedNQNs(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, "10.0.0.1", rdmaSub("10.0.0.1", sub1), rdmaSub("10.0.0.1", sub2), rdmaSub("10.0.0.1", sub3))
	rep, err := f.Edge.Walk(background, []nvmf.Target{target("rdma", "10.0.0.1", "4420")}, nvmf.WalkOptions{Template: identity(fabrics.Options{}), Match: sub2})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Paths) != 1 || rep.Paths[0].Options.NQN != sub2 {
		t.Errorf("paths:\n%s want only %s", summary(rep), sub2)
	}
	if got, want := rep.OfferedNQNs(), []string{sub1, sub2, sub3}; !slices.Equal(got, want) {
		t.Errorf("OfferedNQNs = %q, want %q", got, want)
	}
}

func TestWalkReferralDepthIsBounded(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	const chain = nvmf.MaxReferralDepth + 5
	for i := 0; i < chain; i++ {
		serve(f, fmt.Sprintf("10.0.1.%d", i), rdmaRef(fmt.Sprintf("10.0.1.%d", i+1)))
	}
	rep, err := f.Edge.Walk(background, []nvmf.Target{target("rdma", "10.0.1.0", "4420")}, walkOpts())
	if err != nil {
		t.Fatal(err)
	}
	if got := len(rep.Discoveries); got != nvmf.MaxReferralDepth+1 {
		t.Errorf("%d discoveries, want %d (depth 0 to %d)", got, nvmf.MaxReferralDepth+1, nvmf.MaxReferralDepth)
	}
	if last := rep.Discoveries[len(rep.Discoveries)-1]; last.Depth != nvmf.MaxReferralDepth {
		t.Errorf("deepest discovery at depth %d, want %d", last.Depth, nvmf.MaxReferralDepth)
	}
}

func TestWalkFindsConnectedPathsInSysfs(t *testing.T) {
	tests := []struct {
		name       string
		target     nvmf.Target
		wantWrites int
		want       string
	}{
		{
			// No live rdma discovery controller in the fixture: a temporary
			// one (nvme5) is made; the tcp referral is another transport.
			name: "rdma", target: target("rdma", rdmaAddr, "4420"), wantWrites: 1,
			want: `discovery depth 0 rdma 169.254.99.1:4420 via nvme5, 4 records
path rdma 169.254.99.1:4420 nqn.2026-11.io.gonvme:test1 via 169.254.99.1: already connected nvme0
path rdma 169.254.99.1:4420 nqn.2026-11.io.gonvme:test2 via 169.254.99.1: already connected nvme2
path tcp 127.0.0.1:4420 nqn.2014-08.org.nvmexpress.discovery via 169.254.99.1: skipped 
`,
		},
		{
			// nvme4 is a live tcp discovery controller there: reused.
			name: "tcp", target: target("tcp", tcpAddr, "4420"), wantWrites: 0,
			want: `discovery depth 0 tcp 127.0.0.1:4420 via nvme4, 4 records
path tcp 127.0.0.1:4420 nqn.2026-11.io.gonvme:test1 via 127.0.0.1: already connected nvme1
path tcp 127.0.0.1:4420 nqn.2026-11.io.gonvme:test2 via 127.0.0.1: already connected nvme3
path rdma 169.254.99.1:4420 nqn.2014-08.org.nvmexpress.discovery via 127.0.0.1: skipped 
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := nvmftest.New(t, nvmftest.Kernel61)
			withFixturePages(t, f)
			rep, err := f.Edge.Walk(background, []nvmf.Target{tt.target}, walkOpts())
			if err != nil {
				t.Fatal(err)
			}
			if got := summary(rep); got != tt.want {
				t.Errorf("report differs:\n%s", lineDiff(tt.want, got))
			}
			f.Edge.ConnectPaths(background, rep)
			if got := len(f.Kernel.Writes()); got != tt.wantWrites {
				t.Errorf("%d kernel writes %q, want %d (no I/O connect for connected paths)", got, f.Kernel.Writes(), tt.wantWrites)
			}
			if rep.Failed() {
				t.Error("Failed() = true, want false: every path is connected")
			}
			if got, want := f.Controllers(t), []string{"nvme0", "nvme1", "nvme2", "nvme3", "nvme4"}; !slices.Equal(got, want) {
				t.Errorf("controllers after the walk %q, want %q", got, want)
			}
		})
	}
}

func TestConnectPathsSQFlow(t *testing.T) {
	tests := []struct {
		name       string
		fail       func(map[string]string) syscall.Errno
		wantWrites []string
		wantSQFlow bool // the connected path's options
	}{
		{
			name: "kernel accepts disable_sqflow",
			wantWrites: []string{
				ioWrite("rdma", "10.0.0.1", "4420", sub1, "disable_sqflow"),
				ioWrite("rdma", "10.0.0.1", "4420", sub2),
			},
			wantSQFlow: true,
		},
		{
			name: "EINVAL: retried without it",
			fail: nvmftest.FailWhen("disable_sqflow", "", syscall.EINVAL),
			wantWrites: []string{
				ioWrite("rdma", "10.0.0.1", "4420", sub1, "disable_sqflow"),
				ioWrite("rdma", "10.0.0.1", "4420", sub1),
				ioWrite("rdma", "10.0.0.1", "4420", sub2),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := nvmftest.New(t, nvmftest.Empty)
			e1 := rdmaSub("10.0.0.1", sub1)
			e1.TReq = 0x4 // SQ flow control disable supported
			serve(f, "10.0.0.1", e1, rdmaSub("10.0.0.1", sub2))
			f.Kernel.Fail = tt.fail
			rep, err := f.Edge.Walk(background, []nvmf.Target{target("rdma", "10.0.0.1", "4420")}, walkOpts())
			if err != nil {
				t.Fatal(err)
			}
			f.Edge.ConnectPaths(background, rep)
			got := f.Kernel.Writes()[1:] // after the discovery controller
			if !slices.Equal(got, tt.wantWrites) {
				t.Errorf("I/O writes:%s\nwant:%s", joinLines(got), joinLines(tt.wantWrites))
			}
			for _, p := range rep.Paths {
				if p.Outcome != nvmf.Connected || p.Err != nil {
					t.Errorf("%s: %s %v, want connected", p.Options.NQN, p.Outcome, p.Err)
				}
			}
			if got := rep.Paths[0].Options.DisableSQFlow; got != tt.wantSQFlow {
				t.Errorf("path options DisableSQFlow = %v, want %v", got, tt.wantSQFlow)
			}
			if rep.Paths[0].Device != "nvme0" || rep.Paths[1].Device != "nvme1" {
				t.Errorf("devices %s, %s; want nvme0, nvme1", rep.Paths[0].Device, rep.Paths[1].Device)
			}
		})
	}
}

func TestConnectPathsEINVALWithoutSQFlowIsNotRetried(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, "10.0.0.1", rdmaSub("10.0.0.1", sub1))
	rep, err := f.Edge.Walk(background, []nvmf.Target{target("rdma", "10.0.0.1", "4420")}, walkOpts())
	if err != nil {
		t.Fatal(err)
	}
	f.Kernel.Fail = nvmftest.FailWhen("nqn", sub1, syscall.EINVAL)
	f.Edge.ConnectPaths(background, rep)
	if n := len(f.Kernel.Writes()); n != 2 {
		t.Errorf("%d writes %q, want the discovery controller and one I/O connect", n, f.Kernel.Writes())
	}
	p := rep.Paths[0]
	if p.Outcome != nvmf.Failed || !errors.Is(p.Err, syscall.EINVAL) || !rep.Failed() {
		t.Errorf("path %s %v (report failed %v), want failed with EINVAL", p.Outcome, p.Err, rep.Failed())
	}
}

func TestConnectPathsKernelSaysAlready(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, "10.0.0.1", rdmaSub("10.0.0.1", sub1))
	rep, err := f.Edge.Walk(background, []nvmf.Target{target("rdma", "10.0.0.1", "4420")}, walkOpts())
	if err != nil {
		t.Fatal(err)
	}
	f.Kernel.Fail = nvmftest.FailWhen("nqn", sub1, syscall.EALREADY)
	f.Edge.ConnectPaths(background, rep)
	if p := rep.Paths[0]; p.Outcome != nvmf.AlreadyConnected || p.Err != nil || rep.Failed() {
		t.Errorf("path %s %v, want already connected without error", p.Outcome, p.Err)
	}
}

func TestWalkFailedReferralDoesNotStopTheRest(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, "10.0.0.1", rdmaSub("10.0.0.1", sub1), rdmaRef("10.0.0.2"), rdmaRef("10.0.0.3"))
	serve(f, "10.0.0.2", rdmaSub("10.0.0.2", sub2))
	serve(f, "10.0.0.3", rdmaSub("10.0.0.3", sub3))
	f.Kernel.Fail = nvmftest.FailWhen("traddr", "10.0.0.2", syscall.ECONNREFUSED)
	rep, err := f.Edge.Walk(background, []nvmf.Target{target("rdma", "10.0.0.1", "4420")}, walkOpts())
	if err != nil {
		t.Fatal(err)
	}
	f.Edge.ConnectPaths(background, rep)
	want := `discovery depth 0 rdma 10.0.0.1:4420 via nvme0, 3 records
discovery depth 1 rdma 10.0.0.2:4420 error
discovery depth 1 rdma 10.0.0.3:4420 via nvme0, 1 records
path rdma 10.0.0.1:4420 nqn.2026-11.io.example:sub1 via 10.0.0.1: connected nvme0
path rdma 10.0.0.3:4420 nqn.2026-11.io.example:sub3 via 10.0.0.3: connected nvme1
`
	if got := summary(rep); got != want {
		t.Errorf("report differs:\n%s", lineDiff(want, got))
	}
	d := rep.Discoveries[1]
	if !errors.Is(d.Err, syscall.ECONNREFUSED) || !strings.Contains(d.Err.Error(), "10.0.0.2:4420") {
		t.Errorf("referral error %v, want ECONNREFUSED naming 10.0.0.2:4420", d.Err)
	}
	if d.Target.Where != "referral from 10.0.0.1:4420" {
		t.Errorf("referral Where = %q", d.Target.Where)
	}
	if !rep.Failed() {
		t.Error("Failed() = false with a failed discovery")
	}
}

func TestCancelDuringWalk(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, "10.0.0.1", rdmaSub("10.0.0.1", sub1), rdmaSub("10.0.0.1", sub2), rdmaRef("10.0.0.2"))
	serve(f, "10.0.0.2", rdmaSub("10.0.0.2", sub3))
	ctx, cancel := context.WithCancel(background)
	defer cancel()
	f.Kernel.OnCreate = nvmftest.CancelOnCreate(cancel, 1) // while the first discovery controller is made
	rep, err := f.Edge.Walk(ctx, []nvmf.Target{target("rdma", "10.0.0.1", "4420")}, walkOpts())
	if err != nil {
		t.Fatal(err)
	}
	f.Edge.ConnectPaths(ctx, rep)
	if len(rep.Discoveries) != 2 || rep.Discoveries[0].Err != nil || !errors.Is(rep.Discoveries[1].Err, context.Canceled) {
		t.Errorf("discoveries after cancel:\n%s want the first, then the referral as not asked", summary(rep))
	}
	for _, p := range rep.Paths {
		if p.Outcome != nvmf.NotAttempted || !errors.Is(p.Err, context.Canceled) {
			t.Errorf("%s: %s %v, want not attempted, context canceled", p.Options.NQN, p.Outcome, p.Err)
		}
	}
	if len(rep.Paths) != 2 || !rep.Failed() {
		t.Errorf("%d paths, Failed() %v; want 2 paths and a failed report", len(rep.Paths), rep.Failed())
	}
	if n := len(f.Kernel.Writes()); n != 1 {
		t.Errorf("%d writes, want only the first discovery controller", n)
	}
	if got := f.Controllers(t); len(got) != 0 {
		t.Errorf("controllers left behind: %q", got)
	}
}

func TestCancelDuringConnects(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, "10.0.0.1", rdmaSub("10.0.0.1", sub1), rdmaSub("10.0.0.1", sub2), rdmaSub("10.0.0.1", sub3))
	ctx, cancel := context.WithCancel(background)
	defer cancel()
	rep, err := f.Edge.Walk(ctx, []nvmf.Target{target("rdma", "10.0.0.1", "4420")}, walkOpts())
	if err != nil {
		t.Fatal(err)
	}
	f.Kernel.OnCreate = nvmftest.CancelOnCreate(cancel, 1) // during the first I/O connect
	f.Edge.ConnectPaths(ctx, rep)
	want := []nvmf.Outcome{nvmf.Connected, nvmf.NotAttempted, nvmf.NotAttempted}
	for i, p := range rep.Paths {
		if p.Outcome != want[i] {
			t.Errorf("path %d %s: %s, want %s", i, p.Options.NQN, p.Outcome, want[i])
		}
	}
	if got := f.Controllers(t); !slices.Equal(got, []string{"nvme0"}) {
		t.Errorf("controllers %q, want only the connected I/O controller nvme0 (no discovery controller)", got)
	}
	if !rep.Failed() {
		t.Error("Failed() = false after an interrupted connect-all")
	}
}

func TestWalkCancelledBetweenLevelsFails(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	serve(f, "169.254.99.1", rdmaSub("169.254.99.1", sub1))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := f.Edge.Walk(ctx, []nvmf.Target{target("rdma", "169.254.99.1", "4420")}, walkOpts())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Discoveries) != 1 || rep.Discoveries[0].Err == nil || !rep.Failed() {
		t.Fatalf("a walk cancelled before it asked anything must report the target as not asked and fail: %+v", rep.Discoveries)
	}
	if n := len(f.Kernel.Writes()); n != 0 {
		t.Fatalf("cancelled walk wrote %d option strings", n)
	}
}
