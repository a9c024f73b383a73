package cli

import (
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/nvmftest"
)

func raceConnect(t *testing.T, f *nvmftest.Fake, name, subnqn string) func(map[string]string) syscall.Errno {
	return nvmftest.ConnectedFirst(t, f, name, subnqn, "live")
}

func TestKernelEALREADYNamesTheController(t *testing.T) {
	tests := []struct {
		name   string
		conf   bool
		args   []string
		stdout string
		stderr string
	}{
		{"connect", false, []string{"connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", test1},
			"", "already connected: rdma 169.254.99.1:4420 " + test1 + " is nvme7\n"},
		{"connect -n", true, []string{"connect", "-n", test1},
			"", "already connected: rdma 169.254.99.1:4420 " + test1 + " is nvme7\n"},
		{"connect-all", false, []string{"connect-all", "-t", "rdma", "-a", rdmaAddr, "-s", "4420"},
			"nvme7: already connected rdma 169.254.99.1:4420 " + test1 + "\nnvme0: connected rdma 169.254.99.1:4420 " + test2 + "\n" +
				"skipped tcp 127.0.0.1:4420 nqn.2014-08.org.nvmexpress.discovery: referral listed for tcp by a discovery controller reached over rdma: " +
				"only paths of its own transport are followed (use 'gonvme connect-all -t tcp')\n",
			"traddr=169.254.99.1 is already connected\n"}, // nvme-cli 2.3's line (run adds --compat 2.3)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := withPages(t, nvmftest.New(t, nvmftest.Empty))
			if tt.conf {
				f.WriteFile(t, "/etc/nvme/discovery.conf", "--transport=rdma --traddr=169.254.99.1 --trsvcid=4420\n")
			}
			f.Kernel.Fail = raceConnect(t, f, "nvme7", test1)
			r := run(t, f, tt.args...)
			if r.code != 0 || r.stdout != tt.stdout || r.stderr != tt.stderr {
				t.Errorf("%v\nwant exit 0, stdout %q, stderr %q", r, tt.stdout, tt.stderr)
			}
		})
	}
}

func TestConnectAllKernelLinesGoWithTheirFailure(t *testing.T) {
	f := withPages(t, nvmftest.New(t, nvmftest.Empty))
	j := &nvmftest.Journal{}
	f.Kernel.Fail = func(m map[string]string) syscall.Errno {
		if m["nqn"] == "nqn.2014-08.org.nvmexpress.discovery" {
			return 0
		}
		j.Log("nvmet: connect request for invalid subsystem " + m["nqn"] + "!")
		return syscall.EIO
	}
	r := runWith(t, f, func(env *Env) {
		env.OpenKernelLog = func() (KernelLogSource, error) { return j, nil }
	}, "connect-all", "-t", "rdma", "-a", rdmaAddr, "-s", "4420")
	blocks := strings.Split(r.stderr, "gonvme: ")
	if r.code != 1 || len(blocks) != 3 {
		t.Fatalf("%v\nwant exit 1 and two failures", r)
	}
	for i, nqn := range []string{test1, test2} {
		b := blocks[i+1]
		if !strings.HasPrefix(b, "connect rdma 169.254.99.1:4420 "+nqn+":") ||
			!strings.Contains(b, "kernel log:\n    nvmet: connect request for invalid subsystem "+nqn+"!\n") ||
			strings.Count(b, "nvmet:") != 1 {
			t.Errorf("failure %d shows other lines than its own:\n%s", i+1, b)
		}
	}
}

const evilNQN = "nqn.2026-11.io.gonvme:evil\x1b]0;owned\x07\x1b[2J"

// Strings from a discovery log reach the terminal escaped.
func TestNetworkStringsArePrintedEscaped(t *testing.T) {
	page := nvmftest.Page(nvmftest.Sub("rdma", rdmaAddr, "4420", test1), nvmftest.Sub("rdma", rdmaAddr, "4420", evilNQN))
	tests := []struct {
		name string
		conf bool
		args []string
	}{
		{"not offered hint", false, []string{"connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", test2}},
		{"connect -n not offered", true, []string{"connect", "-n", test2}},
		{"connect-all entry", false, []string{"connect-all", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-v"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := nvmftest.New(t, nvmftest.Empty)
			f.Admin.Logs[nvmftest.Target("rdma", rdmaAddr, "4420")] = page
			if tt.conf {
				f.WriteFile(t, "/etc/nvme/discovery.conf", "--transport=rdma --traddr=169.254.99.1 --trsvcid=4420\n")
			}
			f.Kernel.Fail = nvmftest.FailWhen("nqn", test2, syscall.EIO)
			r := run(t, f, tt.args...)
			out := r.stdout + r.stderr
			if r.code != 1 || strings.ContainsAny(out, "\x1b\x07") {
				t.Errorf("%v\nwant exit 1 and no raw control character", r)
			}
			if !strings.Contains(out, `evil\x1b]0;owned\x07\x1b[2J`) && !strings.Contains(out, `evil\x1b]0;owned\a\x1b[2J`) {
				t.Errorf("output does not show the escaped NQN:\n%s", out)
			}
		})
	}
}

