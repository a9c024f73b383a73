//go:build linux

package nvmetsys

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/gonvme/gonvme/internal/kmod"
)

const configfsMagic = 0x62656570

func mountConfigfs() error {
	var st syscall.Statfs_t
	if err := syscall.Statfs(ConfigfsDir, &st); err == nil && int64(st.Type) == configfsMagic {
		return nil
	}
	if _, err := os.Stat(ConfigfsDir); errors.Is(err, os.ErrNotExist) {
		// The directory appears when the configfs module loads.
		_ = modprobe("configfs")
	}
	if err := syscall.Mount("configfs", ConfigfsDir, "configfs", 0, ""); err != nil && !errors.Is(err, syscall.EBUSY) {
		return fmt.Errorf("mounting configfs on %s: %w (as root: mount -t configfs none %s)", ConfigfsDir, err, ConfigfsDir)
	}
	return nil
}

func modprobe(module string) error { return kmod.Load(module) }

// checkNotHeld opens a block device exclusively, which fails with EBUSY
// while it is mounted or held by another driver.
func checkNotHeld(path string) error {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_EXCL|syscall.O_CLOEXEC, 0)
	if errors.Is(err, syscall.EBUSY) {
		return fmt.Errorf("device %s is busy: mounted or held by another user (see lsblk and findmnt): %w", path, err)
	}
	if err != nil {
		return fmt.Errorf("device %s: %w", path, err)
	}
	syscall.Close(fd)
	return nil
}
