//go:build !linux

package fabrics

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/gonvme/gonvme/hostfs"
)

var errUnsupportedOS = fmt.Errorf("NVMe over Fabrics is unsupported on this OS (%s): %s exists only on Linux: %w", runtime.GOOS, DevicePath, errors.ErrUnsupported)

type device struct{}

// NewKernel returns a Kernel whose every call fails: only Linux has
// /dev/nvme-fabrics.
func NewKernel(hostfs.FS) Kernel { return device{} }

func (device) Probe() (Supported, error) { return nil, errUnsupportedOS }

func (device) Create(string) (Reply, error) { return Reply{}, errUnsupportedOS }
