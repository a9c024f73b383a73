package cli

import (
	"strings"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/fabrics"
)

// Host kernel lines of failed keyed connects, as the 6.12.117 guest
// logged them (nvmet's own lines left out: a real target logs elsewhere).
var (
	wrongHostKeyLines = []string{
		"nvme nvme0: qid 0: authentication failed, error -129",
		"nvme nvme0: failed to connect queue: 0 ret=-129",
	}
	wrongCtrlKeyLines = []string{
		"nvme nvme0: qid 0: authenticated with hash hmac(sha256) dhgroup null",
		"nvme nvme0: qid 0: controller authentication failed",
		"nvme nvme0: qid 0: authentication failed, error -129",
		"nvme nvme0: failed to connect queue: 0 ret=-129",
	}
	// The same wrong host key on one vCPU: the target dropped the queue
	// first, the connect returned EIO.
	wrongHostKeyEIOLines = []string{
		"nvme nvme0: I/O tag 5 (0005) type 4 opcode 0x7f (Fabrics Cmd) QID 0 timeout",
		"nvme nvme0: failed to send request -32",
		"nvme nvme0: qid 0 auth_send failed with status 880",
		"nvme nvme0: qid 0 failed to receive success1, nvme status 880",
		"nvme nvme0: qid 0: authentication failed, error 880",
		"nvme nvme0: failed to connect queue: 0 ret=880",
	}
	noKeyLines = []string{
		"nvme nvme0: qid 0: no key",
		"nvme nvme0: qid 0: authentication setup failed",
		"nvme nvme0: failed to connect queue: 0 ret=-126",
	}
)

func TestAuthNote(t *testing.T) {
	o := fabrics.Options{HostNQN: "nqn.2026-11.io.gonvme:h1", DHCHAPSecret: hostKeyA}
	bidi := o
	bidi.DHCHAPCtrlSecret = ctrlKeyA
	none := fabrics.Options{HostNQN: o.HostNQN}
	cases := []struct {
		name  string
		errno syscall.Errno
		lines []string
		o     fabrics.Options
		want  string
	}{
		{"wrong host key", fabrics.ErrnoKeyRejected, wrongHostKeyLines, o, "-S/--dhchap-secret: the target rejected the host key: it is not the key the target holds for host nqn.2026-11.io.gonvme:h1"},
		{"wrong host key, -C given", fabrics.ErrnoKeyRejected, wrongHostKeyLines, bidi, "-S/--dhchap-secret: the target rejected"},
		{"wrong controller key", fabrics.ErrnoKeyRejected, wrongCtrlKeyLines, bidi, "-C/--dhchap-ctrl-secret: this host authenticated, but the controller's answer did not match"},
		{"no key given", fabrics.ErrnoNoKey, noKeyLines, none, "requires DH-HMAC-CHAP authentication from host nqn.2026-11.io.gonvme:h1: give its key with -S/--dhchap-secret"},
		{"wrong host key, EIO", syscall.EIO, wrongHostKeyEIOLines, o, "-S/--dhchap-secret: the target rejected the host key"},
		{"no log (no root)", fabrics.ErrnoKeyRejected, nil, o, "-S/--dhchap-secret"},
		{"unusable DH group", fabrics.ErrnoKeyRejected, []string{"nvme nvme0: qid 0: error -2 initializing DH group ffdhe8192"}, o, "could not use the hash or DH group"},
		{"unrelated", syscall.EIO, nil, o, ""},
	}
	for _, c := range cases {
		got := authNote(c.errno, c.lines, c.o)
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("%s: authNote = %q, want %q", c.name, got, c.want)
		}
	}
}

// ENOKEY under --tls with the kernel's "no valid PSK found" is a missing
// TLS PSK (tlsNote's), not a missing DH-HMAC-CHAP key.
func TestAuthNoteLeavesMissingPSKToTLS(t *testing.T) {
	o := fabrics.Options{Transport: "tcp", NQN: "nqn.2026-11.io.gonvme:e2e-tls", HostNQN: "nqn.2026-11.io.gonvme:no-psk", TLS: true}
	if note := authNote(fabrics.ErrnoNoKey, []string{"nvme nvme0: no valid PSK found"}, o); note != "" {
		t.Fatalf("authNote = %q, want none", note)
	}
}
