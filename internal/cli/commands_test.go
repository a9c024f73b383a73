package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/nvmftest"
	"github.com/gonvme/gonvme/nvmftest/kfixtures"
)

// TestDiscoverMatchesNvmeCli compares with what nvme-cli 2.3 printed on
// each captured kernel for the same discovery logs.
func TestDiscoverMatchesNvmeCli(t *testing.T) {
	kfixtures.Each(t, testDiscoverMatchesNvmeCli)
}

func testDiscoverMatchesNvmeCli(t *testing.T, k kfixtures.Kernel) {
	tests := []struct {
		args    []string
		fixture string
	}{
		{[]string{"discover", "-t", "rdma", "-a", rdmaAddr, "-s", "4420"}, "discover-rdma.txt"},
		{[]string{"discover", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-o", "json"}, "discover-rdma.json"},
		{[]string{"discover", "-t", "tcp", "-a", tcpAddr, "-s", "4420"}, "discover-tcp.txt"},
		{[]string{"discover", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-o", "json"}, "discover-tcp.json"},
		{[]string{"discover", "--transport=rdma", "--traddr=" + rdmaAddr, "--output-format=json"}, "discover-rdma.json"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f := withPages(t, nvmftest.NewOn(t, nvmftest.Empty, k))
			r := run(t, f, tt.args...)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("%v", r)
			}
			sameText(t, "nvme-cli/"+tt.fixture, string(k.ReadFile(t, "nvme-cli/"+tt.fixture)), r.stdout)
			if w := f.Kernel.Writes(); len(w) != 1 || !strings.HasPrefix(w[0], "nqn=nqn.2014-08.org.nvmexpress.discovery,") {
				t.Errorf("kernel writes %q, want one discovery controller", w)
			}
			if got := f.Controllers(t); len(got) != 0 {
				t.Errorf("discovery controller left behind: %q", got)
			}
		})
	}
}

func TestDiscoverRaw(t *testing.T) {
	f := withPages(t, nvmftest.New(t, nvmftest.Empty))
	out := filepath.Join(t.TempDir(), "log.bin")
	r := run(t, f, "discover", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-r", out)
	if r.code != 0 || r.stdout != "Discovery log is saved to "+out+"\n" {
		t.Fatalf("%v", r)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if want := nvmftest.ReadFixture(t, "discovery/rdma-169.254.99.1-4420.bin"); string(got) != string(want) {
		t.Errorf("raw log: %d bytes, differs from the %d bytes nvme-cli saved", len(got), len(want))
	}
}

func TestDiscoverControllers(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantWrites int
		wantLeft   []string
	}{
		{"persistent keeps it", []string{"discover", "-t", "rdma", "-a", rdmaAddr, "-p"}, 1, []string{"nvme0", "nvme1", "nvme2", "nvme3", "nvme4", "nvme5"}},
		{"live one reused", []string{"discover", "-t", "tcp", "-a", tcpAddr, "-s", "4420"}, 0, []string{"nvme0", "nvme1", "nvme2", "nvme3", "nvme4"}},
		{"--device", []string{"discover", "-d", "nvme4"}, 0, []string{"nvme0", "nvme1", "nvme2", "nvme3", "nvme4"}},
		{"--device /dev/", []string{"discover", "--device=/dev/nvme4"}, 0, []string{"nvme0", "nvme1", "nvme2", "nvme3", "nvme4"}},
		{"--force", []string{"discover", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "--force"}, 1, []string{"nvme0", "nvme1", "nvme2", "nvme3", "nvme4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := withPages(t, nvmftest.New(t, nvmftest.Kernel61))
			r := run(t, f, tt.args...)
			if r.code != 0 || !strings.HasPrefix(r.stdout, "\nDiscovery Log Number of Records 4") {
				t.Fatalf("%v", r)
			}
			if n := len(f.Kernel.Writes()); n != tt.wantWrites {
				t.Errorf("%d kernel writes, want %d", n, tt.wantWrites)
			}
			if got := f.Controllers(t); !slices.Equal(got, tt.wantLeft) {
				t.Errorf("controllers %q, want %q", got, tt.wantLeft)
			}
		})
	}
}

func TestDiscoverFailure(t *testing.T) {
	f := withPages(t, nvmftest.New(t, nvmftest.Empty))
	f.Kernel.Fail = nvmftest.FailWhen("transport", "tcp", syscall.ECONNREFUSED)
	r := run(t, f, "discover", "-t", "tcp", "-a", tcpAddr, "-s", "4421")
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "connect tcp 127.0.0.1:4421") || !strings.Contains(r.stderr, "ECONNREFUSED") {
		t.Errorf("%v", r)
	}
}

func TestConnectOutput(t *testing.T) {
	want := "nqn=" + test1 + ",transport=rdma,traddr=169.254.99.1,trsvcid=4420,hostnqn=" + nvmftest.HostNQN +
		",hostid=" + nvmftest.HostID + ",ctrl_loss_tmo=600"
	tests := []struct {
		args   []string
		stdout string
	}{
		{nil, ""},
		{[]string{"-o", "normal"}, "device: nvme0\n"},
		{[]string{"-o", "json"}, "{\n  \"device\":\"nvme0\"\n}\n"},
		{[]string{"--output-format=json"}, "{\n  \"device\":\"nvme0\"\n}\n"},
		// v2.7 fabrics.c nvmf_connect: -o defaults to normal, which
		// stdout_connect_msg prints as "connecting to device".
		{[]string{"--compat", "2.7"}, "connecting to device: nvme0\n"},
		{[]string{"--compat", "2.16", "-o", "normal"}, "connecting to device: nvme0\n"},
		{[]string{"--compat", "2.6", "-o", "normal"}, "device: nvme0\n"},
		{[]string{"--compat", "2.6"}, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f := nvmftest.New(t, nvmftest.Empty)
			var args []string
			rest := tt.args
			if len(rest) > 1 && rest[0] == "--compat" {
				args, rest = rest[:2], rest[2:]
			}
			args = append(append(args, "connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", test1), rest...)
			r := run(t, f, args...)
			if r.code != 0 || r.stdout != tt.stdout || r.stderr != "" {
				t.Errorf("%v\nwant exit 0 and stdout %q", r, tt.stdout)
			}
			if w := f.Kernel.Writes(); len(w) != 1 || w[0] != want {
				t.Errorf("kernel writes %q, want %q", w, want)
			}
		})
	}
}

func TestConnectAlreadyConnected(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Kernel61)
	r := run(t, f, "connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", test1, "-o", "normal")
	want := "already connected: rdma 169.254.99.1:4420 " + test1 + " is nvme0\n"
	if r.code != 0 || r.stdout != "" || r.stderr != want {
		t.Errorf("%v\nwant exit 0 and stderr %q", r, want)
	}
	noWrites(t, f)
}

