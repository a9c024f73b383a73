package topology

import (
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/gonvme/gonvme/hostfs"
)

// Where the kernel keeps the devices the class directories link to: every
// subsystem, and every fabrics controller (RDMA, TCP, loop). A scan opens
// these once and each device relative to them, a one-component lookup
// instead of the walk through the class link; a device not found there
// (a PCIe or FC controller sits under its adapter) is opened through its
// class link.
const (
	subsystemDevices = "/sys/devices/virtual/nvme-subsystem"
	fabricsDevices   = "/sys/devices/virtual/nvme-fabrics/ctl"
)

// entryPrefix starts the name of every directory entry a scan looks at:
// controllers, namespaces and per-path namespaces.
const entryPrefix = "nvme"

// openListed opens the device name of class (through devs when it is
// there) for reading its attributes, and lists its entries that start
// with entryPrefix. A device that does not exist (it vanished meanwhile)
// yields a nil reader and no error; close the reader when done.
func openListed(fs hostfs.FS, devs parent, class, name string) (*attrReader, []string, error) {
	dir := path.Join(class, name)
	r := &attrReader{fs: fs, dir: dir}
	if devs.ok {
		r.open, r.ok = openAttrDirAt(devs.d, name, fs.Path(dir))
	}
	if !r.ok {
		r.open, r.ok = openAttrDir(fs.Path(dir))
	}
	var entries []string
	var err error
	if r.ok {
		var all int
		entries, all, err = r.open.names(entryPrefix)
		if err != nil {
			err = fmt.Errorf("reading the NVMe topology: %w", err)
		} else if all == 0 {
			// Every controller and subsystem directory holds attributes;
			// an empty one was removed after it was opened.
			entries = nil
		}
	} else if entries, err = listDir(fs, dir); entries != nil {
		entries = slices.DeleteFunc(entries, func(e string) bool { return !strings.HasPrefix(e, entryPrefix) })
	}
	if err != nil || entries == nil {
		if err != nil && gone(err) {
			err = nil
		}
		r.close()
		return nil, nil, err
	}
	return r, entries, nil
}

// parent is an open directory that devices are opened relative to; ok is
// false when it could not be opened.
type parent struct {
	d  attrDir
	ok bool
}

func openParent(fs hostfs.FS, dir string) parent {
	d, ok := openAttrDir(fs.Path(dir))
	return parent{d, ok}
}

func (p parent) close() {
	if p.ok {
		p.d.close()
	}
}

// listDir lists a directory's entry names; a missing directory yields nil
// and no error.
func listDir(fs hostfs.FS, dir string) ([]string, error) {
	entries, err := fs.ReadDir(dir)
	if err != nil {
		if gone(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("reading the NVMe topology: %w", err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names, nil
}

// attrReader reads the attributes of one sysfs directory and keeps the first
// error other than a missing attribute.
type attrReader struct {
	fs  hostfs.FS
	dir string
	err error
	// open, when ok, reads attributes relative to an open directory.
	open attrDir
	ok   bool
}

// newAttrReader opens dir for reading its attributes; close it when done.
func newAttrReader(fs hostfs.FS, dir string) *attrReader {
	r := &attrReader{fs: fs, dir: dir}
	r.open, r.ok = openAttrDir(fs.Path(dir))
	return r
}

func (r *attrReader) close() {
	if r.ok {
		r.open.close()
	}
}

func (r *attrReader) read(attr string) string {
	if r.err != nil {
		return ""
	}
	var v string
	var err error
	if r.ok {
		v, err = r.open.read(attr)
	} else {
		v, err = r.fs.ReadAttr(path.Join(r.dir, attr))
	}
	if err != nil {
		if !gone(err) {
			r.err = fmt.Errorf("reading the NVMe topology: %w", err)
		}
		return ""
	}
	return v
}

func (r *attrReader) uint64(attr string) uint64 {
	n, _ := strconv.ParseUint(r.read(attr), 10, 64)
	return n
}

func (r *attrReader) uint32(attr string) uint32 {
	n, _ := strconv.ParseUint(r.read(attr), 10, 32)
	return uint32(n)
}

// gone reports whether err says a file does not exist, or that its device
// went away while it was read.
func gone(err error) bool {
	return errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENODEV) || errors.Is(err, syscall.ENXIO)
}
