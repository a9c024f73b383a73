//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// suiteNVMe is the guest's second nvme-cli: the one the kernel's own
// Debian suite ships (2.3 on 6.1, 2.13 on 6.12, 2.16 on 7.x), with its
// version as `nvme version` prints it.
func suiteNVMe(t *testing.T) (path, version string) {
	t.Helper()
	path, version = os.Getenv("GONVME_E2E_SUITE_NVME"), os.Getenv("GONVME_E2E_SUITE_NVME_VERSION")
	if path == "" || version == "" {
		t.Fatal("GONVME_E2E_SUITE_NVME and GONVME_E2E_SUITE_NVME_VERSION are not set: the guest was not built by prepare.sh")
	}
	return path, version
}

// TestSuiteNVMeCLI proves the suite's nvme-cli runs in the guest through
// its own loader and libraries and sees what the kernel sees.
func TestSuiteNVMeCLI(t *testing.T) {
	clean(t)
	bin, version := suiteNVMe(t)
	t.Logf("kernel %s, suite nvme-cli %s", os.Getenv("GONVME_E2E_KERNEL"), version)
	v := runAs(t, nil, bin, "version")
	mustOK(t, v, "nvme-suite version")
	if want := "nvme version " + version + " "; !strings.HasPrefix(v.stdout, want) {
		t.Errorf("nvme-suite version printed %q, want it to start with %q", v.stdout, want)
	}

	mustOK(t, gonvme(t, "connect", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", nqnA), "gonvme connect")
	l := runAs(t, nil, bin, "list", "-o", "json")
	mustOK(t, l, "nvme-suite list -o json")
	var doc struct {
		Devices []struct {
			DevicePath   string
			SerialNumber string
		}
	}
	if err := json.Unmarshal([]byte(l.stdout), &doc); err != nil {
		t.Fatalf("nvme-suite list -o json: %v\n%s", err, l.stdout)
	}
	if len(doc.Devices) != 2 {
		t.Errorf("nvme-suite list -o json: want the 2 namespaces of %s, have %+v", nqnA, doc.Devices)
	}
	for _, d := range doc.Devices {
		if !strings.HasPrefix(d.DevicePath, "/dev/nvme") {
			t.Errorf("nvme-suite list -o json: device %+v", d)
		}
	}
	text := runAs(t, nil, bin, "list")
	mustOK(t, text, "nvme-suite list")
	for _, d := range doc.Devices {
		if !strings.Contains(text.stdout, d.DevicePath) {
			t.Errorf("nvme-suite list does not show %s:\n%s", d.DevicePath, text.stdout)
		}
	}
}

// TestHostIDRule connects with this host's NQN and another host ID while a
// controller uses the NQN with its own ID. 6.1 accepts the second pairing;
// newer kernels (6.12, 7.x) refuse it with EINVAL, and gonvme then names
// the controller holding the NQN and the host ID to pass. nvme-cli 2.3
// succeeds or fails alike.
func TestHostIDRule(t *testing.T) {
	clean(t)
	hostnqn, hostid := hostIdentity(t)
	const other = "00000000-0000-4000-8000-000000000000"
	mustOK(t, gonvme(t, "connect", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", nqnA), "gonvme connect")
	held := controllers(t)
	if len(held) != 1 {
		t.Fatalf("want one controller, have %+v", held)
	}
	args := []string{"connect", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", nqnB, "-q", hostnqn, "-I", other}
	dropSecond := func() { // deletes any controller but the first; waits until it is gone
		for _, c := range controllers(t) {
			if c.Name != held[0].Name {
				os.WriteFile("/sys/class/nvme/"+c.Name+"/delete_controller", []byte("1"), 0o200)
			}
		}
		for i := 0; i < 100 && len(controllers(t)) > 1; i++ {
			time.Sleep(50 * time.Millisecond)
		}
	}
	n := nvmecli(t, args...)
	dropSecond()
	g := gonvme(t, args...)
	cs := controllers(t)
	dropSecond()
	if (g.code == 0) != (n.code == 0) {
		t.Errorf("gonvme exit %d, nvme-cli exit %d:\ngonvme %s\nnvme-cli %s", g.code, n.code, g, n)
	}
	if os.Getenv("GONVME_E2E_KERNEL") == "6.1" {
		if g.code != 0 || len(cs) != 2 {
			t.Errorf("6.1 accepts a second host ID for %s: %s\ncontrollers %+v", hostnqn, g, cs)
		}
		return
	}
	want := "host NQN " + hostnqn + " is in use with host ID " + hostid + " by " + held[0].Name + "; connect with --hostid " + hostid
	if g.code != 1 || !strings.Contains(g.stderr, want) {
		t.Errorf("a second host ID for %s: want exit 1 and %q:\n%s", hostnqn, want, g)
	}
	if len(cs) != 1 {
		t.Errorf("the refused connect left %+v", cs)
	}
}
