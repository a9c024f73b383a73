package sysfs

import (
	"os"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// attrDir is an open sysfs directory whose attributes are read relative to
// it: openat, one read, close — three system calls and no path walk from
// the root per attribute, where os.ReadFile takes five or six.
type attrDir struct {
	fd   int
	path string // the directory's path, for error messages
}

// openAttrDir opens the directory at path (already mapped through the
// hostfs root); ok is false when it cannot be opened that way, and the
// caller falls back to reading through hostfs.
func openAttrDir(path string) (attrDir, bool) {
	for {
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return attrDir{fd: -1}, false
		}
		return attrDir{fd: fd, path: path}, true
	}
}

func (d attrDir) close() {
	if d.fd >= 0 {
		unix.Close(d.fd)
	}
}

// read reads the attribute at the relative path attr, trimmed like
// hostfs.FS.ReadAttr. Errors are *os.PathError values as os.ReadFile
// returns them.
func (d attrDir) read(attr string) (string, error) {
	full := d.path + "/" + attr
	var fd int
	for {
		var err error
		fd, err = unix.Openat(d.fd, attr, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err == nil {
			break
		}
		if err != unix.EINTR {
			return "", &os.PathError{Op: "open", Path: full, Err: err.(syscall.Errno)}
		}
	}
	defer unix.Close(fd)
	var stack [512]byte
	buf := stack[:]
	n := 0
	for {
		m, err := unix.Read(fd, buf[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return "", &os.PathError{Op: "read", Path: full, Err: err.(syscall.Errno)}
		}
		n += m
		// A sysfs attribute comes whole in one read; a read that does not
		// fill the buffer reached the end.
		if m == 0 || n < len(buf) {
			break
		}
		buf = append(buf, make([]byte, len(buf))...)
	}
	return strings.Trim(string(buf[:n]), " \t\r\n\x00"), nil
}
