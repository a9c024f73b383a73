package cli

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/internal/textdiff"
	"github.com/gonvme/gonvme/nvmftest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

const (
	test1    = "nqn.2026-11.io.gonvme:test1"
	test2    = "nqn.2026-11.io.gonvme:test2"
	rdmaAddr = "169.254.99.1"
	tcpAddr  = "127.0.0.1"
)

// result is what one run of gonvme did.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// run runs gonvme as root over the fake edge.
func run(t *testing.T, f *nvmftest.Fake, args ...string) result {
	t.Helper()
	return runEnv(t, f, true, args...)
}

func runEnv(t *testing.T, f *nvmftest.Fake, root bool, args ...string) result {
	t.Helper()
	return runWith(t, f, func(env *Env) { env.IsRoot = func() bool { return root } }, args...)
}

// runWith runs gonvme as root over the fake edge with the Env that mod
// changes.
func runWith(t *testing.T, f *nvmftest.Fake, mod func(*Env), args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{
		FS: f.FS, Edge: f.Edge, Stdout: &out, Stderr: &errb,
		Version: "1.2.3", Commit: "abc1234",
		IsRoot:    func() bool { return true },
		LookupEnv: func(string) (string, bool) { return "", false },
		Verbs:     fixtureVerbs(f.FS),
	}
	mod(&env)
	if len(args) == 0 || !strings.HasPrefix(args[0], "--compat") {
		// The fixtures are nvme-cli 2.3's output.
		args = append([]string{"--compat", "2.3"}, args...)
	}
	code := Run(env, args)
	// Paths under the temporary root read the same in every run.
	clean := func(s string) string { return strings.ReplaceAll(s, f.Root, "ROOT") }
	return result{code, clean(out.String()), clean(errb.String())}
}

// withPages serves the discovery logs captured with f's kernel at their
// addresses.
func withPages(t *testing.T, f *nvmftest.Fake) *nvmftest.Fake {
	f.Admin.Logs[nvmftest.Target("rdma", rdmaAddr, "4420")] = f.Fixture.ReadFile(t, "discovery/rdma-169.254.99.1-4420.bin")
	f.Admin.Logs[nvmftest.Target("tcp", tcpAddr, "4420")] = f.Fixture.ReadFile(t, "discovery/tcp-127.0.0.1-4420.bin")
	f.Admin.IDNS = f.Fixture.ReadFile(t, "identify/id-ns-nvme0n1.bin")
	return f
}

// golden compares got with testdata/golden/name, or rewrites it under
// -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run 'go test -run %s -update' to create it)", err, t.Name())
	}
	sameText(t, p, string(want), got)
}

// sameText reports the first differing line of two outputs.
func sameText(t *testing.T, what, want, got string) {
	t.Helper()
	if want == got {
		return
	}
	t.Errorf("output differs from %s at %s", what, textdiff.FirstLine(want, got))
}

// noWrites fails when the fake kernel saw any option string or the fake
// delete any call.
func noWrites(t *testing.T, f *nvmftest.Fake) {
	t.Helper()
	if w := f.Kernel.Writes(); len(w) != 0 {
		t.Errorf("the kernel saw writes: %q", w)
	}
	if d := f.Del.Calls(); len(d) != 0 {
		t.Errorf("controllers were deleted: %q", d)
	}
}
