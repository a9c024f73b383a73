//go:build e2e

package e2e

import (
	"os"
	"strings"
	"testing"
)

// TestDoctorTLS: doctor --tls on 6.12 and 7.x with the TLS target, tlshd
// and a PSK in place reports each TLS need ok (exit 0 for the host), the
// PSK of the subsystem asked, the discovery controller's missing PSK and,
// once inserted, the whole path ok (exit 0); a subsystem without a PSK
// and a stopped tlshd as failed. On 6.1 it fails on the kernel. -t rdma
// --tls is bad usage.
func TestDoctorTLS(t *testing.T) {
	clean(t)
	if r := gonvme(t, "doctor", "-t", "rdma", "--tls"); r.code != 2 || !strings.Contains(r.stderr, "--tls is for tcp") {
		t.Errorf("doctor -t rdma --tls:\n%s", r)
	}
	if !kernelHasTLS() {
		r := doctorOut(t, "--tls", "-t", "tcp")
		wantLine(t, r, "tls", "kernel", "fail", "this kernel has no NVMe/TCP TLS")
		if r.code != 1 {
			t.Errorf("doctor --tls on kernel %s: exit %d, want 1", os.Getenv("GONVME_E2E_KERNEL"), r.code)
		}
		return
	}
	stop := tlsReady(t)
	r := doctorOut(t, "--tls", "-t", "tcp", "-q", tlsHost)
	for _, n := range []string{"kernel", "tls module", "cipher gcm(aes)", "tlshd", "keyring .nvme"} {
		wantLine(t, r, "tls", n, "ok")
	}
	wantLine(t, r, "tls", "tlshd", "ok", "tlshd.conf links .nvme")
	wantLine(t, r, "tls", "psk", "ok", "1 PSK(s) for host "+tlsHost)
	if r.code != 0 {
		t.Errorf("doctor --tls of a host ready for TLS: exit %d, want 0", r.code)
	}

	path := []string{"--tls", "-t", "tcp", "-a", tcpAddr, "-s", tlsSvc, "-q", tlsHost}
	r = doctorOut(t, append(path, "-n", nqnTLS)...)
	wantLine(t, r, "tls", "psk", "ok", "for subsystem "+nqnTLS+": identity NVMe0R01")
	// The port requires TLS for discovery too, with a PSK of its own.
	wantLine(t, r, "target", "discovery", "fail", "no valid PSK found",
		"needs a PSK of its own: gonvme check-tls-key --insert -n "+tlsHost+" -c nqn.2014-08.org.nvmexpress.discovery")
	mustOK(t, gonvme(t, "gen-tls-key", "-s", tlsSecret, "-n", tlsHost, "-c", "nqn.2014-08.org.nvmexpress.discovery", "-i"), "gen-tls-key --insert for discovery")
	r = doctorOut(t, append(path, "-n", nqnTLS)...)
	for _, n := range []string{"discovery", "subsystem offered", "host allowed"} {
		wantLine(t, r, "target", n, "ok")
	}
	if r.code != 0 {
		t.Errorf("doctor --tls of a healthy TLS target: exit %d, want 0", r.code)
	}
	r = doctorOut(t, append(path, "-n", nqnA)...)
	wantLine(t, r, "tls", "psk", "fail", "no PSK for host "+tlsHost+" and subsystem "+nqnA, "gen-tls-key --insert -n "+tlsHost+" -c "+nqnA)
	if r.code != 1 {
		t.Errorf("doctor --tls for a subsystem without a PSK: exit %d, want 1", r.code)
	}
	if strings.Contains(r.stdout+r.stderr, "NVMeTLSkey") || strings.Contains(r.stdout+r.stderr, tlsSecret[16:]) {
		t.Errorf("doctor printed a PSK:\n%s", r)
	}

	stop()
	r = doctorOut(t, "--tls", "-t", "tcp", "-q", tlsHost)
	wantLine(t, r, "tls", "tlshd", "fail", "no tlshd process", "systemctl enable --now tlshd")
	if r.code != 1 {
		t.Errorf("doctor --tls without tlshd: exit %d, want 1", r.code)
	}

	// trixie's tlshd (ktls-utils 1.0) links .nvme with an empty keyrings=
	// too: doctor says so without failing, and a TLS connect works.
	startTLSHD(t, "")
	r = doctorOut(t, "--tls", "-t", "tcp", "-q", tlsHost)
	wantLine(t, r, "tls", "tlshd", "ok", "links no .nvme keyring (ktls-utils 1.0 and later link .nvme themselves")
	mustOK(t, gonvme(t, "connect", "-t", "tcp", "-a", tcpAddr, "-s", tlsSvc, "-n", nqnTLS, "-q", tlsHost, "--tls"), "connect --tls, tlshd without keyrings=.nvme")
	disconnectAllKernel()
}
