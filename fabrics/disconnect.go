package fabrics

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/gonvme/gonvme/hostfs"
)

// ErrNotFabrics marks a controller that has no delete_controller attribute:
// a PCIe controller, which cannot be disconnected.
var ErrNotFabrics = errors.New("not an NVMe over Fabrics controller")

// Disconnect deletes the fabrics controller name (such as "nvme3") by
// writing "1" to /sys/class/nvme/<name>/delete_controller; it returns once
// the kernel has removed it. A controller that does not exist is a
// *KernelError matching os.ErrNotExist; one without delete_controller
// matches ErrNotFabrics.
func Disconnect(fs hostfs.FS, name string) error {
	if !isControllerName(name) {
		return &ValidationError{Option: "device", Value: name, Rule: `must name a controller such as "nvme3"`}
	}
	dir := fs.Path("/sys/class/nvme/" + name)
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return disconnectError(dir, name, syscall.ENOENT)
	}
	attr := dir + "/delete_controller"
	f, err := os.OpenFile(attr, os.O_WRONLY, 0)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("disconnect %s: %s has no delete_controller: %w; only fabrics controllers can be disconnected", name, dir, ErrNotFabrics)
	}
	if err == nil {
		_, err = f.Write([]byte("1"))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err == nil {
		return nil
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return disconnectError(attr, name, errno)
	}
	return fmt.Errorf("disconnect %s: %w", name, err)
}

func disconnectError(path, name string, errno syscall.Errno) error {
	e := newKernelError("disconnect", path, "", errno)
	e.Target = name
	return e
}

func isControllerName(s string) bool {
	digits, ok := strings.CutPrefix(s, "nvme")
	if !ok || digits == "" {
		return false
	}
	return strings.Trim(digits, "0123456789") == ""
}
