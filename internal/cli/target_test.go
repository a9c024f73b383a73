package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
)

// targetRoot is a host root with an emulated configfs and a device.
func targetRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "dev"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "dev", "nullb0"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

func runTarget(t *testing.T, root string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{FS: hostfs.New(root), Stdout: &out, Stderr: &errb, IsRoot: func() bool { return true },
		LookupEnv: func(string) (string, bool) { return "", false }}
	code := Run(env, append([]string{"target"}, args...))
	return result{code, out.String(), strings.ReplaceAll(errb.String(), root, "ROOT")}
}

// tree lists every path and value under the emulated nvmet directory.
func tree(t *testing.T, root string) string {
	t.Helper()
	var lines []string
	base := filepath.Join(root, "sys/kernel/config/nvmet")
	_ = filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == base {
			return nil
		}
		r, _ := filepath.Rel(base, p)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			lines = append(lines, r+" -> "+strings.TrimPrefix(l, base))
		case d.Type().IsRegular():
			b, _ := os.ReadFile(p)
			lines = append(lines, r+" = "+string(b))
		default:
			lines = append(lines, r+"/")
		}
		return nil
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func mustTarget(t *testing.T, root string, args ...string) string {
	t.Helper()
	r := runTarget(t, root, args...)
	if r.code != 0 {
		t.Fatalf("target %s:\n%s", strings.Join(args, " "), r)
	}
	return r.stdout
}

// Seed 001's target, built with gonvme target, flags after the arguments
// as the guides write them; the tree holds only what was asked for.
func TestTargetBuildSeed(t *testing.T) {
	root := targetRoot(t)
	mustTarget(t, root, "subsystem", "add", "toto", "--allow-any-host")
	mustTarget(t, root, "namespace", "add", "toto", "--device", "/dev/nullb0")
	mustTarget(t, root, "port", "add", "1", "-t", "rdma", "-a", "192.168.1.32", "-s", "4420")
	if got := mustTarget(t, root, "expose", "1", "toto", "-o", "json"); got != "[\n  {\n    \"action\": \"exposed\",\n    \"kind\": \"subsystem\",\n    \"name\": \"toto on port 1\"\n  }\n]\n" {
		t.Errorf("expose -o json printed:\n%s", got)
	}
	want := strings.Join([]string{
		"hosts/", "ports/", "ports/1/", "ports/1/addr_adrfam = ipv4", "ports/1/addr_traddr = 192.168.1.32",
		"ports/1/addr_trsvcid = 4420", "ports/1/addr_trtype = rdma", "ports/1/ana_groups/", "ports/1/ana_groups/1/",
		"ports/1/referrals/", "ports/1/subsystems/", "ports/1/subsystems/toto -> /subsystems/toto",
		"subsystems/", "subsystems/toto/", "subsystems/toto/allowed_hosts/", "subsystems/toto/attr_allow_any_host = 1",
		"subsystems/toto/namespaces/", "subsystems/toto/namespaces/1/", "subsystems/toto/namespaces/1/device_path = /dev/nullb0",
		"subsystems/toto/namespaces/1/enable = 1",
	}, "\n")
	if got := tree(t, root); got != want {
		t.Errorf("tree:\n%s\nwant:\n%s", got, want)
	}
	wantList := `nvmet
├── hosts
├── ports
│   └── 1 rdma ipv4 192.168.1.32:4420
│       ├── subsystems
│       │   └── toto
│       └── referrals
└── subsystems
    └── toto (any host)
        ├── allowed_hosts
        └── namespaces
            └── 1 /dev/nullb0
`
	if got := mustTarget(t, root, "list"); got != wantList {
		t.Errorf("list:\n%s\nwant:\n%s", got, wantList)
	}
	r := runTarget(t, root, "subsystem", "remove", "toto")
	if r.code != 1 || !strings.Contains(r.stderr, "still exposed on port 1: run 'gonvme target unexpose 1 toto' first") {
		t.Errorf("remove of an exposed subsystem:\n%s", r)
	}
	// Seed 001's teardown.
	mustTarget(t, root, "unexpose", "1", "toto")
	mustTarget(t, root, "port", "remove", "1")
	mustTarget(t, root, "namespace", "remove", "toto", "1")
	mustTarget(t, root, "subsystem", "remove", "toto")
	if got := tree(t, root); got != "hosts/\nports/\nsubsystems/" {
		t.Errorf("after teardown:\n%s", got)
	}
}

