package cli

import (
	"errors"
	"fmt"

	"github.com/gonvme/gonvme/internal/kmod"
	"github.com/gonvme/gonvme/keyring"
)

// KeyOps are the kernel key operations tls-key needs beyond nvmf.Edge's
// SearchKey and UpdateKey.
type KeyOps interface {
	// List returns the keys in a keyring and the keyrings it links.
	List(ring int) ([]keyring.Key, error)
	// Read returns a key's payload; ring is the keyring it is in.
	Read(ring, key int) ([]byte, error)
	// Revoke revokes a key by type and description and returns its serial.
	Revoke(ring int, keyType, desc string) (int, error)
}

type kernelKeys struct{}

func (kernelKeys) List(ring int) ([]keyring.Key, error) { return keyring.List(ring) }
func (kernelKeys) Read(ring, key int) ([]byte, error)   { return keyring.Read(ring, key) }
func (kernelKeys) Revoke(ring int, keyType, desc string) (int, error) {
	return keyring.Revoke(ring, keyType, desc)
}

func (env *Env) keys() KeyOps {
	if env.Keys != nil {
		return env.Keys
	}
	return kernelKeys{}
}

// keyringModule is the kernel module whose init creates the .nvme keyring.
const keyringModule = "nvme-keyring"

// findTLSKeyring returns the serial of the keyring described name. With
// create, a missing .nvme keyring is made the only way it can be: by
// loading nvme-keyring (the kernel refuses add_key of a keyring whose
// description starts with '.'), then it is looked up again.
func (env *Env) findTLSKeyring(name string, create bool) (int, error) {
	ring, err := keyring.FindKeyring(env.FS, env.Edge.SearchKey, name)
	if !errors.Is(err, keyring.ErrNotFound) {
		return ring, err
	}
	if !create || name != defaultTLSKeyring {
		return 0, fmt.Errorf("no keyring %q is visible in %s: for .nvme load the nvme-keyring module (modprobe nvme-keyring; Linux 6.7 and later) and run as root: %w",
			name, env.FS.Path(keyring.ProcKeys), err)
	}
	if env.IsRoot != nil && !env.IsRoot() {
		return 0, fmt.Errorf("no %s keyring is visible in %s: run as root (it is root's; as root gonvme loads nvme-keyring, which creates it): %w",
			name, env.FS.Path(keyring.ProcKeys), err)
	}
	if lerr := env.loadModule(keyringModule); lerr != nil {
		return 0, fmt.Errorf("no %s keyring, and 'modprobe %s' failed (%v): this kernel has no NVMe TLS key support "+
			"(Linux 6.7 and later built with CONFIG_NVME_KEYRING, as NVMe/TCP TLS needs; Debian 12's 6.1 has none): %w",
			name, keyringModule, lerr, err)
	}
	ring, err = keyring.FindKeyring(env.FS, env.Edge.SearchKey, name)
	if err != nil {
		return 0, fmt.Errorf("'modprobe %s' succeeded but no %s keyring is visible in %s (run as root): %w",
			keyringModule, name, env.FS.Path(keyring.ProcKeys), err)
	}
	return ring, nil
}

func (env *Env) loadModule(name string) error {
	if env.LoadModule != nil {
		return env.LoadModule(name)
	}
	return kmod.Load(name)
}
