//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gonvme/gonvme/keyring"
)

// TestTLSKeyringMissing: on 6.12 and 7.x with every NVMe module unloaded
// there is no .nvme keyring; check-tls-key --insert and tls-key --import
// load nvme-keyring, which creates it, and insert into it. The target is
// torn down for this and set up again.
func TestTLSKeyringMissing(t *testing.T) {
	if _, err := keyring.Find(hostRoot(), "keyring", ".nvme"); err != nil {
		t.Logf("kernel %s has no .nvme keyring (%v): TestTLSKeyCommands covers it", os.Getenv("GONVME_E2E_KERNEL"), err)
		return
	}
	clean(t)
	if err := target.Teardown(); err != nil {
		t.Fatalf("tearing the target down: %v", err)
	}
	defer func() {
		for _, m := range []string{"nvme-fabrics", "nvme-tcp", "nvme-rdma", "nvmet", "nvmet-tcp", "nvmet-rdma"} {
			if out, err := exec.Command("modprobe", m).CombinedOutput(); err != nil {
				t.Errorf("modprobe %s: %v %s", m, err, out)
			}
		}
		if err := setupTarget(); err != nil {
			t.Fatalf("setting the target up again: %v", err)
		}
	}()
	for _, m := range []string{"nvme_tcp", "nvme_rdma", "nvmet_tcp", "nvmet_rdma", "nvme_fabrics", "nvmet", "nvme_core", "nvme_auth", "nvme_keyring"} {
		if _, err := os.Stat("/sys/module/" + m); err != nil {
			continue
		}
		if out, err := exec.Command("rmmod", m).CombinedOutput(); err != nil {
			t.Fatalf("rmmod %s: %v %s", m, err, out)
		}
	}
	if _, err := keyring.Find(hostRoot(), "keyring", ".nvme"); err == nil {
		b, _ := os.ReadFile("/proc/keys")
		t.Fatalf("the .nvme keyring is still there with nvme-keyring unloaded:\n%s", b)
	}
	r := gonvme(t, "tls-key", "--export")
	if r.code != 1 || !strings.Contains(r.stderr, "no keyring \".nvme\"") {
		t.Errorf("export without .nvme (which it does not create):\n%s", r)
	}
	r = gonvme(t, "check-tls-key", "-d", "NVMeTLSkey-1:01:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:", "-n", tlsHost, "-c", tlsSubsys, "-i")
	serial := insertedSerial(t, r)
	if _, err := os.Stat("/sys/module/nvme_keyring"); err != nil {
		t.Errorf("nvme-keyring is not loaded after check-tls-key --insert: %v", err)
	}
	ring, err := keyring.Find(hostRoot(), "keyring", ".nvme")
	if err != nil {
		t.Fatalf("no .nvme keyring after check-tls-key --insert: %v", err)
	}
	if id, err := keyring.Find(hostRoot(), "psk", "NVMe0R01 "+tlsHost+" "+tlsSubsys); err != nil || id != serial {
		t.Errorf("the inserted key %08x is not in the new .nvme keyring %08x: %08x, %v", serial, ring, id, err)
	}

	// Again for an import, from a key file.
	if out, err := exec.Command("rmmod", "nvme_keyring").CombinedOutput(); err != nil {
		t.Fatalf("rmmod nvme_keyring: %v %s", err, out)
	}
	file := t.TempDir() + "/tls-keys"
	os.WriteFile(file, []byte("NVMe1R01 "+tlsHost+" "+tlsSubsys+" NVMeTLSkey-1:01:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:\n"), 0o600)
	mustOK(t, gonvme(t, "tls-key", "--import", "-f", file), "tls-key --import without .nvme")
	if _, err := keyring.Find(hostRoot(), "psk", "NVMe1R01 "+tlsHost+" "+tlsSubsys); err != nil {
		t.Errorf("the imported key is not in the new .nvme keyring: %v", err)
	}
}

// TestTLSWithoutTLSModule: on 6.12 and 7.x, with the tls module unloaded
// and the kernel unable to load it (its modprobe helper pointed nowhere),
// connect --tls fails and names the module to load. 6.1 has no NVMe/TCP
// TLS at all: connect --tls is refused there saying so, nothing written.
func TestTLSWithoutTLSModule(t *testing.T) {
	clean(t)
	if !kernelHasTLS() {
		r := gonvme(t, "connect", "-t", "tcp", "-a", tcpAddr, "-s", tlsSvc, "-n", nqnTLS, "--tls")
		if r.code != 2 || !strings.Contains(r.stderr, "this kernel has no NVMe/TCP TLS") {
			t.Errorf("connect --tls on kernel %s:\n%s", os.Getenv("GONVME_E2E_KERNEL"), r)
		}
		return
	}
	tlsReady(t)
	defer func() {
		if out, err := exec.Command("modprobe", "tls").CombinedOutput(); err != nil {
			t.Errorf("modprobe tls: %v %s", err, out)
		}
	}()
	defer kernelModprobeOff(t)()
	// Hidden from modprobe too, which gonvme runs itself.
	defer hideModules(t, "net/tls/tls.ko")()
	rmmodWait(t, "tls")

	r := gonvme(t, "connect", "-t", "tcp", "-a", tcpAddr, "-s", tlsSvc, "-n", nqnTLS, "-q", tlsHost, "--tls")
	t.Logf("connect --tls without the tls module:\n%s", r)
	if r.code != 1 || !strings.Contains(r.stderr, "TLS layer is not loaded") || !strings.Contains(r.stderr, "'modprobe tls' failed") ||
		!strings.Contains(r.stderr, "nothing was written") {
		t.Errorf("connect --tls without the tls module: want exit 1 naming 'modprobe tls':\n%s", r)
	}
	if cs := controllers(t); len(cs) != 0 {
		t.Errorf("connect --tls without the tls module left controllers %+v", cs)
		disconnectAllKernel()
	}
}

