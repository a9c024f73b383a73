package nvmetsys

import (
	"errors"
	"fmt"
	"os"

	"github.com/gonvme/gonvme/hostfs"
)

// CheckDevice reports whether path can back a namespace: a block device
// or regular file that exists and, for a block device, is not held
// exclusively (mounted, part of a RAID or device-mapper set).
func CheckDevice(fs hostfs.FS, path string) error {
	p := fs.Path(path)
	fi, err := os.Stat(p)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("device %s does not exist (see lsblk): %w", path, err)
	}
	if err != nil {
		return fmt.Errorf("device %s: %w", path, err)
	}
	switch {
	case fi.Mode()&os.ModeDevice != 0 && fi.Mode()&os.ModeCharDevice == 0:
		if fs.Root() != "/" {
			return nil
		}
		return checkNotHeld(path)
	case fi.Mode().IsRegular():
		return nil
	}
	return fmt.Errorf("device %s is neither a block device nor a regular file", path)
}
