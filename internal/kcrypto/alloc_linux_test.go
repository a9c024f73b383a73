package kcrypto

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

// On the machine running the tests: an algorithm no kernel has is ENOENT;
// the real lookups are in the e2e guests (TestTLSWithoutCipher).
func TestAllocateUnknown(t *testing.T) {
	err := Allocate("no-such-cipher(gonvme)", "aead")
	if errors.Is(err, unix.EAFNOSUPPORT) || errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
		t.Skipf("no AF_ALG here: %v", err)
	}
	if !errors.Is(err, unix.ENOENT) {
		t.Errorf("Allocate of an unknown algorithm: %v, want ENOENT", err)
	}
}
