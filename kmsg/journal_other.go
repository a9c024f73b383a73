//go:build !linux

package kmsg

import "errors"

// Journal follows the kernel log; only Linux has one.
type Journal struct{}

// Open fails: the kernel log is read on Linux only.
func Open(path string) (*Journal, error) {
	return nil, errors.New("reading the kernel log is supported on Linux only")
}

// Read returns nothing.
func (j *Journal) Read() []Record { return nil }

// Close does nothing.
func (j *Journal) Close() error { return nil }
