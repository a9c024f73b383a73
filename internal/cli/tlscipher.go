package cli

import (
	"errors"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nvmf"
)

// tlsCipherNote explains a failed --tls connect (connect-all's too, whose
// paths fail after the fact) on a kernel that cannot allocate the cipher
// kernel TLS seals the records with (nvmf.TLSCipher).
func (env *Env) tlsCipherNote(err error, o fabrics.Options) string {
	var ke *fabrics.KernelError
	if !errors.As(err, &ke) || ke.Op != "connect" || o.Transport != "tcp" || !o.TLS || env.Edge.TLSCipherState() != nvmf.CipherMissing {
		return ""
	}
	return "the kernel has no " + nvmf.TLSCipher + " cipher, which kernel TLS seals the records with after the handshake " +
		"(tlshd logs \"The kernel does not support the requested algorithm\"): run 'modprobe gcm' (and aesni-intel), and load them at boot (/etc/modules-load.d)"
}
