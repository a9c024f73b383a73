//go:build e2e

package e2e

import (
	"slices"
	"strings"
	"testing"
)

// TestDisconnectPath: disconnect with connect's path flags removes the
// controllers of that path and leaves the others: A over rdma and tcp, B
// over tcp; then the tcp path of A, the tcp address, the rdma path.
func TestDisconnectPath(t *testing.T) {
	clean(t)
	hostnqn, _ := hostIdentity(t)
	for _, c := range [][]string{
		{"-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", nqnA},
		{"-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", nqnA},
		{"-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", nqnB},
	} {
		mustOK(t, gonvme(t, append([]string{"connect"}, c...)...), "connect "+strings.Join(c, " "))
	}
	left := func(want ...string) {
		t.Helper()
		got := pathSet(t)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("paths left %q, want %q", got, want)
		}
	}
	aRDMA := "rdma traddr=" + rdmaAddr + ",trsvcid=4420 " + nqnA
	bTCP := "tcp traddr=" + tcpAddr + ",trsvcid=4420 " + nqnB

	r := gonvme(t, "disconnect", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", nqnA)
	mustOK(t, r, "disconnect the tcp path of A")
	if !strings.HasPrefix(r.stdout, "transport=tcp,traddr="+tcpAddr+",trsvcid=4420,nqn="+nqnA+": disconnected nvme") {
		t.Errorf("disconnect printed %q", r.stdout)
	}
	left(aRDMA, bTCP)

	if r := gonvme(t, "disconnect", "-t", "tcp", "-a", "127.0.0.2"); r.code != 1 || !strings.Contains(r.stderr, "no controller is connected through transport=tcp,traddr=127.0.0.2") {
		t.Errorf("disconnect of a path not connected:\n%s", r)
	}
	if r := gonvme(t, "disconnect", "-t", "tcp", "-a", tcpAddr+",nqn="+nqnA); r.code != 2 {
		t.Errorf("disconnect with a smuggled option:\n%s", r)
	}
	left(aRDMA, bTCP)

	mustOK(t, gonvme(t, "disconnect", "-t", "tcp", "-a", tcpAddr), "disconnect the tcp address")
	left(aRDMA)
	mustOK(t, gonvme(t, "disconnect", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-q", hostnqn), "disconnect the rdma path")
	left()
}
