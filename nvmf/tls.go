package nvmf

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/internal/kcrypto"
	"github.com/gonvme/gonvme/internal/kmod"
)

// ErrTLSUnavailable: the kernel cannot carry a TLS connection, because its
// TLS layer (the tls module) or the cipher kernel TLS seals the records
// with (AES-GCM) is missing and could not be loaded. A *TLSError says which.
var ErrTLSUnavailable = errors.New("the kernel cannot carry NVMe/TCP TLS")

// TLSCipher is the cipher kernel TLS seals the records with after tlshd's
// handshake: AES-GCM comes first in every cipher suite list tlshd offers
// for an NVMe PSK, so both peers pick it and the kernel must have it.
const TLSCipher = "gcm(aes)"

// TLSError is a TLS connect CheckTLS refused before anything was written.
type TLSError struct {
	// Missing is what the kernel lacks: "tls" (the module, no tls_stat
	// under Proc) or TLSCipher.
	Missing string
	// Proc is the path of /proc/net/tls_stat that was missing.
	Proc string
	// Load is the failure of the modprobe that should have provided it;
	// nil when modprobe ran and the kernel still lacked it.
	Load error
	// Cause is the kernel's answer to the allocation of TLSCipher.
	Cause error
}

func (e *TLSError) Error() string {
	if e.Missing == "tls" {
		why := fmt.Sprintf("'modprobe tls' failed (%v)", e.Load)
		if e.Load == nil {
			why = "'modprobe tls' did not load it"
		}
		return fmt.Sprintf("the kernel's TLS layer is not loaded (no %s) and %s: "+
			"tlshd cannot hand the TLS session to the kernel without it; install and load the tls module (CONFIG_TLS) and the AEAD ciphers (gcm, ccm), "+
			"and load them at boot (/etc/modules-load.d); nothing was written", e.Proc, why)
	}
	why := fmt.Sprintf("'modprobe gcm' failed (%v)", e.Load)
	if e.Load == nil {
		why = fmt.Sprintf("'modprobe gcm' did not provide it (%v)", e.Cause)
	}
	return fmt.Sprintf("the kernel has no %s cipher and %s: kernel TLS seals the NVMe/TCP records with it after tlshd's handshake, so the connect would fail; "+
		"install and load gcm and aesni-intel (or the generic aes, ctr and ghash), and load them at boot (/etc/modules-load.d); nothing was written", e.Missing, why)
}

// Is matches ErrTLSUnavailable.
func (e *TLSError) Is(target error) bool { return target == ErrTLSUnavailable }

// Unwrap returns the modprobe failure, else the allocation's error.
func (e *TLSError) Unwrap() error {
	if e.Load != nil {
		return e.Load
	}
	return e.Cause
}

// CheckTLS readies the kernel for a TLS connect of o (a tcp connect with
// TLS set) and refuses one it could not carry out. It loads the tls module
// when /proc/net/tls_stat is missing, and loads gcm when the kernel cannot
// allocate TLSCipher (asked through AF_ALG, the lookup kernel TLS makes,
// when /proc/crypto does not list it): the kernel would try the same
// itself, too late to say why. Where it cannot tell (no /proc, no AF_ALG),
// it lets the connect go on. Connect and the discovery walks call it.
func (e *Edge) CheckTLS(o fabrics.Options) error {
	if !o.TLS || o.Transport != "tcp" {
		return nil
	}
	if e.TLSLayerMissing() {
		err := e.loadModule("tls")
		if err != nil || e.TLSLayerMissing() {
			return &TLSError{Missing: "tls", Proc: e.FS.Path("/proc/net/tls_stat"), Load: err}
		}
	}
	st, cause := e.cipherState(true)
	if st != CipherMissing {
		return nil
	}
	lerr := e.loadModule("gcm")
	if lerr == nil {
		if st, cause = e.cipherState(false); st != CipherMissing {
			return nil
		}
	}
	return &TLSError{Missing: TLSCipher, Load: lerr, Cause: cause}
}

// TLSLayerMissing reports that the kernel's TLS layer is not loaded:
// /proc/net is visible but has no tls_stat, which the tls module creates.
func (e *Edge) TLSLayerMissing() bool {
	return e.exists("/proc/net/dev") && !e.exists("/proc/net/tls_stat")
}

// CipherState is what the kernel says of TLSCipher.
type CipherState int

const (
	// CipherUnknown: not listed in /proc/crypto, and the kernel could not
	// be asked (no /proc/crypto, or no algif_aead for AF_ALG).
	CipherUnknown CipherState = iota
	// CipherPresent: listed in /proc/crypto, or allocated when asked.
	CipherPresent
	// CipherMissing: asked, the kernel has none.
	CipherMissing
)

// TLSCipherState tells whether the kernel has TLSCipher without loading
// anything: for doctor, a dry run, and explaining a failed TLS connect
// (connect-all's paths, whose failures come after the fact).
func (e *Edge) TLSCipherState() CipherState {
	st, _ := e.cipherState(false)
	return st
}

// cipherState tells whether the kernel has TLSCipher, with the
// allocation's error. /proc/crypto lists the cipher once something
// allocated it; when it does not, the kernel is asked through AF_ALG,
// which needs algif_aead: load says it may be loaded, else it must be
// already.
func (e *Edge) cipherState(load bool) (CipherState, error) {
	b, err := e.FS.ReadFile(kcrypto.ProcCrypto)
	switch {
	case err != nil:
		return CipherUnknown, nil
	case kcrypto.Lists(b, TLSCipher, "aead"):
		return CipherPresent, nil
	}
	if load {
		if e.loadModule("algif_aead") != nil {
			return CipherUnknown, nil
		}
	} else if !e.exists("/sys/module/algif_aead") {
		return CipherUnknown, nil
	}
	alloc := e.AllocCipher
	if alloc == nil {
		alloc = kcrypto.Allocate
	}
	switch err = alloc(TLSCipher, "aead"); {
	case err == nil:
		return CipherPresent, nil
	case errors.Is(err, syscall.ENOENT):
		return CipherMissing, err
	}
	return CipherUnknown, err
}

func (e *Edge) loadModule(name string) error {
	if e.LoadModule != nil {
		return e.LoadModule(name)
	}
	return kmod.Load(name)
}

func (e *Edge) exists(abs string) bool {
	_, err := os.Stat(e.FS.Path(abs))
	return err == nil
}
