package netroute

import (
	"fmt"
	"net"

	"golang.org/x/sys/unix"
)

// Get asks the kernel for its route decision for q over a NETLINK_ROUTE
// socket. Errors from the kernel are syscall.Errno values.
func Get(q Query) (Route, error) {
	req, err := Request(q, 1)
	if err != nil {
		return Route{}, err
	}
	reply, err := Exchange(req)
	if err != nil {
		return Route{}, fmt.Errorf("route to %s: %w", q.Dst, err)
	}
	r, err := ParseReply(reply)
	if err != nil {
		return Route{}, err
	}
	if i, err := net.InterfaceByIndex(r.IfIndex); err == nil {
		r.Iface = i.Name
	}
	return r, nil
}

// Exchange sends one request on a new NETLINK_ROUTE socket and returns the
// first message of the answer as read.
func Exchange(req []byte) ([]byte, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("opening a netlink socket: %w", err)
	}
	defer unix.Close(fd)
	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, fmt.Errorf("sending a netlink request: %w", err)
	}
	buf := make([]byte, 8192)
	n, _, err := unix.Recvfrom(fd, buf, 0)
	if err != nil {
		return nil, fmt.Errorf("reading the netlink answer: %w", err)
	}
	return buf[:n], nil
}
