package cli

import (
	"strings"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/nvmftest"
)

func TestListJSONGenericPathByProfile(t *testing.T) {
	f := withPages(t, nvmftest.New(t, nvmftest.Kernel61))
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"list", "-o", "json"}, 0}, // run adds --compat 2.3
		{[]string{"--compat", "2.4", "list", "-o", "json"}, 4},
		{[]string{"--compat=v2.16", "list", "-o", "json"}, 4},
	} {
		r := run(t, f, c.args...)
		if n := strings.Count(r.stdout, `"GenericPath":"/dev/ng`); r.code != 0 || n != c.want {
			t.Errorf("%v: %d GenericPath keys, want %d:\n%s", c.args, n, c.want, r)
		}
	}
}

func TestCompatFlag(t *testing.T) {
	f := withPages(t, nvmftest.New(t, nvmftest.Kernel61))
	for _, bad := range []string{"2.2", "2.17", "3.0", "2.10.3", "2.x", "", "v", "2.13.", "02.13", "2.13 "} {
		r := run(t, f, "--compat", bad, "list")
		if r.code != ExitUsage || r.stdout != "" || !strings.Contains(r.stderr, "--compat") || !strings.Contains(r.stderr, "2.16") {
			t.Errorf("--compat %q: want exit 2 naming the flag and the releases:\n%v", bad, r)
		}
	}
	t.Setenv("GONVME_COMPAT", "2.3")
	r := runEnv(t, f, true, "--compat=2.13", "list")
	if r.code != 0 || !strings.Contains(r.stdout, " 0x1 ") {
		t.Errorf("the flag should win over GONVME_COMPAT=2.3 (hex namespace column):\n%v", r)
	}
	r = runEnv(t, f, true, "--compat=", "list")
	if r.code != ExitUsage {
		t.Errorf("an empty --compat should be refused:\n%v", r)
	}
	t.Setenv("GONVME_COMPAT", "1.0")
	if r := runEnv(t, f, true, "--compat=2.13", "list"); r.code != 0 {
		t.Errorf("--compat should win over a bad GONVME_COMPAT:\n%v", r)
	}
	// GONVME_COMPAT alone chooses the profile (Run directly: run adds
	// --compat 2.3).
	t.Setenv("GONVME_COMPAT", "2.16")
	var out, errb strings.Builder
	if code := Run(Env{FS: f.FS, Edge: f.Edge, Stdout: &out, Stderr: &errb}, []string{"list"}); code != 0 || !strings.Contains(out.String(), " 0x1 ") {
		t.Errorf("GONVME_COMPAT=2.16 list: exit %d\n%s%s", code, out.String(), errb.String())
	}
	t.Setenv("GONVME_COMPAT", "2.99")
	if code := Run(Env{FS: f.FS, Edge: f.Edge, Stdout: &out, Stderr: &errb}, []string{"list"}); code != ExitUsage {
		t.Errorf("GONVME_COMPAT=2.99: exit %d, want 2", code)
	}
}

func TestOutputFormatVersion(t *testing.T) {
	f := withPages(t, nvmftest.New(t, nvmftest.Kernel61))
	for _, c := range []struct {
		args []string
		code int
		has  string
	}{
		{[]string{"--compat", "2.13", "list", "-o", "json", "--output-format-version=2"}, ExitUsage, ""},
		{[]string{"--compat", "2.16", "list", "-o", "json", "--output-format-version=3"}, ExitUsage, ""},
		{[]string{"--compat", "2.14", "list", "-o", "json", "--output-format-version=2"}, 0, `"Subsystems":[`},
		{[]string{"--compat", "2.16", "list", "-o", "json", "--output-format-version=2"}, 0, `"GenericPath":`},
		{[]string{"--compat", "2.16", "list", "-v", "-o", "json", "--output-format-version=2"}, 0, `"Paths":[`},
		{[]string{"--compat", "2.16", "list-subsys", "-o", "json", "--output-format-version=2"}, 0, `"Type":"nvm"`},
		{[]string{"--compat", "2.16", "list-subsys", "-o", "json", "--output-format-version=1"}, 0, `"Paths":[`},
	} {
		r := run(t, f, c.args...)
		if r.code != c.code || !strings.Contains(r.stdout, c.has) || (c.code == ExitUsage && !strings.Contains(r.stderr, "--output-format-version")) {
			t.Errorf("%v: want exit %d and %q:\n%v", c.args, c.code, c.has, r)
		}
	}
	r := run(t, f, "--compat", "2.16", "list-subsys", "-o", "json", "--output-format-version=1")
	if strings.Contains(r.stdout, "IOPolicy") {
		t.Errorf("version 1 printed the verbose keys:\n%s", r.stdout)
	}
}

// A path the kernel refuses as connected already (EALREADY: it was
// connected after the scan) is reported as the profile's nvme-cli does.
func TestConnectAllKernelSaysAlready(t *testing.T) {
	for _, c := range []struct{ compat, want string }{
		{"2.3", "traddr=169.254.99.1 is already connected\n"}, // v2.3 fabrics.c __discover
		{"2.10", "already connected to hostnqn=" + nvmftest.HostNQN + ",nqn=" + test1 +
			",transport=rdma,traddr=169.254.99.1,trsvcid=4420\n"}, // v2.10 fabrics.c __discover
	} {
		f := withPages(t, nvmftest.New(t, nvmftest.Empty))
		f.Kernel.Fail = nvmftest.FailWhen("nqn", test1, syscall.EALREADY)
		r := run(t, f, "--compat", c.compat, "connect-all", "-t", "rdma", "-a", rdmaAddr, "-s", "4420")
		if r.code != 0 || !strings.HasPrefix(r.stderr, c.want) || !strings.Contains(r.stdout, "already connected rdma 169.254.99.1:4420 "+test1) {
			t.Errorf("--compat %s: %v\nwant exit 0, stderr starting %q and the path on stdout", c.compat, r, c.want)
		}
		if q := run(t, f, "--compat", c.compat, "connect-all", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "--quiet"); strings.Contains(q.stderr, "already") {
			t.Errorf("--quiet: %v", q)
		}
	}
}
