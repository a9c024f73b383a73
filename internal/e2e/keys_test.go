//go:build e2e

package e2e

import (
	"runtime"

	"golang.org/x/sys/unix"

	"github.com/gonvme/gonvme/hostfs"
)

func hostRoot() hostfs.FS { return hostfs.New("/") }

// addTestKeys creates a keyring named ringName in root's user keyring and a
// "user" key described keyDesc in it, and returns their serials. The
// keyring is invalidated when the test binary's process ends or by the
// next run (a keyring of the same name is replaced).
func addTestKeys(ringName, keyDesc string) (ring, key int, err error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ring, err = unix.AddKey("keyring", ringName, nil, unix.KEY_SPEC_USER_KEYRING)
	if err != nil {
		return 0, 0, err
	}
	key, err = unix.AddKey("user", keyDesc, []byte("not a secret"), ring)
	return ring, key, err
}

// dropTestKeys unlinks the test keyring from root's user keyring.
func dropTestKeys(ring int) {
	unix.KeyctlInt(unix.KEYCTL_UNLINK, ring, unix.KEY_SPEC_USER_KEYRING, 0, 0)
}

// addForeignPSK adds a psk key described identity with payload psk to a
// new keyring ringName that only this thread possesses (then linked into
// root's user keyring, so that it outlives the thread), readable by root
// without possession (tlshd reads it by serial): a PSK the kernel and
// tlshd see only when given its serial. It returns the keyring and key.
func addForeignPSK(ringName, identity string, psk []byte) (ring, key int, err error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if ring, err = unix.AddKey("keyring", ringName, nil, unix.KEY_SPEC_THREAD_KEYRING); err != nil {
		return 0, 0, err
	}
	if key, err = unix.AddKey("psk", identity, psk, ring); err != nil {
		return 0, 0, err
	}
	if err = unix.KeyctlSetperm(key, 0x3f0b0000); err != nil {
		return 0, 0, err
	}
	_, err = unix.KeyctlInt(unix.KEYCTL_LINK, ring, unix.KEY_SPEC_USER_KEYRING, 0, 0)
	return ring, key, err
}
