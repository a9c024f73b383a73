//go:build !linux

package uevent

import (
	"errors"
	"fmt"
	"runtime"
)

// ErrOverflow says the socket dropped events.
var ErrOverflow = errors.New("uevents were lost (the receive buffer overflowed)")

// Listener reads kernel uevents (Linux only).
type Listener struct{}

// Listen fails: kernel uevents exist only on Linux.
func Listen() (*Listener, error) {
	return nil, fmt.Errorf("kernel uevents are Linux only, not %s", runtime.GOOS)
}

// Read fails: kernel uevents exist only on Linux.
func (l *Listener) Read() (Uevent, error) {
	return Uevent{}, errors.New("kernel uevents are Linux only")
}

// Close does nothing.
func (l *Listener) Close() error { return nil }
