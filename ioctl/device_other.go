//go:build !linux

package ioctl

import (
	"errors"
	"fmt"
	"runtime"
)

// Device is an open NVMe device. Only Linux has one.
type Device struct{}

var errUnsupported = fmt.Errorf("NVMe admin passthrough is unsupported on %s: %w", runtime.GOOS, errors.ErrUnsupported)

// Open fails: NVMe admin passthrough needs Linux.
func Open(path string) (*Device, error) {
	return nil, fmt.Errorf("open NVMe device %s: %w", path, errUnsupported)
}

// Path returns "".
func (d *Device) Path() string { return "" }

// Close does nothing.
func (d *Device) Close() error { return nil }

// Submit fails: NVMe admin passthrough needs Linux.
func (d *Device) Submit(Command, []byte) (uint32, error) { return 0, errUnsupported }

// NamespaceID fails: NVMe ioctls need Linux.
func (d *Device) NamespaceID() (uint32, error) { return 0, errUnsupported }
