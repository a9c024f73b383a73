package nvmftest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/internal/kcrypto"
	"github.com/gonvme/gonvme/keyring"
	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/nvmftest/kfixtures"
	"github.com/gonvme/gonvme/topology"
)

// The identity the 6.1 fixtures were captured with (etc/nvme).
const (
	HostNQN = "nqn.2014-08.org.nvmexpress:uuid:a1e0c3d2-5b6f-4e7a-8c9d-0123456789ab"
	HostID  = "a1e0c3d2-5b6f-4e7a-8c9d-0123456789ab"
)

// Fixtures returns the directory of the kernel 6.1 fixtures,
// testdata/kernel/6.1 at the top of the module.
func Fixtures() string { return Kernel61Fixture().Dir }

// Kernel61Fixture is the 6.1 capture, the one New starts from.
func Kernel61Fixture() kfixtures.Kernel {
	return kfixtures.Kernel{Name: "6.1", Dir: filepath.Join(kfixtures.Root(), "6.1")}
}

// ReadFixture reads a file under Fixtures.
func ReadFixture(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Fixtures(), rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Supported61 is what /dev/nvme-fabrics of the 6.1 kernel lists.
func Supported61(t testing.TB) fabrics.Supported { return SupportedOf(t, Kernel61Fixture()) }

// SupportedOf is what /dev/nvme-fabrics of kernel k lists.
func SupportedOf(t testing.TB, k kfixtures.Kernel) fabrics.Supported {
	t.Helper()
	sup, err := fabrics.ParseSupported(string(k.ReadFile(t, "nvme-cli/supported-options.txt")))
	if err != nil {
		t.Fatal(err)
	}
	return sup
}

// Root describes the host root a Fake starts from.
type Root int

const (
	// Empty is a root without any NVMe controller, but with the captured
	// /etc/nvme identity.
	Empty Root = iota
	// Kernel61 is a copy of the captured sysfs tree and /etc/nvme (of the
	// 6.1 kernel with New, of the given one with NewOn).
	Kernel61
	// Bare is an empty directory: no /etc/nvme either.
	Bare
)

// Fake is a fake kernel edge over a temporary root.
type Fake struct {
	Root string
	FS   hostfs.FS
	// Fixture is the kernel capture the root came from.
	Fixture kfixtures.Kernel
	Kernel  *Kernel
	Admin   *Admins
	Del     *Deleter
	// Keys are the keys SearchKey finds, by KeyName(ring, type,
	// description).
	Keys map[string]int
	// Payloads are the payloads UpdateKey added, by serial.
	Payloads map[int][]byte
	Edge     *nvmf.Edge
}

// KeyName is the index of a key in Fake.Keys.
func KeyName(ring int, keyType, desc string) string {
	return strconv.Itoa(ring) + "/" + keyType + "/" + desc
}

// searchKey finds a key in Keys, failing as keyring.Search does.
func (f *Fake) searchKey(ring int, keyType, desc string) (int, error) {
	if id, ok := f.Keys[KeyName(ring, keyType, desc)]; ok {
		return id, nil
	}
	return 0, fmt.Errorf("%s %q in keyring %d: %w", keyType, desc, ring, keyring.ErrNotFound)
}

// New returns a Fake over a new root of the given kind, from the 6.1
// kernel's capture.
func New(t testing.TB, kind Root) *Fake {
	t.Helper()
	return NewOn(t, kind, Kernel61Fixture())
}

// NewOn returns a Fake over a new root of the given kind from kernel k's
// capture: its sysfs tree, /etc/nvme and supported-options list.
func NewOn(t testing.TB, kind Root, k kfixtures.Kernel) *Fake {
	t.Helper()
	root := t.TempDir()
	switch kind {
	case Kernel61:
		CopyTree(t, k.Path("sys"), filepath.Join(root, "sys"))
		CopyTree(t, k.Path("etc"), filepath.Join(root, "etc"))
	case Empty:
		CopyTree(t, k.Path("etc"), filepath.Join(root, "etc"))
	}
	f := &Fake{Root: root, FS: hostfs.New(root), Fixture: k}
	f.Kernel = &Kernel{t: t, fs: f.FS, Sup: SupportedOf(t, k)}
	f.Admin = &Admins{t: t, fs: f.FS, Logs: map[string][]byte{}}
	f.Del = &Deleter{fs: f.FS}
	f.Keys, f.Payloads = map[string]int{}, map[int][]byte{}
	f.Edge = &nvmf.Edge{FS: f.FS, Kernel: f.Kernel, OpenAdmin: f.Admin.Open, OpenNamespace: f.Admin.OpenNamespace, Delete: f.Del.Delete,
		SearchKey: f.searchKey, UpdateKey: f.updateKey, LoadModule: f.loadModule, AllocCipher: f.allocCipher}
	return f
}

// loadModule refuses as modprobe does on a kernel without the module:
// tests that load one set Edge.LoadModule.
func (f *Fake) loadModule(name string) error {
	return fmt.Errorf("modprobe: FATAL: Module %s not found in directory /lib/modules/6.1.0-48-amd64", name)
}

// allocCipher answers as the kernel's AF_ALG does: the algorithm is there
// when the root's /proc/crypto lists it, else ENOENT.
func (f *Fake) allocCipher(name, typ string) error {
	b, _ := f.FS.ReadFile("/proc/crypto")
	if kcrypto.Lists(b, name, typ) {
		return nil
	}
	return fmt.Errorf("AF_ALG %s %s: %w", typ, name, syscall.ENOENT)
}

// CopyTree copies the directory src to dst, keeping symbolic links as they
// are (the fixture's links are relative).
func CopyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			l, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(l, to)
		case d.IsDir():
			return os.MkdirAll(to, 0o755)
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(to, b, 0o644)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

// WriteFile writes a file under the root, creating its directories.
func (f *Fake) WriteFile(t testing.TB, abs, content string) {
	t.Helper()
	p := f.FS.Path(abs)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Controllers lists the controller names now in /sys/class/nvme.
func (f *Fake) Controllers(t testing.TB) []string {
	t.Helper()
	topo, err := topology.Scan(f.FS)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range topo.Controllers {
		out = append(out, c.Name)
	}
	return out
}

// AddController creates /sys/class/nvme/<name> with the given attributes
// (transport, address, subsysnqn, state, cntrltype, …).
func (f *Fake) AddController(t testing.TB, name string, attrs map[string]string) {
	t.Helper()
	for k, v := range attrs {
		f.WriteFile(t, "/sys/class/nvme/"+name+"/"+k, v+"\n")
	}
}
