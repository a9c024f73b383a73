package topology

import (
	"bytes"
	"encoding/binary"
	"os"
	"slices"
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
	// sub, when set, reads the attributes of the subdirectory sub of fd
	// (fd is then borrowed, not closed): "nvme3/transport" relative to
	// the devices directory, without opening nvme3 itself.
	sub string
}

// within returns the attributes of the subdirectory name of d, read
// through d's descriptor; path names it in errors. Its close does nothing.
func (d attrDir) within(name, path string) attrDir {
	return attrDir{fd: d.fd, path: path, sub: name + "/"}
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
	if d.fd >= 0 && d.sub == "" {
		unix.Close(d.fd)
	}
}

// read reads the attribute at the relative path attr, trimmed like
// hostfs.FS.ReadAttr. Errors are *os.PathError values as os.ReadFile
// returns them.
func (d attrDir) read(attr string) (string, error) {
	var fd int
	for {
		var err error
		fd, err = unix.Openat(d.fd, d.sub+attr, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err == nil {
			break
		}
		if err != unix.EINTR {
			return "", &os.PathError{Op: "open", Path: d.path + "/" + attr, Err: err.(syscall.Errno)}
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
			return "", &os.PathError{Op: "read", Path: d.path + "/" + attr, Err: err.(syscall.Errno)}
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

// names lists the directory's entries whose names start with prefix,
// sorted, with getdents on the open directory: no second open, no stat, and
// no string for the attributes the caller skips anyway. all counts every
// entry but "." and "..".
func (d attrDir) names(prefix string) (names []string, all int, err error) {
	names = []string{}
	var buf [8192]byte
	for {
		n, err := unix.Getdents(d.fd, buf[:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, 0, &os.PathError{Op: "readdirent", Path: d.path, Err: err.(syscall.Errno)}
		}
		if n <= 0 {
			break
		}
		var m int
		names, m = appendDirents(names, buf[:n], prefix)
		all += m
		// Read on until getdents says the end: a short result is not
		// the end (ext4 returned "." and ".." alone under load).
	}
	slices.Sort(names)
	return names, all, nil
}

// appendDirents appends the names in b, a getdents64 result (struct
// linux_dirent64: d_ino 8 bytes, d_off 8, d_reclen 2, d_type 1, then the
// NUL-terminated name), that start with prefix; n counts every entry but
// "." and "..".
func appendDirents(names []string, b []byte, prefix string) (_ []string, n int) {
	const nameOff = 19
	for len(b) >= nameOff {
		reclen := int(binary.NativeEndian.Uint16(b[16:18]))
		if reclen < nameOff || reclen > len(b) {
			break
		}
		name := b[nameOff:reclen]
		if i := bytes.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		if string(name) != "." && string(name) != ".." {
			n++
			if bytes.HasPrefix(name, []byte(prefix)) {
				names = append(names, string(name))
			}
		}
		b = b[reclen:]
	}
	return names, n
}

// openAttrDirAt opens the directory name inside parent, as openAttrDir
// does; path is the name to give it in errors.
func openAttrDirAt(parent attrDir, name, path string) (attrDir, bool) {
	for {
		fd, err := unix.Openat(parent.fd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return attrDir{fd: -1}, false
		}
		return attrDir{fd: fd, path: path}, true
	}
}
