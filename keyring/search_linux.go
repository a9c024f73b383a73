package keyring

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Search returns the serial of the key of type keyType and description
// desc in keyring ring or the keyrings it links (KEYCTL_SEARCH). A missing
// key, or one revoked or expired, matches ErrNotFound.
func Search(ring int, keyType, desc string) (int, error) {
	id, err := unix.KeyctlSearch(ring, keyType, desc, 0)
	switch {
	case err == nil:
		return id, nil
	case errors.Is(err, unix.ENOKEY):
		return 0, fmt.Errorf("%s %q in keyring %d: %w", keyType, desc, ring, ErrNotFound)
	case errors.Is(err, unix.EKEYREVOKED), errors.Is(err, unix.EKEYEXPIRED):
		// Only the kernel's garbage collector has yet to remove it.
		return 0, fmt.Errorf("%s %q in keyring %d: %w (%w)", keyType, desc, ring, ErrNotFound, err)
	case errors.Is(err, unix.EACCES):
		return 0, fmt.Errorf("searching keyring %d: %w (the keyring is root's: run as root)", ring, err)
	}
	return 0, fmt.Errorf("searching keyring %d for %s %q: %w", ring, keyType, desc, err)
}
