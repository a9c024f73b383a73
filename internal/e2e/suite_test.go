//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
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
