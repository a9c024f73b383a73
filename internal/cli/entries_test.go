package cli

import (
	"os"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/nvmftest"
)

const (
	fcTarget = "nn-0x20000090fa942779:pn-0x10000090fa942779"
	fcHost   = "nn-0x20000090fa942780:pn-0x10000090fa942780"
)

// write returns the single write matching sub, failing unless exactly one
// does.
func write(t *testing.T, f *nvmftest.Fake, sub string) map[string]string {
	t.Helper()
	var found []string
	for _, w := range f.Kernel.Writes() {
		if strings.Contains(w, sub) {
			found = append(found, w)
		}
	}
	if len(found) != 1 {
		t.Fatalf("writes with %q: %q (all: %q)", sub, found, f.Kernel.Writes())
	}
	return nvmftest.ParseOptions(found[0])
}

func TestTrsvcidNone(t *testing.T) {
	t.Run("fc", func(t *testing.T) {
		f := nvmftest.New(t, nvmftest.Empty)
		// What nvme-cli's udev rule passes for an FC discovery event.
		r := run(t, f, "connect", "-t", "fc", "-a", fcTarget, "--trsvcid=none", "--host-traddr", fcHost, "-n", test1)
		if r.code != 0 {
			t.Fatalf("%v", r)
		}
		if m := write(t, f, "nqn="+test1); hasKey(m, "trsvcid") || m["traddr"] != fcTarget || m["host_traddr"] != fcHost {
			t.Errorf("write %v: want no trsvcid, the FC addresses", m)
		}
	})
	t.Run("tcp host-traddr none", func(t *testing.T) {
		f := nvmftest.New(t, nvmftest.Empty)
		r := run(t, f, "connect", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "--host-traddr=none", "--host-iface=none", "-n", test1)
		if r.code != 0 {
			t.Fatalf("%v", r)
		}
		if m := write(t, f, "nqn="+test1); hasKey(m, "host_traddr") || hasKey(m, "host_iface") {
			t.Errorf("write %v: want neither host_traddr nor host_iface", m)
		}
	})
	t.Run("traddr none is still refused", func(t *testing.T) {
		f := nvmftest.New(t, nvmftest.Empty)
		r := run(t, f, "connect", "-t", "tcp", "-a", "none", "-n", test1)
		if r.code != 2 || len(f.Kernel.Writes()) != 0 {
			t.Errorf("%v\nwant exit 2, nothing written", r)
		}
	})
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }

func TestConnectNamesMissingTransportModule(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	f.Kernel.Unloaded = map[string]bool{"tcp": true}
	if err := os.MkdirAll(f.FS.Path("/sys/module/nvme_fabrics"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := run(t, f, "connect", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", test1)
	if r.code != 1 || !strings.Contains(r.stderr, "(EINVAL)") || !strings.Contains(r.stderr, "nvme-tcp is not loaded (no ROOT/sys/module/nvme_tcp): run 'modprobe nvme-tcp'") {
		t.Errorf("%v\nwant exit 1 naming modprobe nvme-tcp", r)
	}
	// With the module there, an EINVAL is something else.
	if err := os.MkdirAll(f.FS.Path("/sys/module/nvme_tcp"), 0o755); err != nil {
		t.Fatal(err)
	}
	f.Kernel.Unloaded = nil
	f.Kernel.Fail = nvmftest.FailWhen("nqn", test1, 22)
	r = run(t, f, "connect", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", test1)
	if r.code != 1 || strings.Contains(r.stderr, "modprobe") {
		t.Errorf("%v\nwant exit 1 without a modprobe hint", r)
	}
}

func TestConnectAllReportsSkippedEntries(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	f.Admin.Logs[nvmftest.Target("rdma", rdmaAddr, "4420")] = nvmftest.Page(
		nvmftest.Sub("rdma", rdmaAddr, "4420", test1),
		nvmftest.Sub("tcp", "127.0.0.1\x1b[2J", "4420", test2),
	)
	r := run(t, f, "connect-all", "-t", "rdma", "-a", rdmaAddr, "-s", "4420")
	want := "nvme0: connected rdma 169.254.99.1:4420 " + test1 + "\n" +
		`skipped tcp "127.0.0.1\x1b[2J:4420" ` + test2 + ": entry listed for tcp by a discovery controller reached over rdma: " +
		"only paths of its own transport are followed (use 'gonvme connect -t tcp')\n"
	if r.code != 0 || r.stdout != want {
		t.Errorf("%v\nwant exit 0, stdout %q", r, want)
	}
	f = nvmftest.New(t, nvmftest.Empty)
	f.Admin.Logs[nvmftest.Target("rdma", rdmaAddr, "4420")] = nvmftest.Page(nvmftest.Sub("tcp", tcpAddr, "4420", test2))
	r = run(t, f, "connect-all", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-o", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"status": "skipped"`) || !strings.Contains(r.stdout, `"error": "entry listed for tcp by a discovery controller reached over rdma`) {
		t.Errorf("%v\nwant a skipped path with its reason", r)
	}
}

// connect -n keeps stdout for the devices (-o json stays valid JSON): a
// skipped path of the NQN is reported on stderr.
func TestConnectByNQNReportsSkippedOnStderr(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	f.Admin.Logs[nvmftest.Target("rdma", rdmaAddr, "4420")] = nvmftest.Page(
		nvmftest.Sub("rdma", rdmaAddr, "4420", test1),
		nvmftest.Sub("tcp", tcpAddr, "4420", test1),
	)
	f.WriteFile(t, "/etc/nvme/discovery.conf", "--transport=rdma --traddr=169.254.99.1 --trsvcid=4420\n")
	r := run(t, f, "connect", "-n", test1, "-o", "json")
	if r.code != 0 || r.stdout != "{\n  \"device\":\"nvme0\"\n}\n" || !strings.Contains(r.stderr, "skipped tcp 127.0.0.1:4420 "+test1+": entry listed for tcp") {
		t.Errorf("%v\nwant the device as JSON on stdout, the skipped tcp path on stderr", r)
	}
}
