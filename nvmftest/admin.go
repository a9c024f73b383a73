package nvmftest

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/ioctl"
	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/topology"
)

// Target is the key of a discovery log page: "rdma 169.254.99.1:4420".
func Target(transport, traddr, trsvcid string) string {
	return transport + " " + traddr + ":" + trsvcid
}

// Admins opens fake admin devices. A controller's discovery log page is
// Logs[Target(transport, traddr, trsvcid)] of its sysfs attributes; every
// Identify Namespace is answered with IDNS.
type Admins struct {
	t  testing.TB
	fs hostfs.FS

	Logs map[string][]byte
	IDNS []byte
	// OpenErr, when set, fails the opens of the devices it names.
	OpenErr map[string]error
	// NoGeneric leaves out the namespaces' generic devices (/dev/ngXnY),
	// as on kernels before 5.13.
	NoGeneric bool

	mu     sync.Mutex
	opened []string
}

// Open opens the fake device at path, which must be FS.Path("/dev/nvmeN").
func (a *Admins) Open(path string) (nvmf.AdminDevice, error) {
	name, err := a.open("OpenAdmin", path)
	if err != nil {
		return nil, err
	}
	dir := "/sys/class/nvme/" + name
	tr, err := a.fs.ReadAttr(dir + "/transport")
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: syscall.ENOENT}
	}
	raw, _ := a.fs.ReadAttr(dir + "/address")
	addr := topology.ParseAddress(raw)
	return &device{a: a, log: a.Logs[Target(tr, addr.Traddr, addr.Trsvcid)]}, nil
}

// OpenNamespace opens the fake namespace device at path, FS.Path of
// "/dev/ngXnY" or "/dev/nvmeXnY", which exists while /sys/block/nvmeXnY
// does. It answers NVME_IOCTL_ID with that device's nsid attribute and
// Identify Namespace with IDNS.
func (a *Admins) OpenNamespace(path string) (nvmf.NamespaceDevice, error) {
	name, err := a.open("OpenNamespace", path)
	if err != nil {
		return nil, err
	}
	block, generic := strings.CutPrefix(name, "ng")
	if generic {
		block = "nvme" + block
	}
	nsid, err := a.fs.ReadAttr("/sys/block/" + block + "/nsid")
	if err != nil || (generic && a.NoGeneric) {
		return nil, &os.PathError{Op: "open", Path: path, Err: syscall.ENOENT}
	}
	n, err := strconv.ParseUint(nsid, 10, 32)
	if err != nil {
		a.t.Fatalf("fixture nsid of %s: %v", block, err)
	}
	return &nsDevice{device{a: a}, uint32(n)}, nil
}

type nsDevice struct {
	device
	nsid uint32
}

func (d *nsDevice) NamespaceID() (uint32, error) { return d.nsid, nil }

// open records an open of the device at path (which must be under the
// root's /dev) and returns its name, or the error OpenErr sets for it.
func (a *Admins) open(op, path string) (string, error) {
	name := filepath.Base(path)
	a.mu.Lock()
	a.opened = append(a.opened, name)
	a.mu.Unlock()
	if path != a.fs.Path("/dev/"+name) {
		a.t.Errorf("%s(%q): not a device path under the root %s", op, path, a.fs.Root())
	}
	return name, a.OpenErr[name]
}

// Opened lists the devices opened so far.
func (a *Admins) Opened() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.opened)
}

type device struct {
	a   *Admins
	log []byte
}

func (d *device) Close() error { return nil }

func (d *device) Submit(c ioctl.Command, data []byte) (uint32, error) {
	switch c.Opcode {
	case ioctl.OpcodeGetLogPage:
		if c.CDW10&0xff != 0x70 || d.log == nil {
			return 0, &ioctl.StatusError{Status: 0x2109} // invalid log page
		}
		off := uint64(c.CDW12) | uint64(c.CDW13)<<32
		clear(data)
		if off < uint64(len(d.log)) {
			copy(data, d.log[off:])
		}
		return 0, nil
	case ioctl.OpcodeIdentify:
		if c.CDW10&0xff != ioctl.CNSNamespace || d.a.IDNS == nil {
			return 0, &ioctl.StatusError{Status: 0x4002}
		}
		copy(data, d.a.IDNS)
		return 0, nil
	}
	return 0, &ioctl.StatusError{Status: 0x4001}
}
