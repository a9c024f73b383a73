package doctor

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/hostfs"
)

const (
	guestNQN = "nqn.2014-08.org.nvmexpress:uuid:a1e0c3d2-5b6f-4e7a-8c9d-0123456789ab"
	guestID  = "a1e0c3d2-5b6f-4e7a-8c9d-0123456789ab"
)

// hostRoot is a host root with the guest's identity and the modules
// named loaded.
func hostRoot(t *testing.T, hostnqn, hostid string, mods ...string) hostfs.FS {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{"sys/class/misc/nvme-fabrics/dev": "10:122", "sys/module/nvme_core/parameters/multipath": "Y"}
	if hostnqn != "" {
		files["etc/nvme/hostnqn"] = hostnqn
	}
	if hostid != "" {
		files["etc/nvme/hostid"] = hostid
	}
	for _, m := range mods {
		files["sys/module/"+m+"/refcnt"] = "0"
	}
	for p, v := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(v+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return hostfs.New(root)
}

func supported() (fabrics.Supported, error) {
	return fabrics.ParseSupported("instance=-1,cntlid=-1,transport=%s,traddr=%s,trsvcid=%s,nqn=%s\n")
}

func TestHostHealthy(t *testing.T) {
	fs := hostRoot(t, guestNQN, guestID, "nvme_fabrics", "nvme_rdma", "nvme_tcp")
	checks := HostChecks(fs, "", supported)
	for _, c := range checks {
		if c.Status != OK {
			t.Errorf("%+v", c)
		}
	}
	if c := byName(t, checks, "/dev/nvme-fabrics"); !strings.Contains(c.Evidence, "6 options: cntlid, instance, nqn") {
		t.Errorf("%+v", c)
	}
	if c := byName(t, HostChecks(fs, "", nil), "/dev/nvme-fabrics"); c.Status != Skip || !strings.HasPrefix(c.Evidence, "needs root") {
		t.Errorf("as user: %+v", c)
	}
	if c := byName(t, HostChecks(fs, "", func() (fabrics.Supported, error) { return nil, syscall.EACCES }), "/dev/nvme-fabrics"); c.Status != Fail {
		t.Errorf("probe error: %+v", c)
	}
}

func TestHostModules(t *testing.T) {
	fs := hostRoot(t, guestNQN, guestID, "nvme_fabrics", "nvme_tcp")
	if c := byName(t, HostChecks(fs, "rdma", supported), "module nvme-rdma"); c.Status != Fail || c.Fix != "modprobe nvme-rdma" {
		t.Errorf("-t rdma without nvme_rdma: %+v", c)
	}
	if c := byName(t, HostChecks(fs, "", supported), "module nvme-rdma"); c.Status != Warn {
		t.Errorf("no -t: %+v", c)
	}
	for _, c := range HostChecks(fs, "tcp", supported) {
		if c.Name == "module nvme-rdma" || c.Status != OK {
			t.Errorf("-t tcp: %+v", c)
		}
	}
	fs = hostRoot(t, guestNQN, guestID)
	if c := byName(t, HostChecks(fs, "tcp", supported), "module nvme-fabrics"); c.Status != Fail || c.Fix != "modprobe nvme-fabrics" {
		t.Errorf("nothing loaded: %+v", c)
	}
	// Built into the kernel: listed in modules.builtin, maybe without a
	// /sys/module directory.
	for p, v := range map[string]string{"/proc/sys/kernel/osrelease": "6.1.0-48-amd64",
		"/lib/modules/6.1.0-48-amd64/modules.builtin": "kernel/drivers/nvme/host/nvme-fabrics.ko\nkernel/drivers/nvme/host/nvme-tcp.ko"} {
		if err := os.MkdirAll(filepath.Dir(fs.Path(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fs.Path(p), []byte(v+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range HostChecks(fs, "tcp", supported) {
		if strings.HasPrefix(c.Name, "module ") && c.Status != OK {
			t.Errorf("built in: %+v", c)
		}
	}
	if c := byName(t, HostChecks(fs, "rdma", supported), "module nvme-rdma"); c.Status != Fail {
		t.Errorf("nvme-rdma neither loaded nor built in: %+v", c)
	}
}

func TestHostIdentity(t *testing.T) {
	tests := []struct {
		name, hostnqn, hostid string
		st                    Status
		evidence, fix         string
	}{
		{"mismatch", guestNQN, "0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b", Fail, "differs from the UUID a1e0c3d2-5b6f-4e7a-8c9d-0123456789ab inside the host NQN", "echo a1e0c3d2-5b6f-4e7a-8c9d-0123456789ab > /etc/nvme/hostid"},
		{"zero", "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000000", Fail, "the all-zero UUID", "uuidgen > /etc/nvme/hostid"},
		{"zero hostid, other NQN", "nqn.2026-11.io.gonvme:allowed-host", "00000000-0000-0000-0000-000000000000", Fail, "the all-zero UUID", "uuidgen"},
		{"missing hostid", guestNQN, "", Warn, "missing or empty", "write the UUID of the host NQN"},
		{"bad hostid", guestNQN, "not-a-uuid", Fail, "invalid host ID", ""},
	}
	for _, tt := range tests {
		c := byName(t, HostChecks(hostRoot(t, tt.hostnqn, tt.hostid, "nvme_fabrics"), "tcp", supported), "hostid")
		if c.Status != tt.st || !strings.Contains(c.Evidence, tt.evidence) || !strings.Contains(c.Fix, tt.fix) {
			t.Errorf("%s: %+v", tt.name, c)
		}
	}
	if c := byName(t, HostChecks(hostRoot(t, "", guestID, "nvme_fabrics"), "tcp", supported), "hostnqn"); c.Status != Warn {
		t.Errorf("missing hostnqn: %+v", c)
	}
	fs := hostRoot(t, guestNQN, guestID)
	if err := os.Chmod(fs.Path("/etc/nvme/hostnqn"), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := os.ReadFile(fs.Path("/etc/nvme/hostnqn")); errors.Is(err, os.ErrPermission) {
		if c := byName(t, HostChecks(fs, "tcp", supported), "hostnqn"); c.Status != Fail || !strings.Contains(c.Evidence, "permission denied") {
			t.Errorf("unreadable hostnqn: %+v", c)
		}
	}
}
