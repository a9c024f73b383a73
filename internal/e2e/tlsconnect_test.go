//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gonvme/gonvme/nvmet"
)

const (
	nqnTLS  = "nqn.2026-11.io.gonvme:e2e-tls"
	tlsPort = 9
	tlsSvc  = "4430"
)

// tlsTarget makes subsystem nqnTLS, served only through TCP port 9 with
// TLS 1.3 required (addr_tsas tls1.3, addr_treq required).
func tlsTarget(t *testing.T) {
	t.Helper()
	if err := target.CreateSubsystem(nvmet.Subsystem{NQN: nqnTLS, AllowAnyHost: true}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = target.RemoveSubsystem(nqnTLS) })
	if err := target.CreatePort(tlsPort, nvmet.Addr{Trtype: "tcp", Adrfam: "ipv4", Traddr: tcpAddr, Trsvcid: tlsSvc}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(target.Root(), "nvmet", "ports", "9")
	for _, kv := range [][2]string{{"addr_tsas", "tls1.3"}, {"addr_treq", "required"}} {
		if err := os.WriteFile(filepath.Join(dir, kv[0]), []byte(kv[1]), 0o644); err != nil {
			t.Fatalf("port %d %s=%s: %v", tlsPort, kv[0], kv[1], err)
		}
	}
	if err := target.Link(tlsPort, nqnTLS); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = target.RemovePort(tlsPort) })
}

// startTLSHD runs the guest's tlshd with the .nvme keyring; the returned
// function stops it.
func startTLSHD(t *testing.T, keyrings string) func() {
	t.Helper()
	conf := filepath.Join(t.TempDir(), "tlshd.conf")
	if err := os.WriteFile(conf, []byte("[debug]\nloglevel=1\ntls=0\nnl=0\n[authenticate]\nkeyrings="+keyrings+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/usr/sbin/tlshd", "-s", "-c", conf)
	log, _ := os.Create(filepath.Join(t.TempDir(), "tlshd.log"))
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting tlshd: %v", err)
	}
	// tlshd logs its last priority string when set up, just before it
	// joins the kernel's handshake multicast group: wait for that line (a
	// slow guest takes longer than a fixed pause), then a moment more.
	for i := 0; i < 100; i++ {
		if b, _ := os.ReadFile(log.Name()); strings.Contains(string(b), "PSK SHA384 priority string") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		b, _ := os.ReadFile(log.Name())
		t.Logf("tlshd log:\n%s", b)
	}
	t.Cleanup(stop)
	return stop
}

// TestTLSConnect: on 6.12 and 7.x, connect --tls to a port that requires
// TLS 1.3 succeeds with the PSK gonvme generated and inserted (the
// controller shows its serial as tls_key); a PSK the target does not hold,
// no PSK, no --tls and a stopped tlshd are each refused and explained. 6.1
// has no NVMe/TCP TLS.
func TestTLSConnect(t *testing.T) {
	clean(t)
	opts, _ := os.ReadFile("/dev/nvme-fabrics")
	if !strings.Contains(string(opts), "tls") {
		r := gonvme(t, "connect", "-t", "tcp", "-a", tcpAddr, "-s", tlsSvc, "-n", nqnTLS, "--tls")
		t.Logf("kernel %s has no NVMe/TCP TLS:\n%s", os.Getenv("GONVME_E2E_KERNEL"), r)
		if r.code != 2 || !strings.Contains(r.stderr, "does not support option tls: this kernel has no NVMe/TCP TLS") {
			t.Errorf("connect --tls on a kernel without TLS:\n%s", r)
		}
		return
	}
	tlsTarget(t)
	stop := startTLSHD(t, ".nvme")
	conn := func(host string, extra ...string) result {
		r := gonvme(t, append([]string{"connect", "-t", "tcp", "-a", tcpAddr, "-s", tlsSvc, "-n", nqnTLS, "-q", host}, extra...)...)
		t.Logf("connect -q %s %q:\n%s", host, extra, r)
		if strings.Contains(r.stdout+r.stderr, tlsSecret[16:]) || strings.Contains(r.stdout+r.stderr, "NVMeTLSkey") {
			t.Errorf("connect %q printed a PSK:\n%s", extra, r)
		}
		return r
	}
	refused := func(r result, what string, want ...string) {
		t.Helper()
		ok := r.code == 1
		for _, w := range want {
			ok = ok && strings.Contains(r.stderr, w)
		}
		if !ok {
			t.Errorf("%s: want exit 1 and %q:\n%s", what, want, r)
		}
		if cs := controllers(t); len(cs) != 0 {
			t.Errorf("%s left controllers %+v", what, cs)
			disconnectAllKernel()
		}
	}

	g := gonvme(t, "gen-tls-key", "-s", tlsSecret, "-n", tlsHost, "-c", nqnTLS, "-i")
	mustOK(t, g, "gen-tls-key --insert")
	serial := insertedSerial(t, g)
	if r := conn(tlsHost, "--tls"); r.code != 0 {
		t.Errorf("connect --tls with the PSK gonvme inserted:\n%s", r)
	}
	cs := controllers(t)
	if len(cs) != 1 || readAttr(filepath.Join("/sys/class/nvme", cs[0].Name), "tls_key") != fmt.Sprintf("%08x", serial) {
		t.Errorf("controllers %+v: want one whose tls_key is %08x", cs, serial)
	}
	disconnectAllKernel()

	// The same identity in another keyring with another PSK, which
	// tlshd's server side (.nvme) does not have.
	ring, wrong, err := addForeignPSK("gonvme-e2e-foreign", "NVMe0R01 "+tlsHost+" "+nqnTLS, []byte(strings.Repeat("x", 32)))
	if err != nil {
		t.Fatalf("adding the foreign PSK: %v", err)
	}
	defer dropTestKeys(ring)
	refused(conn(tlsHost, "--tls", "--tls-key", strconv.Itoa(wrong)), "connect --tls with a PSK the target does not hold", "TLS handshake failed")
	refused(conn(tlsHost), "connect without --tls to a port that requires TLS", "connect with --tls")
	refused(conn("nqn.2026-11.io.gonvme:no-psk", "--tls"), "connect --tls without a PSK", "no TLS PSK for host nqn.2026-11.io.gonvme:no-psk")
	stop()
	refused(conn(tlsHost, "--tls"), "connect --tls without tlshd", "start tlshd")
}

// insertedSerial is the serial an "Inserted TLS key %08x" line names.
func insertedSerial(t *testing.T, r result) int {
	t.Helper()
	_, h, _ := strings.Cut(r.stdout, "Inserted TLS key ")
	n, err := strconv.ParseUint(strings.TrimSpace(h), 16, 31)
	if err != nil {
		t.Fatalf("no serial in %q", r.stdout)
	}
	return int(n)
}
