package uevent

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"strings"
)

// Uevent is one kernel device event.
type Uevent struct {
	Action  string // "add", "remove", "change", …
	DevPath string // "/devices/virtual/nvme-fabrics/ctl/nvme0"
	Env     map[string]string
}

// ErrNotKernel says a message is not in the kernel's format (udev's own
// rebroadcasts start with "libudev").
var ErrNotKernel = errors.New("not a kernel uevent")

// Parse parses one netlink message: "action@devpath", then KEY=VALUE
// strings, each ended by a NUL.
func Parse(msg []byte) (Uevent, error) {
	parts := bytes.Split(bytes.TrimRight(msg, "\x00"), []byte{0})
	head := string(parts[0])
	action, devpath, ok := strings.Cut(head, "@")
	if !ok || action == "" || !strings.HasPrefix(devpath, "/") {
		return Uevent{}, fmt.Errorf("%w: header %q", ErrNotKernel, head)
	}
	u := Uevent{Action: action, DevPath: devpath, Env: make(map[string]string, len(parts)-1)}
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(string(p), "=")
		if !ok || k == "" {
			return Uevent{}, fmt.Errorf("%w: variable %q of %s", ErrNotKernel, p, head)
		}
		u.Env[k] = v
	}
	if a := u.Env["ACTION"]; a != "" && a != action {
		return Uevent{}, fmt.Errorf("%w: ACTION=%q in a %q event", ErrNotKernel, a, action)
	}
	return u, nil
}

// Subsystem is the event's SUBSYSTEM ("nvme" for an NVMe controller).
func (u Uevent) Subsystem() string { return u.Env["SUBSYSTEM"] }

// Device is the device's name: DEVNAME ("nvme0"), else the last element
// of the device path.
func (u Uevent) Device() string {
	if n := u.Env["DEVNAME"]; n != "" {
		return path.Base(n)
	}
	return path.Base(u.DevPath)
}