func TestConnectByNQNThroughDiscoveryConf(t *testing.T) {
	tests := []struct {
		name   string
		nqn    string
		code   int
		stdout string
		stderr []string
		writes int
	}{
		{"offered", test1, 0, "device: nvme0\n", nil, 2},
		{"not offered", "nqn.2026-11.io.gonvme:test2x", 1, "", []string{
			"no configured discovery controller offers subsystem nqn.2026-11.io.gonvme:test2x",
			"asked: rdma 169.254.99.1:4420 (from ROOT/etc/nvme/discovery.conf:2)",
			"they offer (closest first): " + test2 + ", " + test1 + "\n",
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := withPages(t, nvmftest.New(t, nvmftest.Empty))
			f.WriteFile(t, "/etc/nvme/discovery.conf", "# discovery controllers\n--transport=rdma --traddr=169.254.99.1 --trsvcid=4420\n")
			r := run(t, f, "connect", "-n", tt.nqn, "-o", "normal")
			if r.code != tt.code || r.stdout != tt.stdout {
				t.Errorf("%v\nwant exit %d, stdout %q", r, tt.code, tt.stdout)
			}
			for _, s := range tt.stderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr %q lacks %q", r.stderr, s)
				}
			}
			if n := len(f.Kernel.Writes()); n != tt.writes {
				t.Errorf("%d writes %q, want %d", n, f.Kernel.Writes(), tt.writes)
			}
		})
	}
}

