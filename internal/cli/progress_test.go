package cli

import (
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/nvmftest"
)

func TestProgressText(t *testing.T) {
	tests := []struct {
		p    nvmf.Progress
		want string
	}{
		{nvmf.Progress{Total: 40}, "connecting: 0/40 done"},
		{nvmf.Progress{Done: 12, Total: 40}, "connecting: 12/40 done"},
		{nvmf.Progress{Done: 40, Total: 40, Failed: 3}, "connecting: 40/40 done, 3 failed"},
	}
	for _, tt := range tests {
		if got := progressText("connecting", tt.p); got != tt.want {
			t.Errorf("progressText(%+v) = %q, want %q", tt.p, got, tt.want)
		}
	}
}

func TestWantProgress(t *testing.T) {
	tests := []struct {
		terminal, quiet bool
		total           int
		want            bool
	}{
		{true, false, 2, true},
		{false, false, 100, false}, // a pipe, a file, a journal: scripts
		{true, true, 100, false},   // --quiet
		{true, false, 1, false},    // one path: nothing to follow
		{true, false, 0, false},
	}
	for _, tt := range tests {
		if got := wantProgress(tt.terminal, tt.quiet, tt.total); got != tt.want {
			t.Errorf("wantProgress(terminal %v, quiet %v, %d) = %v", tt.terminal, tt.quiet, tt.total, got)
		}
	}
}

func TestIsTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if IsTerminal(w) {
		t.Error("a pipe counts as a terminal")
	}
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal to check against: %v", err)
	}
	defer ptmx.Close()
	if !IsTerminal(ptmx) {
		t.Error("a pseudo-terminal does not count as a terminal")
	}
}

func onTerminal(terminal bool) func(*Env) {
	return func(env *Env) { env.Terminal = func() bool { return terminal } }
}

func TestProgressOnTerminalOnly(t *testing.T) {
	connectAll := []string{"connect-all", "-t", "rdma", "-a", rdmaAddr, "-s", "4420"}
	const drawn = eraseLine + "connecting: 0/2 done" + eraseLine + "connecting: 1/2 done, 1 failed" +
		eraseLine + "connecting: 2/2 done, 1 failed" + eraseLine + "gonvme: connect rdma"
	tests := []struct {
		name     string
		terminal bool
		args     []string
		want     string // prefix of stderr
	}{
		{"connect-all on a terminal", true, connectAll, drawn},
		{"connect-all into a pipe", false, connectAll, "gonvme: connect rdma"},
		{"connect-all --quiet", true, append(connectAll, "--quiet"), "gonvme: connect rdma"},
		{"connect -n on a terminal", true, []string{"connect", "-n", test1}, drawn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := withPages(t, nvmftest.New(t, nvmftest.Empty))
			f.WriteFile(t, "/etc/nvme/discovery.conf", "--transport=rdma --traddr=169.254.99.1 --trsvcid=4420\n")
			// Both paths of the rdma page are test1 and test2; connect -n
			// asks for test1 on each of its two addresses.
			if tt.args[0] == "connect" {
				f.Admin.Logs[nvmftest.Target("rdma", rdmaAddr, "4420")] = nvmftest.Page(
					nvmftest.Sub("rdma", rdmaAddr, "4420", test1), nvmftest.Sub("rdma", "169.254.99.2", "4420", test1))
				f.Kernel.Fail = func(m map[string]string) syscall.Errno {
					if m["nqn"] == test1 && m["traddr"] == rdmaAddr {
						return syscall.EIO
					}
					return 0
				}
			} else {
				f.Kernel.Fail = nvmftest.FailWhen("nqn", test1, syscall.EIO)
			}
			r := runWith(t, f, onTerminal(tt.terminal), tt.args...)
			if r.code != 1 || !strings.HasPrefix(r.stderr, tt.want) {
				t.Errorf("%v\nwant exit 1 and stderr starting %q", r, tt.want)
			}
		})
	}
	t.Run("disconnect-all", func(t *testing.T) {
		for _, terminal := range []bool{true, false} {
			f := nvmftest.New(t, nvmftest.Kernel61)
			r := runWith(t, f, onTerminal(terminal), "disconnect-all", "--workers=1")
			want := ""
			if terminal {
				want = eraseLine + "disconnecting: 0/5 done" + eraseLine + "disconnecting: 1/5 done" + eraseLine + "disconnecting: 2/5 done" +
					eraseLine + "disconnecting: 3/5 done" + eraseLine + "disconnecting: 4/5 done" + eraseLine + "disconnecting: 5/5 done" + eraseLine
			}
			if r.code != 0 || r.stderr != want {
				t.Errorf("terminal %v: %v\nwant stderr %q", terminal, r, want)
			}
		}
	})
}
