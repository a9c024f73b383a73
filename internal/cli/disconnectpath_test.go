package cli

import (
	"strings"
	"testing"

	"github.com/gonvme/gonvme/nvmftest"
)

// disconnect with connect's path flags deletes the controllers of that
// path only, on the 6.1 capture: test1 and test2 over rdma (nvme0, nvme2)
// and tcp (nvme1, nvme3), and a tcp discovery controller (nvme4).
func TestDisconnectPath(t *testing.T) {
	for _, tt := range []struct {
		name    string
		args    []string
		code    int
		out     string // stdout, or what stderr must hold
		deleted []string
	}{
		{"one path of one subsystem", []string{"-t", "tcp", "-a", "127.0.0.1", "-s", "4420", "-n", test1}, 0,
			"transport=tcp,traddr=127.0.0.1,trsvcid=4420,nqn=" + test1 + ": disconnected nvme1\n", []string{"nvme1"}},
		{"every subsystem at an address", []string{"-t", "rdma", "-a", "169.254.99.1"}, 0,
			"transport=rdma,traddr=169.254.99.1: disconnected nvme0, nvme2\n", []string{"nvme0", "nvme2"}},
		{"by host", []string{"-t", "tcp", "-a", "127.0.0.1", "-q", nvmftest.HostNQN, "-v"}, 0,
			"nvme1: disconnected\nnvme3: disconnected\nnvme4: disconnected\ntransport=tcp,traddr=127.0.0.1,hostnqn=" + nvmftest.HostNQN + ": disconnected nvme1, nvme3, nvme4\n", []string{"nvme1", "nvme3", "nvme4"}},
		{"another host", []string{"-t", "tcp", "-a", "127.0.0.1", "-q", "nqn.2014-08.org.example:other"}, 1,
			"no controller is connected through transport=tcp,traddr=127.0.0.1,hostnqn=nqn.2014-08.org.example:other; nothing was disconnected", nil},
		{"no such path", []string{"-t", "tcp", "-a", "127.0.0.2"}, 1, "no controller is connected through transport=tcp,traddr=127.0.0.2", nil},
		{"transport alone", []string{"-t", "tcp"}, 2, "a path is named by at least --transport (-t) and --traddr (-a)", nil},
		{"address alone", []string{"-a", "127.0.0.1"}, 2, "a path is named by at least --transport (-t) and --traddr (-a)", nil},
		{"with -d", []string{"-t", "tcp", "-a", "127.0.0.1", "-d", "nvme1"}, 2, "both name controllers", nil},
		{"nqn list", []string{"-t", "tcp", "-a", "127.0.0.1", "-n", test1 + "," + test2}, 2, "names the one subsystem of the path", nil},
		{"smuggled option", []string{"-t", "tcp", "-a", "127.0.0.1,nqn=x"}, 2, "traddr", nil},
		{"iface on rdma", []string{"-t", "rdma", "-a", "169.254.99.1", "-f", "veth0"}, 2, "host_iface", nil},
		{"bad port", []string{"-t", "tcp", "-a", "127.0.0.1", "-s", "99999"}, 2, "trsvcid", nil},
		{"bad transport", []string{"-t", "tpc", "-a", "127.0.0.1"}, 2, "transport", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := nvmftest.New(t, nvmftest.Kernel61)
			f.Del.Hold = 0
			r := run(t, f, append([]string{"disconnect"}, tt.args...)...)
			ok := r.code == tt.code
			if tt.code == 0 {
				ok = ok && r.stdout == tt.out
			} else {
				ok = ok && strings.Contains(r.stderr, tt.out) && r.stdout == ""
			}
			if !ok {
				t.Errorf("%v\nwant exit %d and %q", r, tt.code, tt.out)
			}
			if got := f.Del.Calls(); !sameSet(got, tt.deleted) {
				t.Errorf("deleted %q, want %q", got, tt.deleted)
			}
		})
	}
}
