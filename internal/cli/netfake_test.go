package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/internal/netroute"
	"github.com/gonvme/gonvme/internal/netroute/netroutetest"
	"github.com/gonvme/gonvme/nvmftest"
)

// runNet runs gonvme as root over the fake edge and network n.
func runNet(t *testing.T, f *nvmftest.Fake, n netroute.Host, args ...string) result {
	t.Helper()
	return runOnNet(t, f, n, true, args...)
}

// runEnvNet runs gonvme as root or not on the healthy guest network.
func runEnvNet(t *testing.T, f *nvmftest.Fake, root bool, args ...string) result {
	t.Helper()
	return runOnNet(t, f, netroutetest.Host(t, "healthy"), root, args...)
}

func runOnNet(t *testing.T, f *nvmftest.Fake, n netroute.Host, root bool, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{
		FS: f.FS, Edge: f.Edge, Stdout: &out, Stderr: &errb, Net: n,
		IsRoot:    func() bool { return root },
		LookupEnv: func(string) (string, bool) { return "", false },
		Verbs:     fixtureVerbs(f.FS),
	}
	code := Run(env, args)
	clean := func(s string) string { return strings.ReplaceAll(s, f.Root, "ROOT") }
	return result{code, clean(out.String()), clean(errb.String())}
}
