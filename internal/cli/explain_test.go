package cli

import (
	"github.com/gonvme/gonvme/internal/netroute/netroutetest"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/nvmftest"
)

func TestConnectEIOListsOfferedNQNs(t *testing.T) {
	tests := []struct {
		name string
		nqn  string
		want string
	}{
		{
			"wrong nqn", "nqn.2026-11.io.gonvme:test2x",
			"\n  nqn.2026-11.io.gonvme:test2x is not offered at 169.254.99.1:4420; offered there (closest first): " + test2 + ", " + test1 + "\n",
		},
		{
			"offered, host refused", test1,
			"\n  " + test1 + " is offered at 169.254.99.1:4420, so the target refused this host: add " + nvmftest.HostNQN + " to the subsystem's allowed hosts\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := withPages(t, nvmftest.New(t, nvmftest.Empty))
			f.Kernel.Fail = nvmftest.FailWhen("nqn", tt.nqn, syscall.EIO)
			r := run(t, f, "connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", tt.nqn)
			if r.code != 1 || r.stdout != "" {
				t.Errorf("%v\nwant exit 1", r)
			}
			if !strings.HasPrefix(r.stderr, "gonvme: connect rdma 169.254.99.1:4420 "+tt.nqn+": ROOT/dev/nvme-fabrics: input/output error (EIO)") ||
				!strings.HasSuffix(r.stderr, tt.want) {
				t.Errorf("stderr:\n%s\nwant the EIO error followed by %q", r.stderr, tt.want)
			}
			if w := f.Kernel.Writes(); len(w) != 2 || !strings.HasPrefix(w[1], "nqn=nqn.2014-08.org.nvmexpress.discovery,") {
				t.Errorf("writes %q, want the connect and one discovery controller", w)
			}
			if got := f.Controllers(t); len(got) != 0 {
				t.Errorf("controllers left %q, want none", got)
			}
		})
	}
}

func TestConnectResetNamesTheInterface(t *testing.T) {
	tests := []struct {
		name, scenario, traddr string
		want                   []string
	}{
		{"interface with RDMA device", "healthy", rdmaAddr, []string{"route to 169.254.99.1 leaves through veth0 (source 169.254.99.1, table 254); " +
			"169.254.99.1 is this host's own address: the kernel routes it through lo, the connection uses veth0, which holds it: " +
			"check that the target listens on that address and port ('gonvme doctor -t rdma -a 169.254.99.1' checks the whole path)"}},
		{"seed 003: the route takes the interface without RDMA device", "seed003", rdmaAddr, []string{
			"route: route to 169.254.99.1 leaves through veth2 (source 169.254.99.7, table 100); veth2 has no RDMA device; fix: the RDMA connection cannot use veth2: " +
				"give veth0 and veth2 separate subnets (ip addr del 169.254.99.7/16 dev veth2), or pin the source to the RDMA interface: --host-traddr 169.254.99.1",
			"same subnet: veth2 (169.254.99.7/16, no RDMA device) and veth0 (169.254.99.1/16, RDMA rxe0/1) share 169.254.0.0/16"}},
		{"no route", "healthy", "10.1.2.3", []string{"route: no route to 10.1.2.3: network is unreachable; fix: give this host an address in the target's subnet"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := nvmftest.New(t, nvmftest.Empty)
			nvmftest.CopyTree(t, filepath.Join(nvmftest.Fixtures(), "rdma", "sys"), filepath.Join(f.Root, "sys"))
			f.Kernel.Fail = nvmftest.FailWhen("traddr", tt.traddr, syscall.ECONNRESET)
			r := runNet(t, f, netroutetest.Host(t, tt.scenario), "connect", "-t", "rdma", "-a", tt.traddr, "-s", "4420", "-n", test1)
			for _, w := range tt.want {
				if r.code != 1 || !strings.Contains(r.stderr, "ECONNRESET") || !strings.Contains(r.stderr, "\n  "+w) {
					t.Errorf("%v\nwant exit 1, ECONNRESET and %q", r, w)
				}
			}
			if n := len(f.Kernel.Writes()); n != 1 {
				t.Errorf("%d writes, want 1", n)
			}
		})
	}
	t.Run("tcp gets no route note", func(t *testing.T) {
		f := nvmftest.New(t, nvmftest.Empty)
		f.Kernel.Fail = nvmftest.FailWhen("traddr", tcpAddr, syscall.ECONNREFUSED)
		r := runNet(t, f, netroutetest.Host(t, "healthy"), "connect", "-t", "tcp", "-a", tcpAddr, "-s", "4421", "-n", test1)
		if r.code != 1 || strings.Contains(r.stderr, "route to") || !strings.Contains(r.stderr, "ECONNREFUSED") {
			t.Errorf("%v", r)
		}
	})
}
