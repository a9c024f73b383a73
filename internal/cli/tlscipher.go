package cli

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/internal/kcrypto"
)

// tlsAEAD is the cipher kernel TLS seals the records with after tlshd's
// handshake: AES-GCM comes first in every cipher suite list tlshd offers for
// an NVMe PSK (TLS_AES_128_GCM_SHA256 for SHA-256 PSKs,
// TLS_AES_256_GCM_SHA384 for SHA-384), so the peers agree on it and the
// kernel must have it. aesni-intel provides it, or the gcm module builds it
// from aes, ctr and ghash.
const tlsAEAD = "gcm(aes)"

// cipherMissing reports that the kernel cannot allocate tlsAEAD, with the
// allocation's error. It says so only when it knows: /proc/crypto lists
// the cipher once something allocated it; when it does not, the kernel is
// asked (AF_ALG), which needs algif_aead. load says it may load that
// module; otherwise it must already be loaded (a failure's explanation
// changes nothing). Without /proc/crypto or a way to ask, it reports false.
func (env *Env) cipherMissing(load bool) (bool, error) {
	b, err := env.FS.ReadFile(kcrypto.ProcCrypto)
	if err != nil || kcrypto.Lists(b, tlsAEAD, "aead") {
		return false, nil
	}
	if load {
		if env.loadModule("algif_aead") != nil {
			return false, nil
		}
	} else if !env.exists("/sys/module/algif_aead") {
		return false, nil
	}
	err = env.allocCipher(tlsAEAD)
	return errors.Is(err, syscall.ENOENT), err
}

func (env *Env) allocCipher(name string) error {
	if env.AllocCipher != nil {
		return env.AllocCipher(name, "aead")
	}
	return kcrypto.Allocate(name, "aead")
}

// requireTLSCipher refuses a --tls connect the kernel could not carry out
// after the handshake because it has no AES-GCM: it loads gcm first (the
// kernel would try the same when kernel TLS asks for the cipher), and names
// the modules when that does not help. Nothing is written to the kernel.
func (env *Env) requireTLSCipher(o fabrics.Options) error {
	if !o.TLS || o.Transport != "tcp" {
		return nil
	}
	missing, err := env.cipherMissing(true)
	if !missing {
		return nil
	}
	lerr := env.loadModule("gcm")
	if lerr == nil {
		if missing, err = env.cipherMissing(false); !missing {
			return nil
		}
	}
	why := "'modprobe gcm' failed (" + fmt.Sprint(lerr) + ")"
	if lerr == nil {
		why = "'modprobe gcm' did not provide it (" + err.Error() + ")"
	}
	return fmt.Errorf("connect --tls: the kernel has no %s cipher and %s: "+
		"kernel TLS seals the NVMe/TCP records with it after tlshd's handshake, so the connect would fail; "+
		"install and load gcm and aesni-intel (or the generic aes, ctr and ghash), and load them at boot (/etc/modules-load.d); nothing was written: %w",
		tlsAEAD, why, err)
}

// tlsCipherNote explains a failed --tls connect (connect-all's too, which
// has no preflight per path) on a kernel that cannot allocate AES-GCM.
func (env *Env) tlsCipherNote(err error, o fabrics.Options) string {
	var ke *fabrics.KernelError
	if !errors.As(err, &ke) || ke.Op != "connect" || o.Transport != "tcp" || !o.TLS {
		return ""
	}
	if missing, _ := env.cipherMissing(false); !missing {
		return ""
	}
	return "the kernel has no " + tlsAEAD + " cipher, which kernel TLS seals the records with after the handshake " +
		"(tlshd logs \"The kernel does not support the requested algorithm\"): run 'modprobe gcm' (and aesni-intel), and load them at boot (/etc/modules-load.d)"
}