func TestConnectAll(t *testing.T) {
	const (
		sub1 = "nqn.2026-11.io.example:sub1"
		sub2 = "nqn.2026-11.io.example:sub2"
		sub3 = "nqn.2026-11.io.example:sub3"
	)
	setup := func(t *testing.T) *nvmftest.Fake {
		f := nvmftest.New(t, nvmftest.Empty)
		f.Admin.Logs[nvmftest.Target("rdma", "10.0.0.1", "4420")] = nvmftest.Page(
			nvmftest.Current("rdma", "10.0.0.1", "4420"),
			nvmftest.Sub("rdma", "10.0.0.1", "4420", sub1),
			nvmftest.Sub("rdma", "10.0.0.1", "4420", sub2),
			nvmftest.Referral("rdma", "10.0.0.2", "4420"),
		)
		f.Admin.Logs[nvmftest.Target("rdma", "10.0.0.2", "4420")] = nvmftest.Page(nvmftest.Sub("rdma", "10.0.0.2", "4420", sub3))
		f.Kernel.Fail = nvmftest.FailWhen("nqn", sub2, syscall.EIO)
		return f
	}
	for _, format := range []string{"normal", "json"} {
		t.Run(format, func(t *testing.T) {
			f := setup(t)
			r := run(t, f, "connect-all", "-t", "rdma", "-a", "10.0.0.1", "-s", "4420", "-o", format)
			if r.code != 1 {
				t.Errorf("exit %d, want 1 for a partial failure", r.code)
			}
			golden(t, "connect-all-partial."+format+".stdout", r.stdout)
			golden(t, "connect-all-partial."+format+".stderr", r.stderr)
			if got := f.Controllers(t); !slices.Equal(got, []string{"nvme0", "nvme1"}) {
				t.Errorf("controllers %q, want the two connected paths only", got)
			}
		})
	}
	t.Run("all connected already", func(t *testing.T) {
		f := withPages(t, nvmftest.New(t, nvmftest.Kernel61))
		r := run(t, f, "connect-all", "-t", "rdma", "-a", rdmaAddr, "-s", "4420")
		// v2.3 fabrics.c __discover skips the connected paths it finds
		// (lookup_ctrl) without a word; gonvme says so with -v.
		skipped := "skipped tcp 127.0.0.1:4420 nqn.2014-08.org.nvmexpress.discovery: referral listed for tcp by a discovery controller reached over rdma: " +
			"only paths of its own transport are followed (use 'gonvme connect-all -t tcp')\n"
		if r.code != 0 || r.stdout != skipped || r.stderr != "" {
			t.Errorf("%v\nwant stdout %q", r, skipped)
		}
		r = run(t, f, "connect-all", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-v")
		want := "nvme0: already connected rdma 169.254.99.1:4420 " + test1 + "\nnvme2: already connected rdma 169.254.99.1:4420 " + test2 + "\n" + skipped
		if r.code != 0 || !strings.HasSuffix(r.stdout, want) || r.stderr != "" {
			t.Errorf("-v: %v\nwant stdout ending %q", r, want)
		}
		r = run(t, f, "connect-all", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "--quiet")
		if r.code != 0 || r.stdout != "" || r.stderr != "" {
			t.Errorf("--quiet: %v", r)
		}
	})
}

func TestDisconnect(t *testing.T) {
	tests := []struct {
		name        string
		args        []string
		code        int
		stdout      string
		stderr      string
		wantDeleted []string
	}{
		{"nqn as nvme-cli", []string{"-n", test2}, 0, string(nvmftest.ReadFixture(t, "nvme-cli/disconnect-nqn-test2.txt")), "", []string{"nvme2", "nvme3"}},
		{"two nqns", []string{"-n", test1 + "," + test2}, 0, "NQN:" + test1 + "," + test2 + " disconnected 4 controller(s)\n", "", []string{"nvme0", "nvme1", "nvme2", "nvme3"}},
		{"unknown nqn", []string{"-n", "nqn.2026-11.io.gonvme:none"}, 0, "NQN:nqn.2026-11.io.gonvme:none disconnected 0 controller(s)\n", "", nil},
		{"device", []string{"-d", "/dev/nvme1"}, 0, "", "", []string{"nvme1"}},
		{"devices verbose", []string{"-d", "nvme1,nvme4", "-v"}, 0, "nvme1: disconnected\nnvme4: disconnected\n", "", []string{"nvme1", "nvme4"}},
		{"missing device", []string{"-d", "nvme9"}, 1, "", "gonvme: --device: controller nvme9 does not exist (no ROOT/sys/class/nvme/nvme9); nothing was disconnected; see 'gonvme list-subsys'\n", nil},
		{"one device missing", []string{"-d", "nvme1,/dev/nvme9"}, 1, "", "gonvme: --device: controller nvme9 does not exist (no ROOT/sys/class/nvme/nvme9); nothing was disconnected; see 'gonvme list-subsys'\n", nil},
		{"nothing given", nil, 2, "", "gonvme: neither --device (-d) nor --nqn (-n) given\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := nvmftest.New(t, nvmftest.Kernel61)
			f.Del.Hold = 0
			r := run(t, f, append([]string{"disconnect"}, tt.args...)...)
			if r.code != tt.code || r.stdout != tt.stdout || r.stderr != tt.stderr {
				t.Errorf("%v\nwant exit %d\nstdout %q\nstderr %q", r, tt.code, tt.stdout, tt.stderr)
			}
			got := f.Del.Calls()
			if !sameSet(got, tt.wantDeleted) {
				t.Errorf("deleted %q, want %q", got, tt.wantDeleted)
			}
		})
	}
}

