package doctor

import (
	"net/netip"
	"strings"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/internal/netroute/netroutetest"
	"github.com/gonvme/gonvme/internal/rdma"
)

// The 6.1 guest (internal/vmtest/capture-rdma.sh): rxe0 on veth0
// 169.254.99.1/16, the target on that address; in seed 003's trap also
// veth2 169.254.99.7/16 without an RDMA device, the route through it.
const guest = "../../testdata/kernel/6.1/rdma"

var (
	target  = netroutetest.Target
	healthy = netroutetest.Healthy
	trapped = netroutetest.Seed003
	route   = netroutetest.Reply
)

func guestDevs(t *testing.T) []rdma.Device {
	t.Helper()
	devs, err := rdma.Read(hostfs.New(guest))
	if err != nil {
		t.Fatal(err)
	}
	return devs
}

func byName(t *testing.T, checks []Check, name string) Check {
	t.Helper()
	for _, c := range checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no check %q in %+v", name, checks)
	return Check{}
}

func TestPathHealthyRDMA(t *testing.T) {
	r, err := route(t, "local-169.254.99.1.bin", healthy)
	in := PathInput{Transport: "rdma", Traddr: target, Route: r, RouteErr: err, Ifaces: healthy, Devs: guestDevs(t)}
	checks := PathChecks(in)
	for _, c := range checks {
		if c.Status != OK {
			t.Errorf("healthy guest: %+v", c)
		}
	}
	rc := byName(t, checks, "route")
	if !strings.HasPrefix(rc.Evidence, "route to 169.254.99.1 leaves through veth0 (source 169.254.99.1") ||
		!strings.Contains(rc.Evidence, "kernel routes it through lo") || !strings.Contains(rc.Evidence, "RDMA device rxe0/1") {
		t.Errorf("route evidence: %s", rc.Evidence)
	}
	if g := byName(t, checks, "source gid"); !strings.Contains(g.Evidence, "rxe0/1 index 1 v2") {
		t.Errorf("gid: %+v", g)
	}
}

func TestPathSeed003(t *testing.T) {
	r, err := route(t, "seed003-169.254.99.1.bin", trapped)
	in := PathInput{Transport: "rdma", Traddr: target, Route: r, RouteErr: err, Ifaces: trapped, Devs: guestDevs(t)}
	checks := PathChecks(in)
	rc := byName(t, checks, "route")
	if rc.Status != Fail || !strings.Contains(rc.Evidence, "leaves through veth2 (source 169.254.99.7") || !strings.Contains(rc.Evidence, "veth2 has no RDMA device") {
		t.Errorf("route: %+v", rc)
	}
	sc := byName(t, checks, "same subnet")
	if sc.Status != Fail || !strings.Contains(sc.Evidence, "veth2 (169.254.99.7/16, no RDMA device) and veth0 (169.254.99.1/16, RDMA rxe0/1) share 169.254.0.0/16") ||
		!strings.Contains(sc.Evidence, "takes veth2") {
		t.Errorf("same subnet: %+v", sc)
	}
	for _, fix := range []string{"ip addr del 169.254.99.7/16 dev veth2", "--host-traddr 169.254.99.1"} {
		if !strings.Contains(sc.Fix, fix) || !strings.Contains(rc.Fix, fix) {
			t.Errorf("fixes %q / %q lack %q", rc.Fix, sc.Fix, fix)
		}
	}

	// Pinned to veth0's address, rdma_cm binds rxe0: the route passes,
	// the shared subnet stays a warning.
	r, err = route(t, "seed003-from-169.254.99.1.bin", trapped)
	in = PathInput{Transport: "rdma", Traddr: target, HostTraddr: target, Route: r, RouteErr: err, Ifaces: trapped, Devs: guestDevs(t)}
	checks = PathChecks(in)
	if rc := byName(t, checks, "route"); rc.Status != OK || !strings.Contains(rc.Evidence, "leaves through veth0") || !strings.Contains(rc.Evidence, "packets through veth2") {
		t.Errorf("with -w: %+v", rc)
	}
	if sc := byName(t, checks, "same subnet"); sc.Status != Warn {
		t.Errorf("with -w: %+v", sc)
	}
	if w := byName(t, checks, "host-traddr"); w.Status != OK {
		t.Errorf("with -w: %+v", w)
	}

	// TCP there is fine: the kernel's TCP stack does not need an RDMA
	// device, only the subnet is shared.
	r, err = route(t, "seed003-169.254.99.1.bin", trapped)
	in = PathInput{Transport: "tcp", Traddr: target, Route: r, RouteErr: err, Ifaces: trapped, Devs: guestDevs(t)}
	checks = PathChecks(in)
	if rc := byName(t, checks, "route"); rc.Status != OK {
		t.Errorf("tcp: %+v", rc)
	}
	if sc := byName(t, checks, "same subnet"); sc.Status != Warn {
		t.Errorf("tcp: %+v", sc)
	}
}

