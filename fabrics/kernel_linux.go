package fabrics

import (
	"errors"
	"fmt"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/gonvme/gonvme/hostfs"
)

// device is the real /dev/nvme-fabrics.
type device struct {
	path string

	mu     sync.Mutex
	probed bool
	sup    Supported
}

// NewKernel returns the Kernel behind fs.Path("/dev/nvme-fabrics").
func NewKernel(fs hostfs.FS) Kernel {
	return &device{path: fs.Path(DevicePath)}
}

func (d *device) Probe() (Supported, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.probed {
		return d.sup, nil
	}
	fd, err := unix.Open(d.path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, d.fail("open", err)
	}
	defer unix.Close(fd)
	var sup Supported
	text, err := readAll(fd)
	switch {
	case errors.Is(err, unix.EINVAL):
		// Before Linux 5.17 the device cannot be read before a write.
	case err != nil:
		return nil, d.fail("probe", err)
	default:
		if sup, err = ParseSupported(text); err != nil {
			return nil, fmt.Errorf("%s: %w", d.path, err)
		}
	}
	d.probed, d.sup = true, sup
	return sup, nil
}

func (d *device) Create(opts string) (Reply, error) {
	fd, err := unix.Open(d.path, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return Reply{}, d.fail("open", err)
	}
	defer unix.Close(fd)
	n, err := unix.Write(fd, []byte(opts))
	if err != nil {
		return Reply{}, d.fail("connect", err)
	}
	if n != len(opts) {
		return Reply{}, fmt.Errorf("connect: %s took %d of the %d bytes of the option string; check 'gonvme list-subsys' for a half-made controller", d.path, n, len(opts))
	}
	text, err := readAll(fd)
	if err == nil {
		var r Reply
		if r, err = ParseReply(text); err == nil {
			return r, nil
		}
	}
	return Reply{}, fmt.Errorf("connect: the kernel created a controller, but its reply from %s could not be read: %w; 'gonvme list-subsys' shows it", d.path, err)
}

// fail wraps a failed system call on the device.
func (d *device) fail(op string, err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return newKernelError(op, d.path, "", errno)
	}
	return fmt.Errorf("%s %s: %w", op, d.path, err)
}

// maxAnswer bounds what is read from the device; its answers are one short
// line.
const maxAnswer = 64 << 10

func readAll(fd int) (string, error) {
	buf := make([]byte, 4096)
	n := 0
	for {
		if n == len(buf) {
			if len(buf) >= maxAnswer {
				return "", fmt.Errorf("the answer is longer than %d bytes", maxAnswer)
			}
			buf = append(buf, make([]byte, len(buf))...)
		}
		m, err := unix.Read(fd, buf[n:])
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return "", err
		case m == 0:
			return string(buf[:n]), nil
		}
		n += m
	}
}