func TestDisconnectFailureIsReported(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Kernel61)
	f.Del.Errs = map[string]error{"nvme3": syscall.EBUSY}
	r := run(t, f, "disconnect", "-n", test2)
	if r.code != 1 || r.stdout != "NQN:"+test2+" disconnected 1 controller(s)\n" || !strings.Contains(r.stderr, "disconnecting nvme3: device or resource busy") {
		t.Errorf("%v", r)
	}
}

func TestDisconnectAll(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want []string
	}{
		{nil, 0, []string{"nvme0", "nvme1", "nvme2", "nvme3", "nvme4"}},
		{[]string{"-r", "tcp"}, 0, []string{"nvme1", "nvme3", "nvme4"}},
		{[]string{"--transport=rdma", "--workers=1"}, 0, []string{"nvme0", "nvme2"}},
		{[]string{"-r", "fc"}, 0, nil},
		{[]string{"-r", "pcie"}, 2, nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f := nvmftest.New(t, nvmftest.Kernel61)
			f.AddController(t, "nvme7", map[string]string{"transport": "pcie", "address": "0000:00:04.0", "state": "live", "subsysnqn": "nqn.2019-08.org.qemu:deadbeef"})
			r := run(t, f, append([]string{"disconnect-all"}, tt.args...)...)
			if r.code != tt.code || r.stdout != "" {
				t.Errorf("%v", r)
			}
			if got := f.Del.Calls(); !sameSet(got, tt.want) {
				t.Errorf("deleted %q, want %q (never the pcie nvme7)", got, tt.want)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

// TestListMatchesNvmeCli compares with what nvme-cli 2.3 printed on each
// captured kernel for the topology captured alongside.
func TestListMatchesNvmeCli(t *testing.T) {
	kfixtures.Each(t, testListMatchesNvmeCli)
}

func testListMatchesNvmeCli(t *testing.T, k kfixtures.Kernel) {
	tests := []struct {
		args    []string
		fixture string
	}{
		{[]string{"list"}, "list.txt"},
		{[]string{"list", "-o", "json"}, "list.json"},
		{[]string{"list-subsys"}, "list-subsys.txt"},
		{[]string{"list-subsys", "-o", "json"}, "list-subsys.json"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f := withPages(t, nvmftest.NewOn(t, nvmftest.Kernel61, k))
			for _, root := range []bool{true, false} {
				r := runEnv(t, f, root, tt.args...)
				if r.code != 0 || r.stderr != "" {
					t.Fatalf("%v", r)
				}
				sameText(t, "nvme-cli/"+tt.fixture, string(k.ReadFile(t, "nvme-cli/"+tt.fixture)), r.stdout)
			}
			noWrites(t, f)
		})
	}
}

func TestHostNQN(t *testing.T) {
	const product = "4c4c4544-0042-3510-8051-b2c04f4e3732"
	uuidNQN := regexp.MustCompile(`^nqn\.2014-08\.org\.nvmexpress:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n$`)
	tests := []struct {
		name    string
		root    nvmftest.Root
		product string
		cmd     string
		want    string         // exact output, or
		match   *regexp.Regexp // a pattern
	}{
		{"gen from DMI", nvmftest.Bare, product, "gen-hostnqn", "nqn.2014-08.org.nvmexpress:uuid:" + product + "\n", nil},
		{"gen random", nvmftest.Bare, "", "gen-hostnqn", "", uuidNQN},
		{"gen ignores zero DMI", nvmftest.Bare, "00000000-0000-0000-0000-000000000000", "gen-hostnqn", "", uuidNQN},
		{"gen ignores hostnqn file", nvmftest.Empty, product, "gen-hostnqn", "nqn.2014-08.org.nvmexpress:uuid:" + product + "\n", nil},
		{"show file", nvmftest.Empty, product, "show-hostnqn", nvmftest.HostNQN + "\n", nil},
		{"show without file", nvmftest.Bare, product, "show-hostnqn", "nqn.2014-08.org.nvmexpress:uuid:" + product + "\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := nvmftest.New(t, tt.root)
			if tt.product != "" {
				f.WriteFile(t, "/sys/class/dmi/id/product_uuid", tt.product+"\n")
			}
			r := runEnv(t, f, false, tt.cmd)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("%v", r)
			}
			if tt.match != nil && !tt.match.MatchString(r.stdout) || tt.match == nil && r.stdout != tt.want {
				t.Errorf("stdout %q, want %q%v", r.stdout, tt.want, tt.match)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"-v"}, {"version"}} {
		f := nvmftest.New(t, nvmftest.Bare)
		r := runEnv(t, f, false, args...)
		if want := "gonvme version 1.2.3 (commit abc1234)\n"; r.code != 0 || r.stdout != want {
			t.Errorf("%q: %v\nwant %q", args, r, want)
		}
	}
}

// Only the commands that change kernel state ask for the interrupt
// context, once, and Run stops it when they return.
func TestInterruptsOnlyWhereNeeded(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want int
	}{
		{[]string{"list"}, 0},
		{[]string{"list-subsys", "-o", "json"}, 0},
		{[]string{"version"}, 0},
		{[]string{"show-hostnqn"}, 0},
		{[]string{"disconnect-all"}, 1},
		{[]string{"disconnect", "-n", "nqn.2026-11.io.gonvme:test1"}, 1},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f := nvmftest.New(t, nvmftest.Kernel61)
			made, stopped := 0, 0
			env := Env{
				FS: f.FS, Edge: f.Edge, Stdout: io.Discard, Stderr: io.Discard,
				IsRoot: func() bool { return true },
				Interrupts: func() (context.Context, context.CancelFunc) {
					made++
					ctx, cancel := context.WithCancel(context.Background())
					return ctx, func() { stopped++; cancel() }
				},
			}
			if code := Run(env, tt.args); code != ExitOK {
				t.Fatalf("exit %d", code)
			}
			if made != tt.want || stopped != made {
				t.Errorf("Interrupts called %d times, stop %d times; want %d and %d", made, stopped, tt.want, tt.want)
			}
		})
	}
}

