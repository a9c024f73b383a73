package cli

import (
	"fmt"
	"strings"
	"syscall"

	"github.com/gonvme/gonvme/fabrics"
)

// authNote says which key or setting a failed DH-HMAC-CHAP connect of o
// points at, from the errno and the host kernel's log lines; "" when the
// failure is not about authentication. A rejected host key is
// EKEYREJECTED, or EIO when the target drops the queue before the host
// reads its answer (seen on one vCPU): the log line "authentication
// failed" tells then.
func authNote(errno syscall.Errno, lines []string, o fabrics.Options) string {
	if l := hashOrGroupLine(lines); l != "" {
		return fmt.Sprintf("the kernel could not use the hash or DH group the target chose (%q): set the target's dhchap_hash to hmac(sha256), hmac(sha384) or hmac(sha512) "+
			"and dhchap_dhgroup to null or ffdhe2048 to ffdhe8192, and check that this kernel has the crypto modules for it (dh_generic)", l)
	}
	if o.TLS && anyContains(lines, "no valid PSK found") {
		return "" // a missing TLS PSK: tlsNote's
	}
	noKey := errno == fabrics.ErrnoNoKey || anyContains(lines, ": no key")
	failed := errno == fabrics.ErrnoKeyRejected || anyContains(lines, ": authentication failed")
	switch {
	case noKey && o.DHCHAPSecret == "", failed && o.DHCHAPSecret == "":
		return fmt.Sprintf("the target requires DH-HMAC-CHAP authentication from host %s: give its key with -S/--dhchap-secret "+
			"(or --dhchap-secret-file, or dhchap_key in config.json)", o.HostNQN)
	case failed && o.DHCHAPCtrlSecret != "" && anyContains(lines, "controller authentication failed"):
		return fmt.Sprintf("-C/--dhchap-ctrl-secret: this host authenticated, but the controller's answer did not match the controller key given: "+
			"it is not the controller key the target holds for host %s (nvmet: hosts/<hostnqn>/dhchap_ctrl_key), or the target has none", o.HostNQN)
	case failed:
		return fmt.Sprintf("-S/--dhchap-secret: the target rejected the host key: it is not the key the target holds for host %s "+
			"(nvmet: hosts/<hostnqn>/dhchap_key); 'gonvme check-dhchap-key' checks a key's form, not that it matches", o.HostNQN)
	}
	return ""
}

// hashOrGroupLine is the first host line about a hash or DH group the
// kernel could not use (drivers/nvme/host/auth.c).
func hashOrGroupLine(lines []string) string {
	for _, l := range lines {
		for _, p := range []string{"invalid HASH ID", "invalid hash length", "failed to allocate hash", "invalid DH group", "initializing DH group", "empty DH value", "invalid DH value"} {
			if strings.Contains(l, p) {
				return l
			}
		}
	}
	return ""
}

func anyContains(lines []string, s string) bool {
	for _, l := range lines {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}
