package keyring

import (
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// Search returns the serial of the key of type keyType and description
// desc in keyring ring or the keyrings it links (KEYCTL_SEARCH). A missing
// key, or one revoked or expired, matches ErrNotFound. Like libnvme's
// lookup it first links ring (a serial, not a KEY_SPEC_ value such as
// SessionKeyring) into the session keyring, on the thread that searches:
// the .nvme keyring's PSKs may be searched only by a possessor. When ring
// cannot be linked the search goes on without possession.
func Search(ring int, keyType, desc string) (int, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var linkErr error
	if ring > 0 {
		linkErr = Link(ring)
	}
	id, err := search(ring, keyType, desc)
	if linkErr != nil && errors.Is(err, unix.EACCES) {
		return 0, fmt.Errorf("%w; and %w", err, linkErr)
	}
	return id, err
}

// search is Search on the calling thread, without linking ring.
func search(ring int, keyType, desc string) (int, error) {
	id, err := unix.KeyctlSearch(ring, keyType, desc, 0)
	switch {
	case err == nil:
		return id, nil
	case errors.Is(err, unix.ENOKEY):
		return 0, fmt.Errorf("%s %q in keyring %d: %w", keyType, desc, ring, ErrNotFound)
	case errors.Is(err, unix.EKEYREVOKED), errors.Is(err, unix.EKEYEXPIRED):
		// The kernel says so when a revoked or expired key of the type,
		// matching or not, was passed over; the GC has yet to remove it.
		return 0, fmt.Errorf("%s %q in keyring %d: %w (%w)", keyType, desc, ring, ErrNotFound, err)
	case errors.Is(err, unix.EACCES):
		return 0, fmt.Errorf("searching keyring %d: %w (the process neither possesses the keys nor may search them: run as root, and link the keyring into the session keyring)", ring, err)
	}
	return 0, fmt.Errorf("searching keyring %d for %s %q: %w", ring, keyType, desc, err)
}
