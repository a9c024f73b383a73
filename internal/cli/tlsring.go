package cli

import (
	"errors"
	"fmt"

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

// findTLSKeyring returns the serial of the keyring described name
// (nvmf.Edge.TLSKeyring); with create, a missing .nvme keyring is made by
// loading nvme-keyring, which a user who is not root is told to leave to
// root.
func (env *Env) findTLSKeyring(name string, create bool) (int, error) {
	if err := env.mayCreateKeyring(name, create); err != nil {
		return 0, err
	}
	return env.Edge.TLSKeyring(name, create)
}

// mayCreateKeyring refuses, for a user who is not root, to create the
// missing .nvme keyring: only root may load nvme-keyring.
func (env *Env) mayCreateKeyring(name string, create bool) error {
	if !create || name != defaultTLSKeyring || env.IsRoot == nil || env.IsRoot() {
		return nil
	}
	_, err := keyring.FindKeyring(env.FS, env.Edge.SearchKey, name)
	if errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("no %s keyring is visible in %s: run as root (it is root's; as root gonvme loads nvme-keyring, which creates it): %w",
			name, env.FS.Path(keyring.ProcKeys), err)
	}
	return nil
}