// Bad input: exit 2, a message naming it, configfs as it was.
func TestTargetBadInput(t *testing.T) {
	root := targetRoot(t)
	mustTarget(t, root, "subsystem", "add", "toto")
	before := tree(t, root)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"subsystem", "add", "a/b"}, "'/'"},
		{[]string{"subsystem", "add", "bad name"}, "invalid NQN"},
		{[]string{"subsystem", "add", "nqn.2014-08.org.nvmexpress.discovery"}, "discovery NQN"},
		{[]string{"subsystem", "add", "x", "--serial", "a\nb"}, "control character"},
		{[]string{"namespace", "add", "toto", "--device", "/dev/nullb0", "--nsid", "0"}, "namespace IDs run from 1"},
		{[]string{"namespace", "add", "toto", "--device", "/dev/missing"}, "/dev/missing does not exist"},
		{[]string{"namespace", "add", "toto", "--device", "dev/nullb0"}, "absolute path"},
		{[]string{"namespace", "add", "toto"}, "missing --device"},
		{[]string{"namespace", "add", "toto", "--device", "/dev/nullb0", "--uuid", "x"}, "--uuid"},
		{[]string{"port", "add", "1", "-t", "ib", "-a", "1.2.3.4", "-s", "4420"}, `transport "ib"`},
		{[]string{"port", "add", "1", "-t", "tcp", "-a", "1.2.3", "-s", "4420"}, "not an IP address"},
		{[]string{"port", "add", "1", "-t", "tcp", "-a", "127.0.0.1", "-s", "99999"}, "not a port number"},
		{[]string{"port", "add", "1", "-t", "tcp", "-a", "127.0.0.1", "-s", "4420", "--adrfam", "ipv6"}, "not an ipv6 address"},
		{[]string{"port", "add", "70000", "-t", "tcp", "-a", "127.0.0.1", "-s", "4420"}, "port IDs run from 0 to 65535"},
		{[]string{"host", "add", "h1", "--dhchap-key", "DHHC-1:00:bm90YWtleQ==:"}, "DH-HMAC-CHAP secret"},
		{[]string{"referral", "add", "1", "a/b", "-t", "tcp", "-a", "127.0.0.1", "-s", "4420"}, "without '/'"},
		{[]string{"expose", "1"}, "missing NQN"},
	} {
		r := runTarget(t, root, c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%q: want exit 2 and %q:\n%s", c.args, c.want, r)
		}
		if strings.Contains(r.stderr, "bm90YWtleQ") {
			t.Errorf("%q: the secret was printed:\n%s", c.args, r)
		}
		if got := tree(t, root); got != before {
			t.Fatalf("%q changed configfs:\n%s", c.args, got)
		}
	}
}

