//go:build !linux

package nvmf

import (
	"errors"
	"os"
)

// tryLock is Linux-only: gonvme drives Linux's NVMe host.
func tryLock(*os.File) (bool, error) { return false, errors.ErrUnsupported }
