package nvmf

import (
	"errors"
	"fmt"
	"sync"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/keyring"
	"github.com/gonvme/gonvme/tlspsk"
)

// DefaultTLSKeyring is the kernel keyring NVMe/TCP TLS PSKs live in.
const DefaultTLSKeyring = ".nvme"

// keyringModule is the kernel module whose init creates the .nvme keyring.
const keyringModule = "nvme-keyring"

// ErrBadPSK says a PSK to insert is not valid in interchange form, or no
// TLS PSK derives from it for the connect's host and subsystem.
var ErrBadPSK = errors.New("not a usable TLS PSK")

// TLSKeyring returns the serial of the keyring described name: one the
// process possesses (a search from its session keyring), else one
// /proc/keys lists. With create, a missing .nvme keyring is made the only
// way it can be, by loading nvme-keyring (the kernel refuses add_key of a
// keyring whose description starts with '.'), which needs root. A keyring
// still missing matches keyring.ErrNotFound.
func (e *Edge) TLSKeyring(name string, create bool) (int, error) {
	ring, err := keyring.FindKeyring(e.FS, e.SearchKey, name)
	if !errors.Is(err, keyring.ErrNotFound) {
		return ring, err
	}
	if !create || name != DefaultTLSKeyring {
		return 0, fmt.Errorf("no keyring %q is visible in %s: for .nvme load the nvme-keyring module (modprobe nvme-keyring; Linux 6.7 and later) and run as root: %w",
			name, e.FS.Path(keyring.ProcKeys), err)
	}
	if lerr := e.loadModule(keyringModule); lerr != nil {
		return 0, fmt.Errorf("no %s keyring, and 'modprobe %s' failed (%v): this kernel has no NVMe TLS key support "+
			"(Linux 6.7 and later built with CONFIG_NVME_KEYRING, as NVMe/TCP TLS needs; Debian 12's 6.1 has none): %w",
			name, keyringModule, lerr, err)
	}
	ring, err = keyring.FindKeyring(e.FS, e.SearchKey, name)
	if err != nil {
		return 0, fmt.Errorf("'modprobe %s' succeeded but no %s keyring is visible in %s (run as root): %w",
			keyringModule, name, e.FS.Path(keyring.ProcKeys), err)
	}
	return ring, nil
}

// PSK is a TLS PSK in interchange form ("NVMeTLSkey-1:xx:<base64>:") for
// connects to use, with where it goes.
type PSK struct {
	Key string
	// Identity names a key already in the keyring to use instead, or the
	// identity to insert a derived (hash 01, 02) Key under; empty: the
	// version 1 identity derived for the connect's host and subsystem.
	Identity string
	// Keyring is the keyring's description; empty: the connect's Keyring
	// serial, else .nvme (created when missing, see TLSKeyring).
	Keyring string
}

// PendingPSK is the key a dry run of Insert would have inserted.
type PendingPSK struct {
	Identity string
	Keyring  int
}

// PSKInserter puts PSKs into a kernel keyring for the connects that use
// them, as libnvme imports a controller's tls_key, and inserts each
// identity once: inserting an identity again would revoke the key a
// controller connected before uses. Use one for a run of connects (a
// connect-all); it is safe for concurrent use. The zero value is not
// ready: set Edge.
type PSKInserter struct {
	Edge *Edge

	mu   sync.Mutex
	done map[string]int // identity → serial
}

// Insert puts k into its keyring for o's host (HostNQN) and subsystem
// (NQN) and sets o.Keyring and o.TLSKey to the serials: a key already in
// the keyring under k.Identity is used as it is; a configured PSK (hash
// 00) or one without an identity is derived (retained PSK, then the TLS
// PSK of a version 1 identity) and inserted under the derived identity;
// otherwise the PSK goes in as it is under k.Identity. With dry nothing is
// inserted: a key already there is used, else o is left alone and pending
// says what a connect would insert. A kernel without the tls_key
// option is refused (*fabrics.UnsupportedError) before anything is done;
// a bad PSK matches ErrBadPSK. The PSK never appears in an error.
func (p *PSKInserter) Insert(o *fabrics.Options, k PSK, dry bool) (pending *PendingPSK, err error) {
	e := p.Edge
	key, err := tlspsk.Parse(k.Key)
	if err != nil {
		return nil, fmt.Errorf("tls_key: %w in interchange form: %w", ErrBadPSK, err)
	}
	sup, err := e.Kernel.Probe()
	if err != nil {
		return nil, err
	}
	if sup != nil && !sup["tls_key"] {
		return nil, fmt.Errorf("a TLS PSK to insert: %w; nothing was inserted or written", &fabrics.UnsupportedError{Option: "tls_key"})
	}
	var ring int
	switch {
	case k.Keyring != "":
		ring, err = e.TLSKeyring(k.Keyring, !dry)
	case o.Keyring != nil:
		ring = *o.Keyring
	default:
		ring, err = e.TLSKeyring(DefaultTLSKeyring, !dry)
	}
	if err != nil {
		return nil, fmt.Errorf("inserting the TLS PSK: %w", err)
	}
	use := func(serial int) (*PendingPSK, error) {
		o.Keyring, o.TLSKey = fabrics.Int(ring), fabrics.Int(serial)
		return nil, nil
	}
	if k.Identity != "" {
		if serial, err := e.SearchKey(ring, "psk", k.Identity); err == nil {
			return use(serial)
		}
	}
	desc, payload := k.Identity, key.Secret
	if key.Hash == tlspsk.None || k.Identity == "" {
		d, err := tlspsk.Derive(key, tlspsk.Params{HostNQN: o.HostNQN, SubsysNQN: o.NQN, Version: 1})
		if err != nil {
			return nil, fmt.Errorf("deriving the TLS PSK for host %s and subsystem %s: %w: %w", o.HostNQN, o.NQN, ErrBadPSK, err)
		}
		desc, payload = d.Identity, d.PSK
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if serial, ok := p.done[desc]; ok {
		return use(serial)
	}
	if dry {
		if serial, err := e.SearchKey(ring, "psk", desc); err == nil {
			return use(serial)
		}
		return &PendingPSK{Identity: desc, Keyring: ring}, nil
	}
	serial, err := e.UpdateKey(ring, "psk", desc, payload)
	if err != nil {
		return nil, fmt.Errorf("inserting the TLS PSK %q: %w", desc, err)
	}
	if p.done == nil {
		p.done = map[string]int{}
	}
	p.done[desc] = serial
	return use(serial)
}
