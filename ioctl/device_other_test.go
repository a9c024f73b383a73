//go:build !linux

package ioctl

import (
	"errors"
	"testing"
)

func TestOpenUnsupported(t *testing.T) {
	if _, err := Open("/dev/nvme0"); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("error = %v, want errors.ErrUnsupported", err)
	}
}