// TestTLSWithoutCipher: on 6.12 and 7.x, with nothing providing gcm(aes)
// (aesni_intel and gcm unloaded, their modules hidden, the kernel's
// modprobe helper pointed nowhere), connect --tls is refused before
// anything is written, naming the cipher and the modules; with the modules
// back, the same connect goes through.
func TestTLSWithoutCipher(t *testing.T) {
	clean(t)
	if !kernelHasTLS() {
		t.Skip("this kernel has no NVMe/TCP TLS (TestTLSWithoutTLSModule checks the refusal)")
	}
	tlsReady(t)
	defer func() {
		if out, err := exec.Command("modprobe", "-a", "aesni_intel", "gcm").CombinedOutput(); err != nil {
			t.Errorf("modprobe aesni_intel gcm: %v %s", err, out)
		}
	}()
	modprobeOn := kernelModprobeOff(t)
	defer modprobeOn()
	unhide := hideModules(t, "arch/x86/crypto/aesni-intel.ko", "crypto/gcm.ko")
	defer unhide()
	// Earlier TLS connections may hold the cipher a moment longer.
	rmmodWait(t, "aesni_intel")
	rmmodWait(t, "gcm")
	crypto, _ := os.ReadFile("/proc/crypto")
	if strings.Contains(string(crypto), "gcm(aes)") {
		t.Fatalf("gcm(aes) still registered with aesni_intel and gcm unloaded:\n%s", crypto)
	}

	args := []string{"connect", "-t", "tcp", "-a", tcpAddr, "-s", tlsSvc, "-n", nqnTLS, "-q", tlsHost, "--tls"}
	if d := gonvme(t, append(args, "--dry-run")...); d.code != 0 || !strings.Contains(d.stderr, "no gcm(aes) cipher; connect would run 'modprobe gcm' first") {
		t.Errorf("connect --tls --dry-run without gcm(aes):\n%s", d)
	}
	r := gonvme(t, args...)
	t.Logf("connect --tls without gcm(aes):\n%s", r)
	if r.code != 1 || !strings.Contains(r.stderr, "the kernel has no gcm(aes) cipher and 'modprobe gcm' failed") ||
		!strings.Contains(r.stderr, "nothing was written") {
		t.Errorf("connect --tls without gcm(aes): want exit 1 naming the cipher and 'modprobe gcm':\n%s", r)
	}
	if cs := controllers(t); len(cs) != 0 {
		t.Errorf("connect --tls without gcm(aes) left controllers %+v", cs)
		disconnectAllKernel()
	}

	// The modules back on disk but not loaded, and the kernel's modprobe
	// helper restored: the preflight's question loads what provides
	// gcm(aes), and the connect goes on.
	modprobeOn()
	unhide()
	r = gonvme(t, args...)
	mustOK(t, r, "connect --tls with the cipher modules loadable")
	crypto, _ = os.ReadFile("/proc/crypto")
	if !strings.Contains(string(crypto), "gcm(aes)") {
		t.Errorf("no gcm(aes) in /proc/crypto after connect --tls")
	}
	disconnectAllKernel()
}

func kernelHasTLS() bool {
	opts, _ := os.ReadFile("/dev/nvme-fabrics")
	return strings.Contains(string(opts), "tls")
}

// tlsReady sets up the TLS target and tlshd, and inserts tlsHost's PSK;
// the function returned stops tlshd (so does the test's end).
func tlsReady(t *testing.T) func() {
	tlsTarget(t)
	stop := startTLSHD(t, ".nvme")
	mustOK(t, gonvme(t, "gen-tls-key", "-s", tlsSecret, "-n", tlsHost, "-c", nqnTLS, "-i"), "gen-tls-key --insert")
	return stop
}

// kernelModprobeOff points the kernel's modprobe helper nowhere, so that
// the kernel loads no module by itself; the function returned puts it back
// (more calls do nothing).
func kernelModprobeOff(t *testing.T) func() {
	const helper = "/proc/sys/kernel/modprobe"
	old, err := os.ReadFile(helper)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(helper, []byte("/nonexistent/modprobe\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	return func() { once.Do(func() { os.WriteFile(helper, old, 0o644) }) }
}

// hideModules renames module files (relative to the running kernel's
// /lib/modules/RELEASE/kernel) so that modprobe cannot find them; the
// function returned renames them back (more calls do nothing).
func hideModules(t *testing.T, rel ...string) func() {
	var uts unix.Utsname
	unix.Uname(&uts)
	dir := "/lib/modules/" + unix.ByteSliceToString(uts.Release[:]) + "/kernel/"
	var hidden []string
	var once sync.Once
	back := func() {
		once.Do(func() {
			for _, ko := range hidden {
				os.Rename(ko+".hidden", ko)
			}
		})
	}
	for _, r := range rel {
		if err := os.Rename(dir+r, dir+r+".hidden"); err != nil {
			back()
			t.Fatalf("hiding %s: %v", r, err)
		}
		hidden = append(hidden, dir+r)
	}
	return back
}

// rmmodWait unloads module m, trying for five seconds while it is in use.
func rmmodWait(t *testing.T, m string) {
	var out []byte
	var err error
	for i := 0; i < 50; i++ {
		if out, err = exec.Command("rmmod", m).CombinedOutput(); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("rmmod %s: %v %s", m, err, out)
}
