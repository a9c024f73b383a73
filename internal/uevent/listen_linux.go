package uevent

import (
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// kernelGroup is the netlink multicast group the kernel sends uevents to
// (udev rebroadcasts on another).
const kernelGroup = 1

// recvBuffer is the socket's receive buffer: room for a burst of events
// while the reader is busy connecting.
const recvBuffer = 4 << 20

// maxMessage bounds one uevent (the kernel's UEVENT_BUFFER_SIZE is 2048).
const maxMessage = 8192

// ErrOverflow says the socket dropped events: the reader must assume
// anything may have changed.
var ErrOverflow = errors.New("uevents were lost (the receive buffer overflowed)")

// Listener reads kernel uevents.
type Listener struct {
	f   *os.File
	rc  syscall.RawConn
	buf []byte
	// closed is set by Close: the poller's error then means os.ErrClosed.
	closed atomic.Bool
}

// Listen opens the kernel uevent socket.
func Listen() (*Listener, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.NETLINK_KOBJECT_UEVENT)
	if err != nil {
		return nil, fmt.Errorf("opening the kernel uevent socket: %w", err)
	}
	// Root may raise the buffer over the system limit; others get the limit.
	if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, recvBuffer) != nil {
		_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, recvBuffer)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: kernelGroup}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("binding the kernel uevent socket: %w", err)
	}
	f := os.NewFile(uintptr(fd), "uevent")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("kernel uevent socket: %w", err)
	}
	return &Listener{f: f, rc: rc, buf: make([]byte, maxMessage)}, nil
}

// Read waits for the next kernel uevent. It returns an error matching
// ErrOverflow when events were lost, and os.ErrClosed once Close was
// called; messages not from the kernel (port ID 0) are skipped.
func (l *Listener) Read() (Uevent, error) {
	for {
		n, from, err := l.recv()
		switch {
		case errors.Is(err, unix.ENOBUFS):
			return Uevent{}, fmt.Errorf("%w: %w", ErrOverflow, err)
		case err != nil:
			return Uevent{}, fmt.Errorf("reading the kernel uevent socket: %w", err)
		}
		if sa, ok := from.(*unix.SockaddrNetlink); !ok || sa.Pid != 0 {
			continue
		}
		if u, err := Parse(l.buf[:n]); err == nil {
			return u, nil
		}
	}
}

// recv reads one message, waiting in the runtime's poller.
func (l *Listener) recv() (int, unix.Sockaddr, error) {
	var n int
	var from unix.Sockaddr
	var rerr error
	err := l.rc.Read(func(fd uintptr) bool {
		n, from, rerr = unix.Recvfrom(int(fd), l.buf, 0)
		return rerr != unix.EAGAIN
	})
	if err != nil && l.closed.Load() {
		err = os.ErrClosed
	}
	if err != nil {
		return 0, nil, err
	}
	return n, from, rerr
}

// Close closes the socket; a Read under way returns.
func (l *Listener) Close() error {
	l.closed.Store(true)
	return l.f.Close()
}
