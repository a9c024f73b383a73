//go:build !linux

package keyring

import (
	"errors"
	"fmt"
)

// Search is Linux-only.
func Search(ring int, keyType, desc string) (int, error) {
	return 0, fmt.Errorf("searching keyring %d: the kernel key retention service is Linux-only: %w", ring, errors.ErrUnsupported)
}
