//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gonvme/gonvme/internal/compat"
	"github.com/gonvme/gonvme/topology"
)

// gonvmeAs runs gonvme with the output profile of nvme-cli version.
func gonvmeAs(t *testing.T, version string, args ...string) result {
	t.Helper()
	return runAs(t, nil, gonvmeBin(), append([]string{"--compat", version}, args...)...)
}

// TestCompatSuiteNVMe compares gonvme --compat V with the guest's suite
// nvme-cli V (2.3 on 6.1, 2.13 on 6.12, 2.16 on 7.x) byte for byte:
// discover, connect -o normal, list, list -v, list-subsys (-v), text and
// JSON, and connect-all over paths that are connected already.
func TestCompatSuiteNVMe(t *testing.T) {
	bin, version := suiteNVMe(t)
	suite := func(args ...string) result { t.Helper(); return runAs(t, nil, bin, args...) }
	same := func(what string, args ...string) {
		t.Helper()
		g, n := gonvmeAs(t, version, args...), suite(args...)
		mustOK(t, g, "gonvme "+what)
		mustOK(t, n, "nvme "+what)
		textEqual(t, "nvme-cli "+version+" "+what, g.stdout, n.stdout)
		textEqual(t, "nvme-cli "+version+" "+what+" (stderr)", g.stderr, n.stderr)
	}
	t.Logf("kernel %s, suite nvme-cli %s", strings.TrimSpace(readAttr("/proc/sys/kernel", "osrelease")), version)

	clean(t)
	for _, d := range []struct{ tr, addr string }{{"rdma", rdmaAddr}, {"tcp", tcpAddr}} {
		args := []string{"discover", "-t", d.tr, "-a", d.addr, "-s", "4420"}
		same(strings.Join(args, " "), args...)
		same(strings.Join(args, " ")+" -o json", append(args, "-o", "json")...)
	}

	// connect -o normal: the same controller name from both (the kernel
	// hands out the lowest free instance).
	connect := []string{"connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", nqnA}
	for _, o := range [][]string{{"-o", "normal"}, nil, {"-o", "json"}} {
		n := suite(append(connect, o...)...)
		mustOK(t, n, "nvme connect")
		disconnectAllKernel()
		g := gonvmeAs(t, version, append(connect, o...)...)
		mustOK(t, g, "gonvme connect")
		disconnectAllKernel()
		textEqual(t, "nvme-cli "+version+" connect "+strings.Join(o, " "), g.stdout, n.stdout)
	}

	// Two subsystems, A over two transports.
	for _, c := range [][]string{
		{"-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", nqnA},
		{"-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", nqnA},
		{"-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", nqnB},
	} {
		mustOK(t, gonvmeAs(t, version, append([]string{"connect"}, c...)...), "gonvme connect")
	}
	settleNamespaces(t, 4) // A's two and B's two
	views := [][]string{
		{"list"}, {"list", "-o", "json"}, {"list", "-v"}, {"list", "-v", "-o", "json"},
		{"list-subsys"}, {"list-subsys", "-o", "json"}, {"list-subsys", "-v"}, {"list-subsys", "-v", "-o", "json"},
	}
	v, err := compat.ParseVersion(version)
	if err != nil {
		t.Fatalf("suite nvme-cli %s has no profile: %v", version, err)
	}
	if compat.New(v).Has(compat.OutputFormatVersion) {
		views = append(views, []string{"list", "-v", "-o", "json", "--output-format-version=2"},
			[]string{"list-subsys", "-o", "json", "--output-format-version=2"})
	}
	dev := "/dev/" + firstNamespace(t)
	views = append(views, []string{"list-subsys", dev}, []string{"list-subsys", "-o", "json", dev})
	for _, v := range views {
		same(strings.Join(v, " "), v...)
	}

	// connect-all with A and B connected already through port 1; C
	// (through the referral) is connected by each in turn.
	all := []string{"connect-all", "-t", "rdma", "-a", rdmaAddr, "-s", "4420"}
	mustOK(t, suite(all...), "nvme connect-all")
	g, n := gonvmeAs(t, version, all...), suite(all...)
	mustOK(t, g, "gonvme connect-all")
	mustOK(t, n, "nvme connect-all")
	textEqual(t, "nvme-cli "+version+" connect-all, all connected", g.stdout, n.stdout)
	textEqual(t, "nvme-cli "+version+" connect-all, all connected (stderr)", g.stderr, n.stderr)
}

// firstNamespace is the first namespace block device in /sys/block
// (nvme0n1 …).
func firstNamespace(t *testing.T) string {
	t.Helper()
	ents, err := os.ReadDir("/sys/block")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if _, _, ok := topology.SplitNamespaceName(e.Name()); ok {
			return e.Name()
		}
	}
	t.Fatal("no namespace block device in /sys/block")
	return ""
}

// settleNamespaces waits (up to 5 s) until the kernel lists at least want
// namespace block devices and each has its size and its device nodes: the
// kernel scans a new controller's namespaces after connect returns, and a
// list in the middle of that scan sees a namespace missing or half made.
func settleNamespaces(t *testing.T, want int) {
	t.Helper()
	for i := 0; i < 100; i++ {
		ready, have := true, 0
		ents, _ := os.ReadDir("/sys/block")
		for _, e := range ents {
			inst, ns, ok := topology.SplitNamespaceName(e.Name())
			if !ok {
				continue
			}
			have++
			_, errBlk := os.Stat("/dev/" + e.Name())
			_, errGen := os.Stat(fmt.Sprintf("/dev/ng%dn%d", inst, ns))
			if readAttr("/sys/block/"+e.Name(), "size") == "0" || errBlk != nil || errGen != nil {
				ready = false
			}
		}
		if ready && have >= want {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the namespaces did not settle within 5 s (want %d)", want)
}
