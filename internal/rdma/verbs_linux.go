package rdma

import (
	"encoding/binary"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// QueryPorts opens the uverbs device at path, creates a user context
// (IB_USER_VERBS_CMD_GET_CONTEXT) and asks QUERY_PORT for each port. The
// device is mode 0666: no root needed. The context ends when the device is
// closed. Drivers that insist on driver data in GET_CONTEXT refuse it with
// EINVAL; the error says so.
func QueryPorts(path string, ports []int) (map[int]PortAttr, error) {
	raw, err := QueryPortsRaw(path, ports)
	if err != nil {
		return nil, err
	}
	out := map[int]PortAttr{}
	for p, b := range raw {
		a, err := ParseQueryPortResp(b)
		if err != nil {
			return nil, fmt.Errorf("%s port %d: %w", path, p, err)
		}
		out[p] = a
	}
	return out, nil
}

// QueryPortsRaw is QueryPorts with the kernel's answers as they came, for
// fixtures.
func QueryPortsRaw(path string, ports []int) (map[int][]byte, error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w%s", path, err, errnoHint(err))
	}
	defer unix.Close(fd)
	// Commands and answers live in one anonymous page: the kernel writes
	// answers to the address inside each command, and memory the Go
	// runtime owns may move (stacks) before the write.
	mem, err := unix.Mmap(-1, 0, unix.Getpagesize(), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return nil, fmt.Errorf("mapping a page for uverbs answers: %w", err)
	}
	defer unix.Munmap(mem)
	const respOff = 64
	resp := uint64(uintptr(unsafe.Pointer(&mem[respOff])))

	n := encodeGetContext(mem, resp)
	if _, err := unix.Write(fd, mem[:n]); err != nil {
		return nil, fmt.Errorf("%s: GET_CONTEXT: %w%s", path, err, errnoHint(err))
	}
	// The context comes with an event file descriptor gonvme does not read.
	unix.Close(int(binary.LittleEndian.Uint32(mem[respOff:])))

	out := map[int][]byte{}
	for _, p := range ports {
		if p < 1 || p > 255 {
			return nil, fmt.Errorf("%s: port %d is not 1…255", path, p)
		}
		clear(mem[respOff : respOff+QueryPortRespLen])
		n := encodeQueryPort(mem, resp, uint8(p))
		if _, err := unix.Write(fd, mem[:n]); err != nil {
			return nil, fmt.Errorf("%s: QUERY_PORT %d: %w%s", path, p, err, errnoHint(err))
		}
		out[p] = append([]byte(nil), mem[respOff:respOff+QueryPortRespLen]...)
	}
	return out, nil
}

func errnoHint(err error) string {
	switch err {
	case unix.ENOENT, unix.ENODEV, unix.ENXIO:
		return " (the RDMA device went away, or ib_uverbs is not loaded: modprobe ib_uverbs)"
	case unix.EACCES, unix.EPERM:
		return " (the uverbs devices are normally mode 0666: check the udev rules or run as root)"
	case unix.EINVAL:
		return " (the driver wants driver-specific data this query does not send; ibv_devinfo shows the MTU)"
	case unix.EOPNOTSUPP:
		return " (the driver does not answer this query)"
	}
	return ""
}
