package cli

import (
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/fabrics"
)

// The kernel lines are 7.2's (the e2e guest, TestTLSConnect) for each
// failure.
func TestTLSNote(t *testing.T) {
	tcp := fabrics.Options{Transport: "tcp", Traddr: "127.0.0.1", NQN: "nqn.2026-11.io.gonvme:e2e-tls", HostNQN: "nqn.2026-11.io.gonvme:h"}
	withTLS := tcp
	withTLS.TLS = true
	ke := func(e syscall.Errno) error {
		return fmt.Errorf("wrapped: %w", &fabrics.KernelError{Op: "connect", Errno: e})
	}
	tests := []struct {
		name  string
		err   error
		o     fabrics.Options
		lines []string
		want  string
	}{
		{"no --tls", ke(syscall.ECONNRESET), tcp, []string{"nvme_tcp: queue 0: failed to receive icresp, error -104"}, "connect with --tls"},
		{"reset, not TLS", ke(syscall.ECONNRESET), tcp, nil, ""},
		{"no PSK", ke(errNoKey), withTLS, []string{"nvme nvme0: no valid PSK found"},
			`no TLS PSK for host nqn.2026-11.io.gonvme:h and subsystem nqn.2026-11.io.gonvme:e2e-tls: the kernel looks for identity "NVMe0R01 nqn.2026-11.io.gonvme:h nqn.2026-11.io.gonvme:e2e-tls"`},
		{"no tlshd", ke(syscall.ESRCH), withTLS, []string{"nvme nvme0: queue 0: failed to start TLS: -3", "nvmet_tcp: failed to start TLS, err=-3"}, "start tlshd"},
		{"handshake", ke(errKeyRejected), withTLS, nil, "TLS handshake failed"},
		{"rdma", ke(errNoKey), fabrics.Options{Transport: "rdma", TLS: true}, nil, ""},
		{"not the kernel", fmt.Errorf("other"), withTLS, nil, ""},
	}
	for _, tt := range tests {
		got := tlsNote(tt.err, tt.o, tt.lines)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q; want %q", tt.name, got, tt.want)
		}
	}
}
