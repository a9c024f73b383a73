package sdnotify

import (
	"fmt"
	"net"
	"strings"
)

// Notifier sends state lines to one socket.
type Notifier struct {
	addr string
}

// New returns the notifier of socket, the value of NOTIFY_SOCKET: a path,
// or an abstract socket name starting with '@'. It returns nil when socket
// is empty (not started by a service manager): Notify on nil does nothing.
func New(socket string) *Notifier {
	if socket == "" {
		return nil
	}
	return &Notifier{addr: socket}
}

// Notify sends the state lines, e.g. "READY=1", as one datagram.
func (n *Notifier) Notify(lines ...string) error {
	if n == nil {
		return nil
	}
	for _, l := range lines {
		if strings.ContainsAny(l, "\n\x00") || !strings.Contains(l, "=") {
			return fmt.Errorf("sd_notify: %q is not one VARIABLE=value line", l)
		}
	}
	addr := n.addr
	if addr[0] == '@' {
		addr = "\x00" + addr[1:]
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: addr, Net: "unixgram"})
	if err != nil {
		return fmt.Errorf("sd_notify to %s: %w", n.addr, err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(strings.Join(lines, "\n"))); err != nil {
		return fmt.Errorf("sd_notify to %s: %w", n.addr, err)
	}
	return nil
}
