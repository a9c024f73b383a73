package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/nvmftest"
)

const ctrlKeyA = "DHHC-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:"

func keyFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func authFake(t *testing.T) *nvmftest.Fake {
	f := nvmftest.New(t, nvmftest.Empty)
	f.Kernel.HostAuth = true
	return f
}

func TestConnectSecretFromFile(t *testing.T) {
	host, ctrl := keyFile(t, hostKeyA+"\n"), keyFile(t, ctrlKeyA)
	for _, args := range [][]string{
		{"-S", "@" + host, "-C", "@" + ctrl},
		{"--dhchap-secret-file", host, "--dhchap-ctrl-secret-file", ctrl},
		{"-S", hostKeyA, "--dhchap-ctrl-secret-file", ctrl},
	} {
		f := authFake(t)
		r := run(t, f, append([]string{"connect", "-t", "rdma", "-a", rdmaAddr, "-n", test1, "-o", "normal"}, args...)...)
		w := f.Kernel.Writes()
		if r.code != 0 || len(w) != 1 || !strings.Contains(w[0], "dhchap_secret="+hostKeyA+",dhchap_ctrl_secret="+ctrlKeyA+",") {
			t.Errorf("connect %v:\n%s\nwrites: %v", args, r, w)
		}
	}
}

func TestSecretFileErrors(t *testing.T) {
	two := keyFile(t, hostKeyA+"\n"+ctrlKeyA+"\n")
	empty := keyFile(t, "\n")
	bad := keyFile(t, "DHHC-1:00:"+keyBodyH1+"x:\n")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-S", hostKeyA, "--dhchap-secret-file", two}, "-S/--dhchap-secret and --dhchap-secret-file both give the key"},
		{[]string{"-S", "@" + two}, "holds more than one line"},
		{[]string{"--dhchap-secret-file", empty}, "is empty"},
		{[]string{"--dhchap-secret-file", filepath.Dir(two)}, "is not a regular file"},
		{[]string{"-S", "@" + bad}, "invalid dhchap_secret (value not shown): the key is not valid base64"},
	}
	for _, c := range cases {
		f := authFake(t)
		r := run(t, f, append([]string{"connect", "-t", "rdma", "-a", rdmaAddr, "-n", test1}, c.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) || len(f.Kernel.Writes()) != 0 {
			t.Errorf("connect %v: want exit 2 with %q, nothing written:\n%s", c.args, c.want, r)
		}
		for _, s := range []string{hostKeyA[10:40], ctrlKeyA[10:40], keyBodyH1[:30]} {
			if strings.Contains(r.stderr+r.stdout, s) {
				t.Errorf("connect %v shows a key:\n%s", c.args, r)
			}
		}
	}
}

// The captured 6.1 sysfs has fabrics controllers without dhchap_secret:
// a keyed connect, real or dry, is refused with the reason, nothing
// written.
func TestConnectKeyedOn61(t *testing.T) {
	for _, extra := range [][]string{nil, {"--dry-run"}, {"-v"}} {
		f := nvmftest.New(t, nvmftest.Kernel61)
		args := append([]string{"connect", "-t", "tcp", "-a", tcpAddr, "-n", test2, "-S", hostKeyA}, extra...)
		r := run(t, f, args...)
		if r.code != 2 || len(f.Kernel.Writes()) != 0 || r.stdout != "" {
			t.Errorf("%v: want exit 2 and nothing written:\n%s", args, r)
		}
		for _, want := range []string{"dhchap_secret (-S/--dhchap-secret)", "cannot authenticate with DH-HMAC-CHAP", "has no dhchap_secret attribute", "nothing was connected"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("%v: stderr lacks %q:\n%s", args, want, r.stderr)
			}
		}
		if strings.Contains(r.stderr, hostKeyA[10:]) {
			t.Errorf("%v shows the key:\n%s", args, r)
		}
	}
}

