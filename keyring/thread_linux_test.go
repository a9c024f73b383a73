package keyring

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// The kernel keeps the session keyring per thread, and possession of a
// key (which the .nvme keyring's PSKs need for search, read and revoke)
// follows it. These tests run each call on a thread that has joined a
// session keyring of its own, as a goroutine the Go scheduler moved after
// a Link would be: every call must link and use the key on one thread.

// ringPerm is the .nvme keyring's permission mask (nvme_keyring_init):
// everything but setattr for possessor and owner.
const ringPerm = 0x3f3f0000 &^ 0x20200000

// onFreshThread runs fn on an OS thread whose session keyring is new and
// links nothing else; the thread is discarded afterwards.
func onFreshThread(t *testing.T, name string, fn func()) {
	t.Helper()
	done := make(chan error)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
		_, err := unix.KeyctlJoinSessionKeyring(fmt.Sprintf("gonvme-test-%d-%s", os.Getpid(), name))
		if err == nil {
			fn()
		}
		done <- err
	}()
	if err := <-done; err != nil {
		t.Skipf("joining a session keyring: %v (no key retention service here)", err)
	}
}

// testRing makes a keyring like .nvme holding one user key with add_key's
// default permissions (possessor only, the owner may view), as
// gen-tls-key --insert's PSKs have. It returns the keyring's serial.
func testRing(t *testing.T) int {
	t.Helper()
	ring := 0
	onFreshThread(t, t.Name()+"-maker", func() {
		r, err := unix.AddKey("keyring", "gonvme-test-ring", nil, unix.KEY_SPEC_SESSION_KEYRING)
		if err != nil {
			t.Errorf("add_key keyring: %v", err)
			return
		}
		if err := unix.KeyctlSetperm(r, ringPerm); err != nil {
			t.Errorf("setperm: %v", err)
		}
		if _, err := unix.AddKey("user", "gonvme-test-key", []byte("payload"), r); err != nil {
			t.Errorf("add_key user: %v", err)
		}
		// The keyring outlives the maker's session through the user keyring.
		if _, err := unix.KeyctlInt(unix.KEYCTL_LINK, r, unix.KEY_SPEC_USER_KEYRING, 0, 0); err != nil {
			t.Errorf("link to the user keyring: %v", err)
		}
		ring = r
	})
	if ring == 0 {
		t.FailNow()
	}
	t.Cleanup(func() {
		unix.KeyctlInt(unix.KEYCTL_UNLINK, ring, unix.KEY_SPEC_USER_KEYRING, 0, 0)
	})
	return ring
}

func TestPossessionOnAnyThread(t *testing.T) {
	ring := testRing(t)
	onFreshThread(t, "search", func() {
		if _, err := Search(ring, "user", "gonvme-test-key"); err != nil {
			t.Errorf("Search on a thread that did not link the keyring: %v", err)
		}
	})
	onFreshThread(t, "list", func() {
		keys, err := List(ring)
		if err != nil || len(keys) != 1 || keys[0].Description != "gonvme-test-key" {
			t.Errorf("List = %v, %v; want the one key", keys, err)
			return
		}
		b, err := Read(ring, keys[0].Serial)
		if err != nil || !bytes.Equal(b, []byte("payload")) {
			t.Errorf("Read = %q, %v", b, err)
		}
	})
	onFreshThread(t, "update", func() {
		if _, err := Update(ring, "user", "gonvme-test-key", []byte("second")); err != nil {
			t.Errorf("Update: %v", err)
		}
	})
	onFreshThread(t, "revoke", func() {
		if _, err := Revoke(ring, "user", "gonvme-test-key"); err != nil {
			t.Errorf("Revoke: %v", err)
		}
	})
	onFreshThread(t, "gone", func() {
		if _, err := Search(ring, "user", "gonvme-test-key"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Search after Revoke = %v; want ErrNotFound", err)
		}
	})
}
