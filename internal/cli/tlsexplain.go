package cli

import (
	"errors"
	"fmt"
	"strings"
	"syscall"

	"github.com/gonvme/gonvme/fabrics"
)

// Linux's ENOKEY and EKEYREJECTED, spelled out so that the module builds
// where package syscall lacks them.
const (
	errNoKey       = syscall.Errno(126)
	errKeyRejected = syscall.Errno(129)
)

// tlsNote explains the failures of an NVMe/TCP connect that are TLS's: a
// port that requires TLS reached without --tls, no PSK for the host and
// subsystem, no tlshd to run the handshake, a handshake refused. PSKs are
// named by identity only.
func tlsNote(err error, o fabrics.Options, lines []string) string {
	var ke *fabrics.KernelError
	if !errors.As(err, &ke) || ke.Op != "connect" || o.Transport != "tcp" {
		return ""
	}
	logged := func(s string) bool {
		for _, l := range lines {
			if strings.Contains(l, s) {
				return true
			}
		}
		return false
	}
	identity := fmt.Sprintf("NVMe0R01 %s %s", o.HostNQN, o.NQN)
	switch {
	case !o.TLS && ke.Errno == syscall.ECONNRESET && logged("failed to receive icresp"):
		return "the target dropped the connection before answering: a port that requires TLS does that to a connect without it; " +
			"connect with --tls, with a PSK for this host and subsystem in the .nvme keyring (gonvme gen-tls-key --insert, or check-tls-key --insert with the target's PSK)"
	case !o.TLS:
		return ""
	case ke.Errno == errNoKey || logged("no valid PSK found"):
		return fmt.Sprintf("no TLS PSK for host %s and subsystem %s: the kernel looks for identity %q (or NVMe0R02, NVMe1R0x …) in the .nvme keyring or --keyring; "+
			"insert it with 'gonvme check-tls-key --insert -n HOSTNQN -c SUBNQN -d <PSK in interchange form>' (or gen-tls-key --insert, and give the target the same PSK), or name one with --tls-key-identity",
			o.HostNQN, o.NQN, identity)
	case ke.Errno == syscall.ESRCH || logged("failed to start TLS: -3"):
		return "no TLS handshake daemon answered: start tlshd (ktls-utils: systemctl start tlshd; releases before 1.0 also need 'keyrings=.nvme' in the [authenticate] section of /etc/tlshd.conf); 'gonvme doctor --tls' checks the rest"
	case ke.Errno == errKeyRejected || ke.Errno == syscall.EACCES || logged("failed to start TLS") || logged("TLS handshake"):
		return "the TLS handshake failed: the target holds another PSK for this identity (check that both sides derived it from the same configured PSK, with the same --identity and --compat), " +
			"or tlshd could not use the key or the kernel lacks the tls module and AEAD ciphers (modprobe tls gcm ccm; see tlshd's log)"
	}
	return ""
}

// tlsModuleNote explains a failed --tls connect on a kernel without its TLS
// layer: tlshd does the handshake, then hands the session to the kernel
// (the tls ULP), which the tls module provides; its /proc/net/tls_stat is
// missing while the module is not loaded (the kernel tries to load it
// itself, through modprobe, when tlshd asks).
func (env *Env) tlsModuleNote(err error, o fabrics.Options) string {
	var ke *fabrics.KernelError
	if !errors.As(err, &ke) || ke.Op != "connect" || o.Transport != "tcp" || !o.TLS || !env.Edge.TLSLayerMissing() {
		return ""
	}
	return "the kernel's TLS layer is not loaded (no " + env.FS.Path("/proc/net/tls_stat") + "), and the kernel could not load it: " +
		"tlshd cannot hand the TLS session to the kernel without it; run 'modprobe tls' (and the AEAD ciphers: 'modprobe gcm ccm'), " +
		"and load them at boot (/etc/modules-load.d); a kernel without CONFIG_TLS cannot connect with --tls"
}