func TestDryRunKeyedRedacts(t *testing.T) {
	f := authFake(t)
	r := run(t, f, "connect", "-t", "tcp", "-a", tcpAddr, "-n", test2, "-S", hostKeyA, "-C", ctrlKeyA, "--dry-run", "-v")
	if r.code != 0 || !strings.Contains(r.stdout, "dhchap_secret=<redacted>,dhchap_ctrl_secret=<redacted>") || strings.Contains(r.stdout+r.stderr, hostKeyA[10:]) {
		t.Errorf("%s", r)
	}
}

// Keys in config.json (host dhchap_key, here as @FILE) and in
// discovery.conf lines (-S @FILE) reach the I/O connects, not the
// discovery ones.
func TestConnectAllConfiguredKeys(t *testing.T) {
	f := withPages(t, authFake(t))
	f.WriteFile(t, "/etc/nvme/config.json", `[{"hostnqn":"`+nvmftest.HostNQN+`","dhchap_key":"@`+keyFile(t, hostKeyA)+`",
	  "subsystems":[{"nqn":"nqn.2014-08.org.nvmexpress.discovery","ports":[{"transport":"rdma","traddr":"`+rdmaAddr+`","trsvcid":"4420"}]}]}]`)
	f.WriteFile(t, "/etc/nvme/discovery.conf", "-t tcp -a "+tcpAddr+" -s 4420 -S @"+keyFile(t, ctrlKeyA)+"\n")
	r := run(t, f, "connect-all")
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	for _, w := range f.Kernel.Writes() {
		o := nvmftest.ParseOptions(w)
		switch {
		case o["nqn"] == "nqn.2014-08.org.nvmexpress.discovery":
			if _, ok := o["dhchap_secret"]; ok {
				t.Errorf("a discovery connect carries a key: %s", w)
			}
		case o["transport"] == "rdma" && o["dhchap_secret"] != hostKeyA, o["transport"] == "tcp" && o["dhchap_secret"] != ctrlKeyA:
			t.Errorf("I/O connect without its configured key: %s", w)
		}
	}
	if strings.Contains(r.stdout+r.stderr, hostKeyA[10:]) || strings.Contains(r.stdout+r.stderr, ctrlKeyA[10:]) {
		t.Errorf("output shows a key:\n%s", r)
	}
}

// Kernels with host authentication show the secrets in the controllers'
// dhchap_secret and dhchap_ctrl_secret attributes; no listing reads them.
func TestListingsHideSysfsSecrets(t *testing.T) {
	f := authFake(t)
	if r := run(t, f, "connect", "-t", "tcp", "-a", tcpAddr, "-n", test2, "-S", hostKeyA, "-C", ctrlKeyA); r.code != 0 {
		t.Fatalf("%s", r)
	}
	if b, _ := os.ReadFile(filepath.Join(f.Root, "sys/class/nvme/nvme0/dhchap_secret")); string(b) != hostKeyA+"\n" {
		t.Fatalf("the fake's dhchap_secret holds %q", b)
	}
	for _, args := range [][]string{{"list", "-v"}, {"list", "-v", "-o", "json"}, {"list-subsys", "-v"}, {"list-subsys", "-o", "json"}, {"list-subsys", "-v", "-o", "json"}} {
		r := run(t, f, args...)
		if strings.Contains(r.stdout+r.stderr, "DHHC-1") {
			t.Errorf("%v shows a secret:\n%s", args, r)
		}
	}
}

func TestDiscoverRefusesSecret(t *testing.T) {
	for _, args := range [][]string{{"-S", hostKeyA}, {"--dhchap-secret-file", keyFile(t, hostKeyA)}} {
		f := authFake(t)
		r := run(t, f, append([]string{"discover", "-t", "tcp", "-a", tcpAddr}, args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, "discover sends no key") || len(f.Kernel.Writes()) != 0 {
			t.Errorf("discover %v:\n%s", args, r)
		}
	}
}
