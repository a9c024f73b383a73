package fabrics

import (
	"syscall"
	"testing"
)

func TestAuthErrnosAreLinuxs(t *testing.T) {
	if ErrnoKeyRejected != syscall.EKEYREJECTED || ErrnoNoKey != syscall.ENOKEY {
		t.Errorf("ErrnoKeyRejected %d, ErrnoNoKey %d", int(ErrnoKeyRejected), int(ErrnoNoKey))
	}
}
