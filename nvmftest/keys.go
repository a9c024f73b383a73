package nvmftest

import (
	"fmt"
	"syscall"

	"github.com/gonvme/gonvme/keyring"
)

// updateKey adds a key as keyring.Update does, refusing as the kernel's
// add_key does: a ring that is not a keyring of the root's /proc/keys
// (ENOKEY, as keyring.ErrNotFound), a key type other than psk and user (ENODEV), an empty or
// over-long payload (EINVAL). The key gets the next serial and replaces
// one of the same type and description.
func (f *Fake) updateKey(ring int, keyType, desc string, payload []byte) (int, error) {
	b, _ := f.FS.ReadFile(keyring.ProcKeys)
	found := false
	for _, k := range keyring.ParseProcKeys(b) {
		found = found || (k.Serial == ring && k.Type == "keyring")
	}
	switch {
	case !found:
		return 0, fmt.Errorf("adding a %s key to keyring %d: %w", keyType, ring, keyring.ErrNotFound)
	case keyType != "psk" && keyType != "user":
		return 0, fmt.Errorf("adding a %s key to keyring %d: %w", keyType, ring, syscall.ENODEV)
	case len(payload) == 0 || len(payload) > 32767:
		return 0, fmt.Errorf("adding a %s key to keyring %d: %w", keyType, ring, syscall.EINVAL)
	}
	id := 0x10000000 + len(f.Payloads)
	f.Keys[KeyName(ring, keyType, desc)] = id
	f.Payloads[id] = append([]byte(nil), payload...)
	return id, nil
}
