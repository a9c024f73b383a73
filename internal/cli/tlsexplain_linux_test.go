package cli

import (
	"syscall"
	"testing"
)

func TestTLSErrnos(t *testing.T) {
	if errNoKey != syscall.ENOKEY || errKeyRejected != syscall.EKEYREJECTED {
		t.Errorf("errNoKey %d, errKeyRejected %d: not Linux's ENOKEY %d and EKEYREJECTED %d", errNoKey, errKeyRejected, syscall.ENOKEY, syscall.EKEYREJECTED)
	}
}
