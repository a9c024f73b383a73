//go:build e2e

package e2e

import (
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

func TestFailures(t *testing.T) {
	t.Run("wrong NQN", func(t *testing.T) {
		clean(t)
		r := gonvme(t, "connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", "nqn.2026-11.io.gonvme:e2e-aa")
		if r.code == 0 || !strings.Contains(r.stderr, nqnA) || !strings.Contains(r.stderr, "input/output error") {
			t.Errorf("want a refusal naming the offered %s first:\n%s", nqnA, r)
		}
		if cs := controllers(t); len(cs) != 0 {
			t.Errorf("left %+v", cs)
		}
	})
	t.Run("nothing listening", func(t *testing.T) {
		clean(t)
		r := gonvme(t, "connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4999", "-n", nqnA)
		if r.code == 0 || !strings.Contains(r.stderr, "route to "+rdmaAddr+" leaves through veth0") {
			t.Errorf("want a refusal explaining the route:\n%s", r)
		}
		r = gonvme(t, "discover", "-t", "tcp", "-a", tcpAddr, "-s", "4999")
		if r.code == 0 || !strings.Contains(r.stderr, "connection refused") {
			t.Errorf("tcp discover of a closed port:\n%s", r)
		}
		if cs := controllers(t); len(cs) != 0 {
			t.Errorf("left %+v", cs)
		}
	})
	t.Run("dead referral during connect-all", func(t *testing.T) {
		clean(t)
		dead := portAddrs[2]
		dead.Trsvcid = "4998"
		if err := target.AddReferral(1, "dead", dead, 9); err != nil {
			t.Fatal(err)
		}
		defer target.RemoveReferral(1, "dead")
		r := gonvme(t, "connect-all", "-t", "rdma", "-a", rdmaAddr, "-s", "4420")
		if r.code == 0 || !strings.Contains(r.stderr, "4998") {
			t.Errorf("want non-zero and the dead referral named:\n%s", r)
		}
		got := strings.Join(pathSet(t), "\n")
		for _, n := range []string{nqnA, nqnB, nqnC} {
			if !strings.Contains(got, n) {
				t.Errorf("the live subsystems must still connect; missing %s in\n%s", n, got)
			}
		}
	})
	t.Run("non-root user", func(t *testing.T) {
		clean(t)
		r := runAs(t, &syscall.Credential{Uid: 1000, Gid: 1000}, gonvmeBin(), "connect", "-t", "rdma", "-a", rdmaAddr, "-n", nqnA)
		if r.code == 0 || !strings.Contains(r.stderr, "needs root") {
			t.Errorf("non-root connect:\n%s", r)
		}
		list := runAs(t, &syscall.Credential{Uid: 1000, Gid: 1000}, gonvmeBin(), "list")
		mustOK(t, list, "non-root list")
	})
	t.Run("module not loaded", func(t *testing.T) {
		clean(t)
		for _, m := range []string{"nvme_rdma", "nvme_tcp", "nvme_fabrics"} {
			if out, err := exec.Command("rmmod", m).CombinedOutput(); err != nil {
				t.Fatalf("unloading %s: %v\n%s", m, err, out)
			}
		}
		defer func() {
			for _, m := range []string{"nvme-fabrics", "nvme-rdma", "nvme-tcp"} {
				exec.Command("modprobe", m).Run()
			}
		}()
		r := gonvme(t, "connect", "-t", "rdma", "-a", rdmaAddr, "-n", nqnA)
		if r.code == 0 || !strings.Contains(r.stderr, "modprobe") {
			t.Errorf("connect without nvme-fabrics loaded:\n%s", r)
		}
	})
}

func TestHostileInput(t *testing.T) {
	clean(t)
	long := "nqn.2026-11.io.gonvme:" + strings.Repeat("x", 210)
	cases := [][]string{
		{"connect", "-t", "rdma", "-a", rdmaAddr, "-n", nqnA + ",hostnqn=evil"},
		{"connect", "-t", "rdma", "-a", rdmaAddr, "-n", nqnA + "\nduplicate_connect"},
		{"connect", "-t", "rdma", "-a", rdmaAddr + " ", "-n", nqnA},
		{"connect", "-t", "rdma", "-a", rdmaAddr + ",trsvcid=4421", "-n", nqnA},
		{"connect", "-t", "rdma", "-a", rdmaAddr, "-n", long},
		{"connect", "-t", "rdma", "-a", rdmaAddr, "-n", strings.Repeat("n", 223)},
		{"connect", "-t", "rdma", "-a", rdmaAddr, "-n", nqnA, "-q", strings.Repeat("h", 223)},
		{"connect", "-t", "rdma", "-a", rdmaAddr, "-n", "toto\x01"},
		{"connect", "-t", "rdma", "-a", rdmaAddr, "-s", "70000", "-n", nqnA},
		{"connect", "-t", "rdma", "-a", rdmaAddr, "-s", "44x", "-n", nqnA},
		{"connect", "-t", "rdma", "-a", rdmaAddr, "-n", nqnA, "-Q", "-5"},
		{"connect", "-t", "rdma", "-a", rdmaAddr, "-n", nqnA, "-i", "many"},
		{"connect", "-t", "rdma", "-a", rdmaAddr, "-n", nqnA, "--hdr-digest"},
		{"connect", "-t", "rdma", "-a", rdmaAddr, "-n", nqnA, "-q", "nqn.2026-11.io.gonvme:h\tx"},
		{"connect", "-t", "rdma", "-a", rdmaAddr, "-n", nqnA, "-I", "not-a-uuid"},
		{"connect", "-t", "carrier-pigeon", "-a", rdmaAddr, "-n", nqnA},
		{"discover", "-t", "rdma", "-a", rdmaAddr, "-s", "4420,nqn=x"},
		{"connect-all", "-t", "tcp", "-a", tcpAddr, "-f", "lo,x"},
		{"disconnect", "-d", "nvme0;rm"},
	}
	for _, args := range cases {
		quietKernel(t, func() {
			r := gonvme(t, args...)
			if r.code != 2 || r.stderr == "" {
				t.Errorf("gonvme %q: want exit 2 and a message, got\n%s", args, r)
			}
		})
		if cs := controllers(t); len(cs) != 0 {
			t.Fatalf("gonvme %q created %+v", args, cs)
		}
	}
}
