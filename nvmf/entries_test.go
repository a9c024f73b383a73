package nvmf_test

import (
	"encoding/binary"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nqn"
	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/nvmftest"
)

const (
	fcTarget = "nn-0x20000090fa942779:pn-0x10000090fa942779"
	fcHost   = "nn-0x20000090fa942780:pn-0x10000090fa942780"
)

// rawEntry is one discovery log record as its fields sit on the wire
// (NVMe over Fabrics 1.1, Discovery Log Page Entry): written byte by byte
// here, not through package discovery.
type rawEntry struct {
	trtype, adrfam, subtype, treq byte
	trsvcid, subnqn, traddr       string
}

// rawPage lays out a discovery log page: a 1024-byte header (GENCTR at 0,
// NUMREC at 8) and 1024-byte records with TRTYPE at 0, ADRFAM at 1,
// SUBTYPE at 2, TREQ at 3, PORTID at 4, CNTLID at 6, TRSVCID at 32 (32
// bytes), SUBNQN at 256 (256 bytes), TRADDR at 512 (256 bytes).
func rawPage(entries ...rawEntry) []byte {
	b := make([]byte, 1024*(1+len(entries)))
	binary.LittleEndian.PutUint64(b[0:], 1)
	binary.LittleEndian.PutUint64(b[8:], uint64(len(entries)))
	for i, e := range entries {
		r := b[1024*(i+1):]
		r[0], r[1], r[2], r[3] = e.trtype, e.adrfam, e.subtype, e.treq
		binary.LittleEndian.PutUint16(r[4:], 1)
		binary.LittleEndian.PutUint16(r[6:], 0xffff)
		copy(r[32:64], e.trsvcid)
		copy(r[256:512], e.subnqn)
		copy(r[512:768], e.traddr)
	}
	return b
}

const (
	trRDMA, trFC, trTCP           = 1, 2, 3
	afIPv4, afIPv6, afIB, afFC    = 1, 2, 3, 4
	stReferral, stNVMe, stCurrent = 1, 2, 3
)

func TestWalkFibreChannel(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	// nvmet-fc lists FC ports with trsvcid "none"; some targets separate
	// the names with ','.
	f.Admin.Logs[nvmftest.Target("fc", fcTarget, "")] = rawPage(
		rawEntry{trFC, afFC, stCurrent, 0, "none", nqn.Discovery, fcTarget},
		rawEntry{trFC, afFC, stNVMe, 0, "none", sub1, fcTarget},
		rawEntry{trFC, afFC, stNVMe, 0, "none", sub2, strings.Replace(fcTarget, ":", ",", 1)},
		rawEntry{trFC, afIPv4, stNVMe, 0, "none", sub3, fcTarget},
		rawEntry{trTCP, afIPv4, stNVMe, 0, "4420", subT, "127.0.0.1"},
	)
	tgt := target("fc", fcTarget, "")
	tgt.Options.HostTraddr = fcHost
	rep, err := f.Edge.Walk(background, []nvmf.Target{tgt}, walkOpts())
	if err != nil {
		t.Fatal(err)
	}
	f.Edge.ConnectPaths(background, rep)
	want := `discovery depth 0 fc nn-0x20000090fa942779:pn-0x10000090fa942779: via nvme0, 5 records
path fc nn-0x20000090fa942779:pn-0x10000090fa942779 nqn.2026-11.io.example:sub1 via nn-0x20000090fa942779:pn-0x10000090fa942779: connected nvme0
path fc nn-0x20000090fa942779:pn-0x10000090fa942779 nqn.2026-11.io.example:sub2 via nn-0x20000090fa942779:pn-0x10000090fa942779: connected nvme1
path fc nn-0x20000090fa942779:pn-0x10000090fa942779 nqn.2026-11.io.example:sub3 via nn-0x20000090fa942779:pn-0x10000090fa942779: skipped 
path tcp 127.0.0.1:4420 nqn.2026-11.io.example:tcp-only via nn-0x20000090fa942779:pn-0x10000090fa942779: skipped 
`
	if got := summary(rep); got != want {
		t.Errorf("report differs:\n%s", lineDiff(want, got))
	}
	io := "transport=fc,traddr=" + fcTarget + ",host_traddr=" + fcHost + ",hostnqn=" + nvmftest.HostNQN + ",hostid=" + nvmftest.HostID + ",ctrl_loss_tmo=600"
	wantWrites := []string{"nqn=" + nqn.Discovery + "," + io, "nqn=" + sub1 + "," + io, "nqn=" + sub2 + "," + io}
	if got := f.Kernel.Writes(); !slices.Equal(got, wantWrites) {
		t.Errorf("kernel writes:%s\nwant:%s", joinLines(got), joinLines(wantWrites))
	}
	reasons := map[string]string{
		sub3: "entry with address family ipv4 (1), which does not fit the fc transport, which takes fibre-channel",
		subT: "entry listed for tcp by a discovery controller reached over fc: only paths of its own transport are followed (use 'gonvme connect -t tcp')",
	}
	for _, p := range rep.Paths {
		if r, ok := reasons[p.Options.NQN]; ok && (p.Err == nil || p.Err.Error() != r) {
			t.Errorf("%s skipped because %v, want %q", p.Options.NQN, p.Err, r)
		}
	}
	if rep.Failed() {
		t.Error("skipped entries made the walk fail")
	}
}

