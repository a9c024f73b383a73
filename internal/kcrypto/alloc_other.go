//go:build !linux

package kcrypto

import (
	"errors"
	"fmt"
)

// Allocate asks the kernel to allocate an algorithm; only Linux has the
// interface (AF_ALG), so elsewhere it returns errors.ErrUnsupported.
func Allocate(name, typ string) error {
	return fmt.Errorf("AF_ALG %s %s: %w", typ, name, errors.ErrUnsupported)
}
