package keyring

import (
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// maxDepth bounds the walk of nested keyrings, as keyutils'
// recursive_key_scan does.
const maxDepth = 800

// List returns the keys in keyring ring and, depth first, in the keyrings
// it links, in the order the kernel lists them (KEYCTL_READ of a keyring),
// the way keyutils' recursive_key_scan walks them. Keys that cannot be
// described (revoked or expired ones the kernel has not yet collected,
// keys the process may not view) are left out. Like libnvme, it first
// links ring into the session keyring (see Link), which gives possession
// of the keys.
func List(ring int) ([]Key, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := Link(ring); err != nil {
		return nil, err
	}
	ids, err := readRing(ring)
	if err != nil {
		return nil, fmt.Errorf("listing keyring %d: %w%s", ring, err, hint(err))
	}
	var keys []Key
	seen := map[int]bool{ring: true}
	var walk func(ids []int, depth int)
	walk = func(ids []int, depth int) {
		for _, id := range ids {
			d, err := unix.KeyctlString(unix.KEYCTL_DESCRIBE, id)
			if err != nil {
				continue
			}
			k, ok := parseDescribe(id, d)
			if !ok {
				continue
			}
			keys = append(keys, k)
			if k.Type == "keyring" && depth < maxDepth && !seen[id] {
				seen[id] = true
				if sub, err := readRing(id); err == nil {
					walk(sub, depth+1)
				}
			}
		}
	}
	walk(ids, 0)
	return keys, nil
}

// readRing reads the serials a keyring holds.
func readRing(ring int) ([]int, error) {
	buf := make([]byte, 4096)
	for {
		n, err := unix.KeyctlBuffer(unix.KEYCTL_READ, ring, buf, 0)
		if err != nil {
			return nil, err
		}
		if n <= len(buf) {
			ids := make([]int, 0, n/4)
			for i := 0; i+4 <= n; i += 4 {
				ids = append(ids, int(int32(binary.NativeEndian.Uint32(buf[i:]))))
			}
			return ids, nil
		}
		buf = make([]byte, n)
	}
}

// Read returns the payload of key, after linking ring (the keyring it was
// found in) into the session keyring, as libnvme's nvme_read_key does.
func Read(ring, key int) ([]byte, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := Link(ring); err != nil {
		return nil, err
	}
	buf := make([]byte, 256)
	for {
		n, err := unix.KeyctlBuffer(unix.KEYCTL_READ, key, buf, 0)
		if err != nil {
			return nil, fmt.Errorf("reading key %08x: %w%s", key, err, hint(err))
		}
		if n <= len(buf) {
			return buf[:n], nil
		}
		buf = make([]byte, n)
	}
}

// Revoke revokes the key of type keyType and description desc in keyring
// ring (KEYCTL_SEARCH, KEYCTL_REVOKE) and returns its serial. A missing key
// matches ErrNotFound. It links ring into the session keyring first: the
// .nvme keyring's PSKs may be revoked only by a process that possesses
// them (libnvme does not link, and its revoke fails with EACCES).
func Revoke(ring int, keyType, desc string) (int, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := Link(ring); err != nil {
		return 0, err
	}
	id, err := search(ring, keyType, desc)
	if err != nil {
		return 0, err
	}
	if _, err := unix.KeyctlInt(unix.KEYCTL_REVOKE, id, 0, 0, 0); err != nil {
		if errors.Is(err, unix.EKEYREVOKED) {
			return 0, fmt.Errorf("%s %q in keyring %d is revoked already: %w", keyType, desc, ring, ErrNotFound)
		}
		return 0, fmt.Errorf("revoking the %s key %08x: %w%s", keyType, id, err, hint(err))
	}
	return id, nil
}

// Link links ring into the calling thread's session keyring (libnvme's
// nvme_set_keyring), which gives possession of the keys in it. The kernel
// keeps session keyrings per thread, so possession holds only on that OS
// thread: a caller that needs it for its own key calls locks the goroutine
// to its thread (runtime.LockOSThread) around Link and them. The other
// functions of this package link and use a key on one locked thread.
func Link(ring int) error {
	if _, err := unix.KeyctlInt(unix.KEYCTL_LINK, ring, unix.KEY_SPEC_SESSION_KEYRING, 0, 0); err != nil {
		return fmt.Errorf("linking keyring %d into the session keyring: %w%s", ring, err, hint(err))
	}
	return nil
}
