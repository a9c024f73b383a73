//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gonvme/gonvme/keyring"
)

// ctrlAttrs is what sysfs says of a controller's connect options: every
// attribute a connect's options set, src_addr left out.
func ctrlAttrs(t *testing.T, name string) map[string]string {
	t.Helper()
	d := filepath.Join("/sys/class/nvme", name)
	m := map[string]string{}
	for _, a := range []string{"transport", "address", "subsysnqn", "hostnqn", "hostid", "cntrltype", "queue_count", "sqsize",
		"kato", "ctrl_loss_tmo", "reconnect_delay", "fast_io_fail_tmo", "state"} {
		m[a] = readAttr(d, a)
	}
	m["address"] = stripSrc(m["address"])
	return m
}

// writeFabrics writes opts to /dev/nvme-fabrics as one write, the way a
// connect does, and returns the new controller's name.
func writeFabrics(t *testing.T, opts string) string {
	t.Helper()
	f, err := os.OpenFile("/dev/nvme-fabrics", os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write([]byte(opts)); err != nil {
		t.Fatalf("writing %q to /dev/nvme-fabrics: %v", opts, err)
	}
	buf := make([]byte, 256)
	n, err := f.Read(buf)
	if err != nil {
		t.Fatalf("reading the reply: %v", err)
	}
	reply := strings.TrimSpace(string(buf[:n]))
	inst, _, _ := strings.Cut(strings.TrimPrefix(reply, "instance="), ",")
	if inst == "" {
		t.Fatalf("kernel reply %q", reply)
	}
	return "nvme" + inst
}

func onlyController(t *testing.T, what string) string {
	t.Helper()
	cs := controllers(t)
	if len(cs) != 1 {
		t.Fatalf("%s: want one controller, have %+v", what, cs)
	}
	return cs[0].Name
}

// TestDryRun checks that --dry-run writes nothing (no controller, nothing in
// the kernel log) and that what it prints is what the real command writes:
// the printed string, written to /dev/nvme-fabrics by hand, makes the same
// controller as the command itself.
func TestDryRun(t *testing.T) {
	cases := []struct {
		name string
		args []string
		real []string // the command whose controller the printed string must reproduce
	}{
		{"connect rdma", []string{"connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", nqnA, "-i", "2", "-l", "30", "-c", "5", "-k", "7"}, nil},
		{"connect tcp", []string{"connect", "-t", "tcp", "-a", tcpAddr, "-n", nqnB, "-g", "-G", "-Q", "64"}, nil},
		{"discover", []string{"discover", "-t", "rdma", "-a", rdmaAddr, "-s", "4421", "-p"}, nil},
		{"connect-all", []string{"connect-all", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-p"},
			[]string{"discover", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-p"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clean(t)
			var dry result
			quietKernel(t, func() { dry = gonvme(t, append(c.args, "--dry-run")...) })
			mustOK(t, dry, "gonvme "+strings.Join(c.args, " ")+" --dry-run")
			if cs := controllers(t); len(cs) != 0 {
				t.Fatalf("--dry-run connected %+v", cs)
			}
			opts := strings.TrimSuffix(dry.stdout, "\n")
			if opts == "" || strings.Contains(opts, "\n") {
				t.Fatalf("--dry-run should print one option string:\n%s", dry)
			}
			byHand := ctrlAttrs(t, writeFabrics(t, opts))
			disconnectAllKernel()
			real := c.real
			if real == nil {
				real = c.args
			}
			mustOK(t, gonvme(t, real...), "gonvme "+strings.Join(real, " "))
			var name string
			for _, cs := range controllers(t) {
				if cs.SubsysNQN == byHand["subsysnqn"] {
					name = cs.Name
				}
			}
			if name == "" {
				t.Fatalf("gonvme %s made no controller for %s: %+v", strings.Join(real, " "), byHand["subsysnqn"], controllers(t))
			}
			if got := ctrlAttrs(t, name); !equalMaps(got, byHand) {
				t.Errorf("the --dry-run string %q made\n%v\nthe command made\n%v", opts, byHand, got)
			}
		})
	}

	t.Run("secrets and existing controllers", func(t *testing.T) {
		clean(t)
		secret := "DHHC-1:00:ia6zGodOr4SEG0Zzaw398rpY0wqipUWj4jWjUh4HWUz6aQ2n:"
		r := gonvme(t, "connect", "-t", "tcp", "-a", tcpAddr, "-n", nqnB, "-S", secret, "--dry-run")
		switch {
		case strings.Contains(r.stdout+r.stderr, secret[10:]):
			t.Errorf("--dry-run with a secret shows it:\n%s", r)
		case !hostAuthKernel(): // 6.1 would ignore the key: refused (see TestAuthRefusedWithoutSupport)
			if r.code != 2 || !strings.Contains(r.stderr, "cannot authenticate with DH-HMAC-CHAP") {
				t.Errorf("--dry-run with a secret on 6.1:\n%s", r)
			}
		case r.code != 0 || !strings.Contains(r.stdout, ",dhchap_secret=<redacted>"):
			t.Errorf("--dry-run with a secret:\n%s", r)
		}
		// /dev/nvme-fabrics is root's: a dry run reads its option list.
		user := runAs(t, &syscall.Credential{Uid: 1000, Gid: 1000}, gonvmeBin(), "connect", "-t", "tcp", "-a", tcpAddr, "-n", nqnB, "--dry-run")
		if user.code != 1 || user.stdout != "" || !strings.Contains(user.stderr, "run as root") {
			t.Errorf("--dry-run as a user: want exit 1 and 'run as root':\n%s", user)
		}
		mustOK(t, gonvme(t, "discover", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-p"), "discover -p")
		disc := onlyController(t, "discover -p")
		var again result
		quietKernel(t, func() { again = gonvme(t, "connect-all", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "--dry-run") })
		if again.code != 0 || again.stdout != "" || !strings.Contains(again.stderr, "would use discovery controller "+disc) {
			t.Errorf("connect-all --dry-run next to %s:\n%s", disc, again)
		}
		if cs := controllers(t); len(cs) != 1 {
			t.Errorf("--dry-run changed the controllers: %+v", cs)
		}
	})
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// namespaceOf returns the first namespace block device (nvmeXnY) of the
// subsystem with NQN nqn.
func namespaceOf(t *testing.T, nqn string) string {
	t.Helper()
	// The kernel scans namespaces after the connect has returned, so the
	// block device may appear a moment later: wait up to five seconds.
	for i := 0; i < 100; i++ {
		subs, _ := filepath.Glob("/sys/class/nvme-subsystem/nvme-subsys*")
		for _, s := range subs {
			if readAttr(s, "subsysnqn") != nqn {
				continue
			}
			if ns, _ := filepath.Glob(filepath.Join(s, "nvme*n*")); len(ns) > 0 {
				return filepath.Base(ns[0])
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no namespace device for %s after 5 s", nqn)
	return ""
}

// TestListSubsysDevice compares `list-subsys DEVICE` (the ANA path view of
// one namespace) with nvme-cli's, text and JSON, with two paths to A and
// one to B.
func TestListSubsysDevice(t *testing.T) {
	clean(t)
	mustOK(t, gonvme(t, "connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", nqnA), "connect A rdma")
	mustOK(t, gonvme(t, "connect", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", nqnA), "connect A tcp")
	mustOK(t, gonvme(t, "connect", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", nqnB), "connect B tcp")
	// The namespaces appear once the paths are scanned.
	for i := 0; i < 100 && len(glob("/sys/class/nvme-subsystem/nvme-subsys*/nvme*n*")) < 4; i++ {
		time.Sleep(50 * time.Millisecond)
	}
	for _, dev := range []string{namespaceOf(t, nqnA), "/dev/" + namespaceOf(t, nqnB)} {
		g, n := gonvme(t, "list-subsys", dev), nvmecli(t, "list-subsys", dev)
		mustOK(t, g, "gonvme list-subsys "+dev)
		mustOK(t, n, "nvme list-subsys "+dev)
		textEqual(t, "list-subsys "+dev, g.stdout, n.stdout)
		if !strings.Contains(g.stdout, "optimized") {
			t.Errorf("list-subsys %s shows no ANA state:\n%s", dev, g.stdout)
		}
		gj, nj := gonvme(t, "list-subsys", "-o", "json", dev), nvmecli(t, "list-subsys", "-o", "json", dev)
		mustOK(t, gj, "gonvme list-subsys -o json "+dev)
		mustOK(t, nj, "nvme list-subsys -o json "+dev)
		jsonEqual(t, "list-subsys -o json "+dev, gj.stdout, nj.stdout)
	}
	// A namespace that does not exist: the same output and exit status as nvme-cli.
	g, n := gonvme(t, "list-subsys", "nvme9n9"), nvmecli(t, "list-subsys", "nvme9n9")
	if g.code != n.code {
		t.Errorf("list-subsys nvme9n9: gonvme exit %d, nvme-cli %d", g.code, n.code)
	}
	textEqual(t, "list-subsys nvme9n9", g.stdout, n.stdout)
	gj, nj := gonvme(t, "list-subsys", "-o", "json", "nvme9n9"), nvmecli(t, "list-subsys", "-o", "json", "nvme9n9")
	textEqual(t, "list-subsys -o json nvme9n9", gj.stdout, nj.stdout)
	if bad := gonvme(t, "list-subsys", "nvme0"); bad.code != 2 || !strings.Contains(bad.stderr, "nvme0n1") {
		t.Errorf("list-subsys nvme0: want exit 2 naming the form nvme0n1:\n%s", bad)
	}
}

func glob(p string) []string {
	m, _ := filepath.Glob(p)
	return m
}

// TestTLSKeyIdentity runs --tls-key-identity on a kernel that has no TLS
// keys (6.1): exit 2, nothing written, the kernel silent. It also checks
// the keyring lookup against this kernel's /proc/keys and KEYCTL_SEARCH
// with a keyring and key of its own (6.1 has no psk key type).
func TestTLSKeyIdentity(t *testing.T) {
	clean(t)
	var r result
	quietKernel(t, func() {
		r = gonvme(t, "connect", "-t", "tcp", "-a", tcpAddr, "-n", nqnB, "--tls", "--tls-key-identity", "NVMe0R01 x y")
	})
	opts, _ := os.ReadFile("/dev/nvme-fabrics")
	if strings.Contains(string(opts), "tls_key") {
		// 6.12 and later take tls_key: the identity is looked up, and
		// the guest's keyrings hold no such PSK.
		if r.code != 1 || !strings.Contains(r.stderr, `no TLS PSK with identity "NVMe0R01 x y"`) || !strings.Contains(r.stderr, "import it first") {
			t.Errorf("--tls-key-identity of a PSK that is not in the keyring:\n%s", r)
		}
	} else if r.code != 2 || !strings.Contains(r.stderr, "does not support TLS keys") {
		t.Errorf("--tls-key-identity on a kernel without tls_key:\n%s", r)
	}
	if cs := controllers(t); len(cs) != 0 {
		t.Errorf("controllers %+v", cs)
	}
	keyringLookup(t)
}

// keyringLookup adds a keyring to root's user keyring and a user key to it,
// then finds the keyring through /proc/keys and the key with KEYCTL_SEARCH.
func keyringLookup(t *testing.T) {
	t.Helper()
	const ringName, keyDesc = "gonvme-e2e-ring", "NVMe0R01 nqn.2026-11.io.gonvme:host nqn.2026-11.io.gonvme:e2e-a"
	ring, key, err := addTestKeys(ringName, keyDesc)
	if err != nil {
		t.Fatalf("adding test keys: %v", err)
	}
	defer dropTestKeys(ring)
	got, err := keyring.Find(hostRoot(), "keyring", ringName)
	if err != nil || got != ring {
		t.Errorf("keyring.Find(%q) = %d, %v; want %d", ringName, got, err, ring)
	}
	got, err = keyring.Search(ring, "user", keyDesc)
	if err != nil || got != key {
		t.Errorf("keyring.Search(%d, user, %q) = %d, %v; want %d", ring, keyDesc, got, err, key)
	}
	if _, err := keyring.Search(ring, "user", keyDesc+"x"); err == nil {
		t.Errorf("keyring.Search found a key that does not exist")
	}
}

// TestIdempotent: a second connect of a live path with --idempotent exits 0
// quietly and creates nothing; -v still says it was connected already.
func TestIdempotent(t *testing.T) {
	clean(t)
	args := []string{"connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", nqnA, "--idempotent"}
	mustOK(t, gonvme(t, args...), "first connect --idempotent")
	again := gonvme(t, args...)
	if again.code != 0 || again.stdout != "" || again.stderr != "" {
		t.Errorf("second connect --idempotent: want exit 0 and no output:\n%s", again)
	}
	if v := gonvme(t, append(args, "-v")...); v.code != 0 || !strings.Contains(v.stderr, "already connected") {
		t.Errorf("connect --idempotent -v: want 'already connected':\n%s", v)
	}
	if cs := controllers(t); len(cs) != 1 {
		t.Errorf("controllers %+v, want the one path", cs)
	}
}