// A byte that is not UTF-8 in a log entry is printed escaped in the
// failure of its path, whether validation or the kernel refuses it.
func TestFailedPathIsPrintedEscaped(t *testing.T) {
	const c1 = "nqn.2026-11.io.gonvme:c1\xff2J"
	f := nvmftest.New(t, nvmftest.Empty)
	f.Admin.Logs[nvmftest.Target("rdma", rdmaAddr, "4420")] = nvmftest.Page(nvmftest.Sub("rdma", rdmaAddr, "4420", c1))
	f.Kernel.Fail = nvmftest.FailWhen("nqn", c1, syscall.EIO)
	r := run(t, f, "connect-all", "-t", "rdma", "-a", rdmaAddr, "-s", "4420")
	if r.code != 1 || strings.Contains(r.stdout+r.stderr, "\xff") || !strings.Contains(r.stderr, `c1\xff2J`) {
		t.Errorf("%v\nwant exit 1 and the NQN escaped", r)
	}
}

func TestOfferedHintReportsCleanupFailure(t *testing.T) {
	f := withPages(t, nvmftest.New(t, nvmftest.Empty))
	f.Kernel.Fail = nvmftest.FailWhen("nqn", "nqn.2026-11.io.gonvme:test2x", syscall.EIO)
	f.Del.Errs = map[string]error{"nvme0": syscall.EBUSY}
	r := run(t, f, "connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", "nqn.2026-11.io.gonvme:test2x")
	for _, want := range []string{
		"while listing the subsystems offered there: removing discovery controller nvme0: device or resource busy; it is still connected: remove it with 'gonvme disconnect -d nvme0'",
		"offered there (closest first): " + test2 + ", " + test1,
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
}

func TestDisconnectNamespaceDevice(t *testing.T) {
	tests := []struct {
		args        []string
		code        int
		stdout      string
		stderr      string
		wantDeleted []string
	}{
		{[]string{"-d", "/dev/nvme0n1"}, 0, "nvme0n1: disconnected nvme0, nvme1, the controller(s) serving it (subsystem " + test1 + ")\n", "", []string{"nvme0", "nvme1"}},
		{[]string{"-d", "nvme2n2,nvme4"}, 0, "nvme2n2: disconnected nvme2, nvme3, the controller(s) serving it (subsystem " + test2 + ")\n", "", []string{"nvme2", "nvme3", "nvme4"}},
		{[]string{"-d", "nvme7n1"}, 1, "", "gonvme: --device: no controller serves namespace nvme7n1 (see ROOT/sys/block/nvme7n1); nothing was disconnected; see 'gonvme list-subsys'\n", nil},
		{[]string{"-d", "nvme0n1p1"}, 2, "", "gonvme: --device: \"nvme0n1p1\" is not a controller such as nvme0 or /dev/nvme0, nor a namespace such as /dev/nvme0n1\n", nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f := nvmftest.New(t, nvmftest.Kernel61)
			r := run(t, f, append([]string{"disconnect"}, tt.args...)...)
			if r.code != tt.code || r.stdout != tt.stdout || r.stderr != tt.stderr {
				t.Errorf("%v\nwant exit %d\nstdout %q\nstderr %q", r, tt.code, tt.stdout, tt.stderr)
			}
			if got := f.Del.Calls(); !sameSet(got, tt.wantDeleted) {
				t.Errorf("deleted %q, want %q", got, tt.wantDeleted)
			}
		})
	}
}

func TestDiscoverReusesNoTemporaryController(t *testing.T) {
	f := withPages(t, nvmftest.New(t, nvmftest.Empty))
	// Another process's temporary discovery controller, about to go.
	f.AddController(t, "nvme0", map[string]string{
		"transport": "rdma", "address": "traddr=169.254.99.1,trsvcid=4420", "subsysnqn": "nqn.2014-08.org.nvmexpress.discovery",
		"state": "live", "cntrltype": "discovery", "kato": "0",
	})
	r := run(t, f, "discover", "-t", "rdma", "-a", rdmaAddr, "-s", "4420")
	if r.code != 0 || len(f.Kernel.Writes()) != 1 || !slices.Equal(f.Del.Calls(), []string{"nvme1"}) {
		t.Errorf("%v\nwrites %q, deletes %q; want a discovery controller of its own (nvme1), removed", r, f.Kernel.Writes(), f.Del.Calls())
	}
}