func TestWalkSkipsEntriesWhoseAddressFamilyDoesNotFit(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	f.Admin.Logs[nvmftest.Target("rdma", "10.0.0.1", "4420")] = rawPage(
		rawEntry{trRDMA, afIPv4, stNVMe, 0, "4420", sub1, "10.0.0.1"},
		rawEntry{trRDMA, afIPv6, stNVMe, 0, "4420", sub2, "fd00::1"},
		rawEntry{trRDMA, afIB, stNVMe, 0, "4420", sub3, "10.0.0.3"},
		rawEntry{trRDMA, afFC, stReferral, 0, "4420", nqn.Discovery, "10.0.0.4"},
		rawEntry{7, afIPv4, stNVMe, 0, "4420", sub4, "10.0.0.5"},
	)
	rep, err := f.Edge.Walk(background, []nvmf.Target{target("rdma", "10.0.0.1", "4420")}, walkOpts())
	if err != nil {
		t.Fatal(err)
	}
	want := `discovery depth 0 rdma 10.0.0.1:4420 via nvme0, 5 records
path rdma 10.0.0.1:4420 nqn.2026-11.io.example:sub1 via 10.0.0.1: not attempted 
path rdma [fd00::1]:4420 nqn.2026-11.io.example:sub2 via 10.0.0.1: not attempted 
path rdma 10.0.0.3:4420 nqn.2026-11.io.example:sub3 via 10.0.0.1: skipped 
path rdma 10.0.0.4:4420 nqn.2014-08.org.nvmexpress.discovery via 10.0.0.1: skipped 
path trtype 7 10.0.0.5:4420 nqn.2026-11.io.example:sub4 via 10.0.0.1: skipped 
`
	if got := summary(rep); got != want {
		t.Errorf("report differs:\n%s", lineDiff(want, got))
	}
	if got := rep.Paths[3].Err.Error(); got != "referral with address family fibre-channel (4), which does not fit the rdma transport, which takes ipv4 or ipv6" {
		t.Errorf("referral skipped because %q", got)
	}
	if len(rep.Discoveries) != 1 {
		t.Errorf("a skipped referral was followed: %d discoveries", len(rep.Discoveries))
	}
}

// The fake kernel refuses a trsvcid over FC, as nvmf_check_allowed_opts
// does, so a connect that passes one fails there.
func TestFakeKernelRefusesTrsvcidOverFC(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	_, err := f.Kernel.Create("nqn=" + sub1 + ",transport=fc,traddr=" + fcTarget + ",host_traddr=" + fcHost + ",trsvcid=none")
	var ke *fabrics.KernelError
	if !errors.As(err, &ke) || ke.Errno != 22 {
		t.Errorf("Create with trsvcid over fc = %v, want EINVAL", err)
	}
}
