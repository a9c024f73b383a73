package keyring

import (
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// Update puts a key of type keyType, description desc and payload into
// keyring ring, revoking a key of that type and description already
// there, and returns the new key's serial. Like libnvme it first links
// ring into the session keyring (see Link), which gives possession of the
// keys it adds.
func Update(ring int, keyType, desc string, payload []byte) (int, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := Link(ring); err != nil {
		return 0, err
	}
	if old, err := unix.KeyctlSearch(ring, keyType, desc, 0); err == nil {
		if _, err := unix.KeyctlInt(unix.KEYCTL_REVOKE, old, 0, 0, 0); err != nil {
			return 0, fmt.Errorf("revoking the %s key %08x with that description: %w%s", keyType, old, err, hint(err))
		}
	}
	id, err := unix.AddKey(keyType, desc, payload, ring)
	if err != nil {
		return 0, fmt.Errorf("adding a %s key to keyring %d: %w%s", keyType, ring, err, hint(err))
	}
	return id, nil
}

func hint(err error) string {
	switch {
	case errors.Is(err, unix.ENODEV):
		return " (the kernel has no such key type: the psk type comes with the nvme-keyring module, Linux 6.7 and later with CONFIG_NVME_KEYRING)"
	case errors.Is(err, unix.EACCES), errors.Is(err, unix.EPERM):
		return " (the .nvme keyring is root's: run as root)"
	case errors.Is(err, unix.EDQUOT):
		return " (the user's key quota is full: see /proc/key-users)"
	case errors.Is(err, unix.EINVAL):
		return " (the kernel refused the payload or description for this key type)"
	}
	return ""
}
