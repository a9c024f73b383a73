package netroutetest

import (
	"net/netip"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/internal/netroute"
	"github.com/gonvme/gonvme/nvmftest/kfixtures"
)

// Target is the guest's address the NVMe target listens on (veth0).
var Target = netip.MustParseAddr("169.254.99.1")

// Healthy is the guest's interfaces: veth0 169.254.99.1/16 with rxe0, the
// target on it.
var Healthy = []netroute.Interface{
	{Name: "lo", Index: 1, Up: true, Loopback: true, Prefixes: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/8")}},
	{Name: "veth1", Index: 2, Up: true},
	{Name: "veth0", Index: 3, Up: true, Prefixes: []netip.Prefix{netip.MustParsePrefix("169.254.99.1/16")}},
}

// Seed003 is seed 003's trap: Healthy and veth2 169.254.99.7/16, in the
// same subnet without an RDMA device, which the route to the target takes.
var Seed003 = append(append([]netroute.Interface{}, Healthy...),
	netroute.Interface{Name: "veth3", Index: 4, Up: true},
	netroute.Interface{Name: "veth2", Index: 5, Up: true, Prefixes: []netip.Prefix{netip.MustParsePrefix("169.254.99.7/16")}})

// Reply reads the captured route reply file (testdata/kernel/6.1/rdma/
// route/FILE) and names its interface from ifs.
func Reply(t testing.TB, file string, ifs []netroute.Interface) (netroute.Route, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(kfixtures.Root(), "6.1", "rdma", "route", file))
	if err != nil {
		t.Fatal(err)
	}
	r, err := netroute.ParseReply(b)
	for _, i := range ifs {
		if i.Index == r.IfIndex {
			r.Iface = i.Name
		}
	}
	return r, err
}

// Host is the guest's network, "healthy" (Healthy) or "seed003"
// (Seed003), answering route queries with the captured replies; an
// address with none captured is unreachable (ENETUNREACH).
func Host(t testing.TB, scenario string) netroute.Host {
	t.Helper()
	ifs := Healthy
	replies := map[string]string{"169.254.99.1": "local-169.254.99.1.bin", "127.0.0.1": "loopback-127.0.0.1.bin"}
	switch scenario {
	case "healthy":
	case "seed003":
		ifs = Seed003
		replies["169.254.99.1"] = "seed003-169.254.99.1.bin"
		replies["169.254.99.1 from 169.254.99.1"] = "seed003-from-169.254.99.1.bin"
	default:
		t.Fatalf("netroutetest: no scenario %q (healthy, seed003)", scenario)
	}
	return netroute.Host{
		Interfaces: func() ([]netroute.Interface, error) { return ifs, nil },
		Route: func(q netroute.Query) (netroute.Route, error) {
			key := q.Dst.String()
			if q.Src.IsValid() {
				key += " from " + q.Src.String()
			}
			file, ok := replies[key]
			if !ok {
				file, ok = replies[q.Dst.String()]
			}
			if !ok {
				return netroute.Route{}, syscall.ENETUNREACH
			}
			return Reply(t, file, ifs)
		},
	}
}
