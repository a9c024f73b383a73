//go:build !linux

package keyring

import (
	"errors"
	"fmt"
)

var errLinuxOnly = fmt.Errorf("the kernel key retention service is Linux-only: %w", errors.ErrUnsupported)

// List is Linux-only.
func List(ring int) ([]Key, error) {
	return nil, fmt.Errorf("listing keyring %d: %w", ring, errLinuxOnly)
}

// Read is Linux-only.
func Read(ring, key int) ([]byte, error) {
	return nil, fmt.Errorf("reading key %08x: %w", key, errLinuxOnly)
}

// Revoke is Linux-only.
func Revoke(ring int, keyType, desc string) (int, error) {
	return 0, fmt.Errorf("revoking a key in keyring %d: %w", ring, errLinuxOnly)
}

// Link is Linux-only.
func Link(ring int) error { return fmt.Errorf("linking keyring %d: %w", ring, errLinuxOnly) }