func TestPathFlagsAndErrors(t *testing.T) {
	r, err := route(t, "unreachable-10.1.2.3.bin", healthy)
	checks := PathChecks(PathInput{Transport: "rdma", Traddr: netip.MustParseAddr("10.1.2.3"), Route: r, RouteErr: err, Ifaces: healthy})
	if rc := byName(t, checks, "route"); rc.Status != Fail || !strings.Contains(rc.Evidence, "no route to 10.1.2.3: network is unreachable") {
		t.Errorf("unreachable: %+v", rc)
	}
	r, err = route(t, "local-169.254.99.1.bin", healthy)
	checks = PathChecks(PathInput{Transport: "rdma", Traddr: target, HostTraddr: netip.MustParseAddr("169.254.99.9"), Route: r, RouteErr: err, Ifaces: healthy, Devs: guestDevs(t)})
	if c := byName(t, checks, "host-traddr"); c.Status != Fail || !strings.Contains(c.Evidence, "169.254.99.9 is not an address of this host") {
		t.Errorf("-w elsewhere: %+v", c)
	}
	for iface, want := range map[string]string{"eth9": "no interface eth9", "veth1": "veth1 is not on the route: the connection leaves through veth0", "veth0": ""} {
		checks = PathChecks(PathInput{Transport: "tcp", Traddr: target, HostIface: iface, Route: r, Ifaces: healthy})
		c := byName(t, checks, "host-iface")
		if (want == "") != (c.Status == OK) || !strings.Contains(c.Evidence, want) {
			t.Errorf("-f %s: %+v", iface, c)
		}
	}
	// A RoCE port with only v1 GIDs for the address in use warns.
	devs := guestDevs(t)
	for i := range devs[0].Ports[0].GIDs {
		devs[0].Ports[0].GIDs[i].Type = "v1"
	}
	checks = PathChecks(PathInput{Transport: "rdma", Traddr: target, Route: r, Ifaces: healthy, Devs: devs})
	if c := byName(t, checks, "source gid"); c.Status != Warn || !strings.Contains(c.Evidence, "only RoCE v1") {
		t.Errorf("v1 only: %+v", c)
	}
	devs[0].Ports[0].GIDs = devs[0].Ports[0].GIDs[:1]
	checks = PathChecks(PathInput{Transport: "rdma", Traddr: target, Route: r, Ifaces: healthy, Devs: devs})
	if c := byName(t, checks, "source gid"); c.Status != Fail {
		t.Errorf("no GID for the address: %+v", c)
	}
	if c := byName(t, PathChecks(PathInput{Transport: "rdma", Traddr: target, RouteErr: syscall.EINVAL}), "route"); c.Status != Fail || !strings.Contains(c.Fix, "ip route get") {
		t.Errorf("EINVAL: %+v", c)
	}
}