// The guides gonvme comes from connect with bare names: seed 001 to
// "toto", seed 000 with -q and -n both "nvme-subsystem-name". The kernel
// takes any safe name below 223 bytes, and so does gonvme.
func TestConnectBareNames(t *testing.T) {
	long := strings.Repeat("n", 222)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-n", "toto"}, "nqn=toto,transport=rdma,traddr=169.254.99.1,trsvcid=4420,hostnqn=" + nvmftest.HostNQN + ",hostid=" + nvmftest.HostID + ",ctrl_loss_tmo=600"},
		{[]string{"-q", "nvme-subsystem-name", "-n", "nvme-subsystem-name"}, "nqn=nvme-subsystem-name,transport=rdma,traddr=169.254.99.1,trsvcid=4420,hostnqn=nvme-subsystem-name,hostid=" + nvmftest.HostID + ",ctrl_loss_tmo=600"},
		{[]string{"-n", long}, "nqn=" + long + ",transport=rdma,traddr=169.254.99.1,trsvcid=4420,hostnqn=" + nvmftest.HostNQN + ",hostid=" + nvmftest.HostID + ",ctrl_loss_tmo=600"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " ")[:min(40, len(strings.Join(tt.args, " ")))], func(t *testing.T) {
			f := nvmftest.New(t, nvmftest.Empty)
			r := run(t, f, append([]string{"connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4420"}, tt.args...)...)
			if r.code != 0 {
				t.Fatalf("%v\nwant exit 0", r)
			}
			if w := f.Kernel.Writes(); len(w) != 1 || w[0] != tt.want {
				t.Errorf("kernel writes %q, want %q", w, tt.want)
			}
		})
	}
}