// save then restore gives the same tree; a missing default file is a
// note and exit 0 (the boot unit's case); a bad file changes nothing.
func TestTargetSaveRestore(t *testing.T) {
	root := targetRoot(t)
	r := runTarget(t, root, "restore")
	if r.code != 0 || !strings.Contains(r.stderr, "no /etc/nvmet/config.json: nothing to restore") {
		t.Errorf("restore without the default file:\n%s", r)
	}
	mustTarget(t, root, "host", "add", "nqn.h1")
	mustTarget(t, root, "subsystem", "add", "s1")
	mustTarget(t, root, "allow", "s1", "nqn.h1")
	mustTarget(t, root, "namespace", "add", "s1", "--device", "/dev/nullb0", "--nsid", "10", "--disabled")
	mustTarget(t, root, "port", "add", "2", "-t", "tcp", "-a", "127.0.0.1", "-s", "4421", "--inline-data-size", "8192")
	mustTarget(t, root, "expose", "2", "s1")
	mustTarget(t, root, "referral", "add", "2", "r1", "-t", "rdma", "-a", "169.254.99.1", "-s", "4420", "--portid", "1")
	before := tree(t, root)
	mustTarget(t, root, "save")
	mustTarget(t, root, "clear")
	if got := tree(t, root); got != "hosts/\nports/\nsubsystems/" {
		t.Errorf("after clear:\n%s", got)
	}
	mustTarget(t, root, "restore")
	if got := tree(t, root); got != before {
		t.Errorf("after restore:\n%s\nwant:\n%s", got, before)
	}
	fi, err := os.Stat(filepath.Join(root, "etc/nvmet/config.json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("saved file: %v %v", fi, err)
	}
	bad := filepath.Join(root, "bad.json")
	_ = os.WriteFile(bad, []byte(`{"hosts":[],"subsystems":[{"nqn":"x","namespaces":[{"nsid":0}]}],"ports":[]}`), 0o644)
	r = runTarget(t, root, "restore", "/bad.json")
	if r.code != 2 || !strings.Contains(r.stderr, "namespace IDs run from 1") || !strings.Contains(r.stderr, "nothing was changed") {
		t.Errorf("bad file:\n%s", r)
	}
	if got := tree(t, root); got != before {
		t.Errorf("a refused restore changed the tree:\n%s", got)
	}
}

func TestTargetNeedsRoot(t *testing.T) {
	root := targetRoot(t)
	var out, errb bytes.Buffer
	env := Env{FS: hostfs.New(root), Stdout: &out, Stderr: &errb, IsRoot: func() bool { return false }}
	if code := Run(env, []string{"target", "subsystem", "add", "toto"}); code != 1 || !strings.Contains(errb.String(), "needs root") {
		t.Errorf("exit %d: %s", code, errb.String())
	}
}

// DH-HMAC-CHAP keys reach configfs and the saved file, never the output.
func TestTargetSecretsHidden(t *testing.T) {
	root := targetRoot(t)
	key := make([]byte, 32, 36)
	for i := range key {
		key[i] = byte(i * 7)
	}
	key = binary.LittleEndian.AppendUint32(key, crc32.ChecksumIEEE(key))
	secret := "DHHC-1:00:" + base64.StdEncoding.EncodeToString(key) + ":"
	mustTarget(t, root, "host", "add", "nqn.h1", "--dhchap-key", secret)
	if b, _ := os.ReadFile(filepath.Join(root, "sys/kernel/config/nvmet/hosts/nqn.h1/dhchap_key")); string(b) != secret {
		t.Errorf("dhchap_key = %q", b)
	}
	for _, args := range [][]string{{"list"}, {"list", "-o", "json"}, {"save", "-"}, {"save"}} {
		r := runTarget(t, root, args...)
		if strings.Contains(r.stdout+r.stderr, secret[10:40]) {
			t.Errorf("target %q printed the key:\n%s", args, r)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(root, "etc/nvmet/config.json")); !strings.Contains(string(b), secret) {
		t.Errorf("saved file lacks the key:\n%s", b)
	}
}

func TestTargetUnknownSubcommand(t *testing.T) {
	root := targetRoot(t)
	for _, args := range [][]string{{"foo"}, {"subsystem", "foo"}} {
		if r := runTarget(t, root, args...); r.code != 2 || !strings.Contains(r.stderr, `unknown subcommand "foo"`) {
			t.Errorf("target %q:\n%s", args, r)
		}
	}
}

// Flags may follow the arguments after global flags too.
func TestTargetArgsAfterGlobalFlags(t *testing.T) {
	root := targetRoot(t)
	var out, errb bytes.Buffer
	env := Env{FS: hostfs.New(root), Stdout: &out, Stderr: &errb, IsRoot: func() bool { return true },
		LookupEnv: func(string) (string, bool) { return "", false }}
	if code := Run(env, []string{"--compat", "2.13", "target", "subsystem", "add", "toto", "--allow-any-host"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(tree(t, root), "subsystems/toto/attr_allow_any_host = 1") {
		t.Errorf("tree:\n%s", tree(t, root))
	}
}
