package nvmf

import (
	"fmt"
	"io"
	"sync"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/hostauth"
	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/ioctl"
	"github.com/gonvme/gonvme/keyring"
	"github.com/gonvme/gonvme/topology"
)

// AdminDevice is an open controller or namespace character device that takes
// admin commands.
type AdminDevice interface {
	ioctl.Admin
	io.Closer
}

// NamespaceDevice is an open namespace device (generic character or block
// device) that takes admin commands and tells its namespace ID.
type NamespaceDevice interface {
	AdminDevice
	NamespaceID() (uint32, error)
}

// Edge is everything an operation needs from the host: the file-system root,
// the fabrics device, admin command access and controller deletion.
type Edge struct {
	FS     hostfs.FS
	Kernel fabrics.Kernel
	// OpenAdmin opens a device path such as "/dev/nvme3" (already mapped
	// through FS) for admin commands.
	OpenAdmin func(path string) (AdminDevice, error)
	// OpenNamespace opens a namespace device path such as "/dev/ng3n1" or
	// "/dev/nvme3n1" (already mapped through FS).
	OpenNamespace func(path string) (NamespaceDevice, error)
	// Delete removes the controller named like "nvme3".
	Delete func(name string) error
	// SearchKey returns the serial of a key in a kernel keyring (see
	// keyring.Search).
	SearchKey func(ring int, keyType, desc string) (int, error)
	// UpdateKey puts a key into a kernel keyring, replacing one of the
	// same type and description (see keyring.Update).
	UpdateKey func(ring int, keyType, desc string, payload []byte) (int, error)
	// Log, when set, gives each failed connect or discovery the kernel
	// log lines logged while it ran (a *KernelLogError in its chain).
	Log *KernelLog
	// Progress, when set, is told after each path connect of
	// ConnectPaths and each delete of DeleteControllers how far the run
	// has got. Calls come one at a time.
	Progress func(Progress)
	// AuthSupport says whether the kernel has DH-HMAC-CHAP host support;
	// nil means hostauth.Probe of FS. It is asked once.
	AuthSupport func() hostauth.Support
	// LoadModule loads a kernel module for CheckTLS (tls, algif_aead,
	// gcm); nil means modprobe.
	LoadModule func(name string) error
	// AllocCipher asks the kernel to allocate a crypto algorithm of a type
	// (CheckTLS's TLSCipher, "aead"); nil means AF_ALG (an ENOENT error
	// when the kernel has none).
	AllocCipher func(name, typ string) error

	authOnce sync.Once
	auth     hostauth.Support
}

// Progress is how far a run over many paths or controllers has got.
type Progress struct {
	Done, Total, Failed int
}

func (e *Edge) progress(p Progress) {
	if e.Progress != nil {
		e.Progress(p)
	}
}

// NewEdge returns the Edge of the real host rooted at fs.
func NewEdge(fs hostfs.FS) *Edge {
	return &Edge{
		FS:     fs,
		Kernel: fabrics.NewKernel(fs),
		OpenAdmin: func(path string) (AdminDevice, error) {
			return ioctl.Open(path)
		},
		OpenNamespace: func(path string) (NamespaceDevice, error) {
			return ioctl.Open(path)
		},
		Delete:    func(name string) error { return fabrics.Disconnect(fs, name) },
		SearchKey: keyring.Search,
		UpdateKey: keyring.Update,
	}
}

// Scan reads the whole controller and subsystem topology.
func (e *Edge) Scan() (*topology.Topology, error) {
	return e.ScanView(topology.Everything)
}

// ScanPaths reads only the part of the topology that matching paths and
// choosing controllers need (topology.PathsView: names, transport, address,
// subsystem NQN, state, controller type, subsystem links and type), about a
// third of Scan's reads. Connect, connect-all, discover and disconnect use
// it; so can anything that does not show the topology.
func (e *Edge) ScanPaths() (*topology.Topology, error) {
	return e.ScanView(topology.PathsView)
}

// ScanView reads the part of the topology that v names.
func (e *Edge) ScanView(v topology.View) (*topology.Topology, error) {
	t, err := topology.ScanView(e.FS, v)
	if err != nil {
		return nil, fmt.Errorf("reading the NVMe topology from %s: %w", e.FS.Path("/sys/class/nvme"), err)
	}
	return t, nil
}

// devPath maps a device name such as "nvme3" to its /dev path under FS.
func (e *Edge) devPath(name string) string { return e.FS.Path("/dev/" + name) }