func TestConnectVerboseNotesSpecForm(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	r := run(t, f, "connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", "toto", "-v")
	want := "note: subsystem NQN \"toto\" does not start with \"nqn.\" (the specification's form is nqn.yyyy-mm.reverse.domain:name); the kernel accepts it as it is\n"
	if r.code != 0 || r.stderr != want {
		t.Fatalf("%v\nwant exit 0 and stderr %q", r, want)
	}
	if n := len(f.Kernel.Writes()); n != 1 {
		t.Fatalf("%d writes, want 1", n)
	}
}

// connect-all --device reads an existing discovery controller's log, as
// nvme-cli's udev rule and nvmf-connect@.service run it, and connects
// what it lists over that controller's transport.
func TestConnectAllDevice(t *testing.T) {
	f := withPages(t, nvmftest.New(t, nvmftest.Empty))
	if r := run(t, f, "discover", "-p", "-t", "rdma", "-a", rdmaAddr, "-s", "4420"); r.code != 0 {
		t.Fatalf("discover -p: %v", r)
	}
	disc := f.Controllers(t)
	if len(disc) != 1 {
		t.Fatalf("controllers %q, want the persistent discovery controller", disc)
	}
	r := run(t, f, "connect-all", "-d", disc[0])
	if r.code != 0 || !strings.Contains(r.stdout, ": connected rdma 169.254.99.1:4420 "+test1) {
		t.Fatalf("connect-all -d %s: %v", disc[0], r)
	}
	writes := f.Kernel.Writes()
	if len(writes) < 2 || strings.Contains(strings.Join(writes[1:], "\n"), "nqn.2014-08.org.nvmexpress.discovery") {
		t.Errorf("writes %q: want I/O connects only after the discover, through the existing controller", writes)
	}
	if r := run(t, f, "connect-all", "-d", "nvme42"); r.code == 0 || !strings.Contains(r.stderr, "nvme42") {
		t.Errorf("connect-all -d of a missing controller: %v", r)
	}
}
