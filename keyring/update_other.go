//go:build !linux

package keyring

import (
	"errors"
	"fmt"
)

// Update is Linux-only.
func Update(ring int, keyType, desc string, payload []byte) (int, error) {
	return 0, fmt.Errorf("adding a key to keyring %d: the kernel key retention service is Linux-only: %w", ring, errors.ErrUnsupported)
}
