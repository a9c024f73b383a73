package ioctl

import (
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// passthruCmd is the kernel's struct nvme_passthru_cmd
// (include/uapi/linux/nvme_ioctl.h).
type passthruCmd struct {
	opcode      uint8
	flags       uint8
	rsvd1       uint16
	nsid        uint32
	cdw2        uint32
	cdw3        uint32
	metadata    uint64
	addr        uint64
	metadataLen uint32
	dataLen     uint32
	cdw10       uint32
	cdw11       uint32
	cdw12       uint32
	cdw13       uint32
	cdw14       uint32
	cdw15       uint32
	timeoutMS   uint32
	result      uint32
}

// iowr encodes a read-write ioctl request number as _IOWR does. The value
// for the NVMe admin command is the same on every Linux architecture: those
// with 3 direction bits (powerpc, mips, sparc) encode read|write in the same
// top two bits.
func iowr(typ byte, nr byte, size uintptr) uint32 {
	const read, write = 2, 1
	return (read|write)<<30 | uint32(size)<<16 | uint32(typ)<<8 | uint32(nr)
}

// adminCmdRequest is NVME_IOCTL_ADMIN_CMD, _IOWR('N', 0x41, struct nvme_passthru_cmd).
var adminCmdRequest = iowr('N', 0x41, unsafe.Sizeof(passthruCmd{}))

// idRequest is NVME_IOCTL_ID, _IO('N', 0x40): no direction, no size; the
// namespace ID is the return value.
const idRequest = 'N'<<8 | 0x40

// Device is an open NVMe device: a controller character device (/dev/nvme0),
// or a namespace's generic character device (/dev/ng0n1) or block device
// (/dev/nvme0n1), all of which take admin commands. It implements Admin and
// is safe for concurrent use.
type Device struct {
	f *os.File
}

// Open opens an NVMe device such as /dev/nvme0 or /dev/ng0n1 read-only, as
// nvme-cli does; admin passthrough needs CAP_SYS_ADMIN.
func Open(path string) (*Device, error) {
	// open(2) and os.NewFile rather than os.OpenFile: a controller device
	// cannot be polled, and os.OpenFile would try to register it with the
	// runtime's poller on every open (list opens one per namespace).
	var fd int
	for {
		var err error
		fd, err = unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err == nil {
			break
		}
		if err != unix.EINTR {
			perr := &os.PathError{Op: "open", Path: path, Err: err}
			return nil, fmt.Errorf("%w%s", perr, openHint(perr))
		}
	}
	return &Device{f: os.NewFile(uintptr(fd), path)}, nil
}

func openHint(err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return " (is the controller still connected? 'gonvme list' shows the controllers)"
	case errors.Is(err, os.ErrPermission):
		return " (run as root)"
	}
	return ""
}

// Path returns the device path given to Open.
func (d *Device) Path() string { return d.f.Name() }

// Close closes the device.
func (d *Device) Close() error { return d.f.Close() }

// Submit sends one admin command with controller-to-host data through
// NVME_IOCTL_ADMIN_CMD.
func (d *Device) Submit(c Command, data []byte) (uint32, error) {
	if uint64(len(data)) > math.MaxUint32 {
		return 0, fmt.Errorf("%s: admin command 0x%02x: %d-byte buffer exceeds the 4 GiB passthrough limit", d.Path(), c.Opcode, len(data))
	}
	cmd := passthruCmd{
		opcode:    c.Opcode,
		flags:     c.Flags,
		nsid:      c.NSID,
		cdw2:      c.CDW2,
		cdw3:      c.CDW3,
		dataLen:   uint32(len(data)),
		cdw10:     c.CDW10,
		cdw11:     c.CDW11,
		cdw12:     c.CDW12,
		cdw13:     c.CDW13,
		cdw14:     c.CDW14,
		cdw15:     c.CDW15,
		timeoutMS: c.TimeoutMS,
	}
	if len(data) > 0 {
		cmd.addr = uint64(uintptr(unsafe.Pointer(&data[0])))
	}
	conn, err := d.f.SyscallConn()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", d.Path(), err)
	}
	var status uintptr
	var errno unix.Errno
	if err := conn.Control(func(fd uintptr) {
		status, _, errno = unix.Syscall(unix.SYS_IOCTL, fd, uintptr(adminCmdRequest), uintptr(unsafe.Pointer(&cmd)))
	}); err != nil {
		return 0, fmt.Errorf("%s: %w", d.Path(), err)
	}
	runtime.KeepAlive(data)
	switch {
	case errno != 0:
		return 0, fmt.Errorf("%s: admin command 0x%02x: %w%s", d.Path(), c.Opcode, errno, submitHint(errno))
	case status != 0:
		return cmd.result, &StatusError{Status: uint16(status)}
	}
	return cmd.result, nil
}

func submitHint(errno unix.Errno) string {
	if errno == unix.EPERM || errno == unix.EACCES {
		return " (NVMe admin commands need CAP_SYS_ADMIN: run as root)"
	}
	return ""
}

// NamespaceID returns the namespace ID of a namespace device (NVME_IOCTL_ID);
// on a controller device the kernel answers ENOTTY.
func (d *Device) NamespaceID() (uint32, error) {
	conn, err := d.f.SyscallConn()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", d.Path(), err)
	}
	var id uintptr
	var errno unix.Errno
	if err := conn.Control(func(fd uintptr) {
		id, _, errno = unix.Syscall(unix.SYS_IOCTL, fd, idRequest, 0)
	}); err != nil {
		return 0, fmt.Errorf("%s: %w", d.Path(), err)
	}
	if errno != 0 {
		return 0, fmt.Errorf("%s: namespace ID: %w", d.Path(), errno)
	}
	return uint32(id), nil
}
