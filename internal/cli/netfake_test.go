package cli

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/internal/netroute"
	"github.com/gonvme/gonvme/nvmftest"
)

// guestNet is the 6.1 guest's network as captured by
// internal/vmtest/capture-rdma.sh: "healthy" (veth0 169.254.99.1/16 with
// rxe0, the target on it) or "seed003" (also veth2 169.254.99.7/16
// without RDMA device, the route to the target through it). The kernel's
// route answers are the captured netlink replies; addresses with none
// captured are unreachable.
func guestNet(t *testing.T, scenario string) netroute.Host {
	t.Helper()
	ifs := []netroute.Interface{
		{Name: "lo", Index: 1, Up: true, Loopback: true, Prefixes: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/8")}},
		{Name: "veth1", Index: 2, Up: true},
		{Name: "veth0", Index: 3, Up: true, Prefixes: []netip.Prefix{netip.MustParsePrefix("169.254.99.1/16")}},
	}
	replies := map[string]string{"169.254.99.1": "local-169.254.99.1.bin", "127.0.0.1": "loopback-127.0.0.1.bin"}
	if scenario == "seed003" {
		ifs = append(ifs, netroute.Interface{Name: "veth3", Index: 4, Up: true},
			netroute.Interface{Name: "veth2", Index: 5, Up: true, Prefixes: []netip.Prefix{netip.MustParsePrefix("169.254.99.7/16")}})
		replies["169.254.99.1"] = "seed003-169.254.99.1.bin"
		replies["169.254.99.1 from 169.254.99.1"] = "seed003-from-169.254.99.1.bin"
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
			b, err := os.ReadFile(filepath.Join(nvmftest.Fixtures(), "rdma", "route", file))
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
		},
	}
}

// runNet runs gonvme as root over the fake edge and network n.
func runNet(t *testing.T, f *nvmftest.Fake, n netroute.Host, args ...string) result {
	t.Helper()
	return runOnNet(t, f, n, true, args...)
}

// runEnvNet runs gonvme as root or not on the healthy guest network.
func runEnvNet(t *testing.T, f *nvmftest.Fake, root bool, args ...string) result {
	t.Helper()
	return runOnNet(t, f, guestNet(t, "healthy"), root, args...)
}

func runOnNet(t *testing.T, f *nvmftest.Fake, n netroute.Host, root bool, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{
		FS: f.FS, Edge: f.Edge, Stdout: &out, Stderr: &errb, Net: n,
		IsRoot:    func() bool { return root },
		LookupEnv: func(string) (string, bool) { return "", false },
	}
	code := Run(env, args)
	clean := func(s string) string { return strings.ReplaceAll(s, f.Root, "ROOT") }
	return result{code, clean(out.String()), clean(errb.String())}
}
