package keyring

import (
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// Search returns the serial of the key of type keyType and description
// desc in keyring ring or the keyrings it links (KEYCTL_SEARCH). A missing
// key, or one revoked or expired, matches ErrNotFound. When the search is
// refused for want of possession (the .nvme keyring's PSKs may be searched
// only by a possessor) it links ring (a serial, not a KEY_SPEC_ value such
// as SessionKeyring) into the session keyring, as libnvme's lookup does,
// and searches again on the same thread. It does not link first: on a
// thread without a session keyring the link replaces the user session
// keyring, and the possession it gave, with a new one.
func Search(ring int, keyType, desc string) (int, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	id, err := unix.KeyctlSearch(ring, keyType, desc, 0)
	if err == nil || ring <= 0 || !(errors.Is(err, unix.EACCES) || errors.Is(err, unix.EKEYREVOKED) || errors.Is(err, unix.EKEYEXPIRED)) {
		return result(ring, keyType, desc, id, err)
	}
	// EKEYREVOKED and EKEYEXPIRED also stand for a refused match when a
	// revoked or expired key of the type was passed over after it.
	if linkErr := Link(ring); linkErr != nil {
		_, err := result(ring, keyType, desc, id, err)
		return 0, fmt.Errorf("%w; and %w", err, linkErr)
	}
	return search(ring, keyType, desc)
}

// search is KEYCTL_SEARCH on the calling thread, without linking ring.
func search(ring int, keyType, desc string) (int, error) {
	id, err := unix.KeyctlSearch(ring, keyType, desc, 0)
	return result(ring, keyType, desc, id, err)
}

// result maps KEYCTL_SEARCH's answer to Search's.
func result(ring int, keyType, desc string, id int, err error) (int, error) {
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
