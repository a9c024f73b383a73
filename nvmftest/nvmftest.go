package nvmftest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/ioctl"
	"github.com/gonvme/gonvme/keyring"
	"github.com/gonvme/gonvme/nqn"
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
		SearchKey: f.searchKey, UpdateKey: f.updateKey}
	return f
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

// Target is the key of a discovery log page: "rdma 169.254.99.1:4420".
func Target(transport, traddr, trsvcid string) string {
	return transport + " " + traddr + ":" + trsvcid
}

// Kernel is a fake /dev/nvme-fabrics. Create parses the option string,
// records it and, unless Fail refuses it, creates the controller in the
// root: /sys/class/nvme/nvmeN with the lowest free N.
type Kernel struct {
	t  testing.TB
	fs hostfs.FS

	// Sup is what Probe returns.
	Sup fabrics.Supported
	// Fail, when set, is asked about every write before it succeeds; a
	// non-zero errno refuses it as the kernel would.
	Fail func(opts map[string]string) syscall.Errno
	// HostAuth makes the fake a kernel with DH-HMAC-CHAP host support
	// (6.12 and later in Debian): new fabrics controllers get the
	// dhchap_secret and dhchap_ctrl_secret attributes, showing the
	// secrets or "none" as the kernel does. Without it the fake is 6.1,
	// which ignores the secrets.
	HostAuth bool
	// OnCreate, when set, runs at the start of every write (for example to
	// cancel a context at a chosen moment).
	OnCreate func(opts map[string]string)
	// Unloaded names transports whose host driver module is not loaded:
	// the kernel finds no handler for them and refuses with EINVAL.
	Unloaded map[string]bool
	// Journal, when set, gets the line the kernel logs for each controller
	// it creates: nvme nvmeN: new ctrl: NQN "…", addr traddr:trsvcid.
	Journal *Journal

	served  *served // set by Fake.Serve
	mu      sync.Mutex
	writes  []string
	probes  int
	cntlid  int
	created []string
}

// Probe returns Sup.
func (k *Kernel) Probe() (fabrics.Supported, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.probes++
	return k.Sup, nil
}

// ParseOptions splits an option string into its tokens; a bare flag maps
// to "".
func ParseOptions(s string) map[string]string {
	m := map[string]string{}
	for _, tok := range strings.Split(s, ",") {
		k, v, _ := strings.Cut(tok, "=")
		m[k] = v
	}
	return m
}

// Create records opts and creates a controller unless Fail refuses.
func (k *Kernel) Create(opts string) (fabrics.Reply, error) {
	m := ParseOptions(opts)
	if k.OnCreate != nil {
		k.OnCreate(m)
	}
	k.mu.Lock()
	k.writes = append(k.writes, opts)
	fail := k.Fail
	k.mu.Unlock()
	errno := kernelRefuses(m)
	if errno == 0 {
		errno = k.refuse(m)
	}
	if errno == 0 && fail != nil {
		errno = fail(m)
	}
	if errno == 0 {
		var line string
		if errno, line = k.served.admit(m); line != "" && k.Journal != nil {
			k.Journal.Log("nvme " + k.nextName() + ": " + line)
		}
	}
	if errno != 0 {
		return fabrics.Reply{}, &fabrics.KernelError{Op: "connect", Path: k.fs.Path(fabrics.DevicePath), Errno: errno}
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	n := 0
	for ; ; n++ {
		if _, err := os.Lstat(k.fs.Path("/sys/class/nvme/nvme" + strconv.Itoa(n))); errors.Is(err, os.ErrNotExist) {
			break
		}
	}
	name := "nvme" + strconv.Itoa(n)
	// nvmf_get_address: each token only when it was given.
	addr := "traddr=" + m["traddr"]
	if v, ok := m["trsvcid"]; ok {
		addr += ",trsvcid=" + v
	}
	if v, ok := m["host_traddr"]; ok {
		addr += ",host_traddr=" + v
	}
	if v, ok := m["host_iface"]; ok {
		addr += ",host_iface=" + v
	}
	ctype := "io"
	if m["nqn"] == nqn.Discovery || hasKey(m, "discovery") {
		ctype = "discovery"
	}
	// The kernel's keep-alive timeout: none for a discovery controller
	// unless asked for (a persistent one), 5 s for I/O.
	kato := "0"
	if ctype == "io" {
		kato = "5"
	}
	if v, ok := m["keep_alive_tmo"]; ok {
		kato = v
	}
	k.cntlid++
	dir := k.fs.Path("/sys/class/nvme/" + name)
	attrs := map[string]string{
		"transport": m["transport"], "address": addr, "subsysnqn": m["nqn"],
		"state": "live", "cntrltype": ctype, "hostnqn": m["hostnqn"], "hostid": m["hostid"],
		"cntlid": strconv.Itoa(k.cntlid), "model": "Linux", "serial": "fake" + strconv.Itoa(n),
		"firmware_rev": "6.1.0-56", "kato": kato,
	}
	if k.HostAuth {
		attrs["dhchap_secret"], attrs["dhchap_ctrl_secret"] = orNone(m["dhchap_secret"]), orNone(m["dhchap_ctrl_secret"])
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		k.t.Errorf("fake kernel: %v", err)
		return fabrics.Reply{}, err
	}
	for a, v := range attrs {
		if err := os.WriteFile(filepath.Join(dir, a), []byte(v+"\n"), 0o644); err != nil {
			k.t.Errorf("fake kernel: %v", err)
			return fabrics.Reply{}, err
		}
	}
	if err := k.served.attach(name, n, m); err != nil {
		k.t.Errorf("fake kernel: %v", err)
		return fabrics.Reply{}, err
	}
	k.created = append(k.created, name)
	if k.Journal != nil {
		k.Journal.Log(fmt.Sprintf("nvme %s: new ctrl: NQN %q, addr %s:%s", name, m["nqn"], m["traddr"], m["trsvcid"]))
	}
	return fabrics.Reply{Instance: n, CntlID: k.cntlid}, nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }

// Writes returns every option string written so far, in order.
func (k *Kernel) Writes() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.writes)
}

// Created returns the controllers created so far, in order.
func (k *Kernel) Created() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.created)
}

// FailWhen refuses every write whose token key has value (or, for a flag,
// is present when value is "") with errno.
func FailWhen(key, value string, errno syscall.Errno) func(map[string]string) syscall.Errno {
	return func(m map[string]string) syscall.Errno {
		if v, ok := m[key]; ok && v == value {
			return errno
		}
		return 0
	}
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

// Deleter is a fake controller delete: it removes /sys/class/nvme/<name>
// (and the directory a link points at, and the subsystems' links to it),
// records the call and how many deletes ran at once.
type Deleter struct {
	fs hostfs.FS

	// Errs fails the deletes of the names it lists (nothing is removed).
	Errs map[string]error
	// Hold makes each delete last this long, so that concurrent ones
	// overlap.
	Hold time.Duration
	// OnDelete, when set, runs at the start of every delete.
	OnDelete func(name string)

	afterDelete func(name string) // set by Fake.Serve
	mu          sync.Mutex
	calls       []string
	active, max int
}

// Delete deletes the controller name.
func (d *Deleter) Delete(name string) error {
	if d.OnDelete != nil {
		d.OnDelete(name)
	}
	d.mu.Lock()
	d.calls = append(d.calls, name)
	d.active++
	d.max = max(d.max, d.active)
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		d.active--
		d.mu.Unlock()
	}()
	if d.Hold > 0 {
		time.Sleep(d.Hold)
	}
	if err := d.Errs[name]; err != nil {
		return err
	}
	link := d.fs.Path("/sys/class/nvme/" + name)
	if _, err := os.Lstat(link); err != nil {
		return &fabrics.KernelError{Op: "disconnect", Path: link, Target: name, Errno: syscall.ENOENT}
	}
	if target, err := filepath.EvalSymlinks(link); err == nil && target != link {
		if err := os.RemoveAll(target); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(link); err != nil {
		return err
	}
	subs, _ := d.fs.ReadDir("/sys/class/nvme-subsystem")
	for _, s := range subs {
		_ = os.Remove(d.fs.Path("/sys/class/nvme-subsystem/" + s.Name() + "/" + name))
	}
	if d.afterDelete != nil {
		d.afterDelete(name)
	}
	return nil
}

// Calls lists the names deleted so far, in the order the deletes started.
func (d *Deleter) Calls() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.calls)
}

// MaxConcurrent is the largest number of deletes that ran at once.
func (d *Deleter) MaxConcurrent() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.max
}

// CancelOnCreate returns an OnCreate hook that cancels when the n-th write
// (from 1) starts.
func CancelOnCreate(cancel context.CancelFunc, n int) func(map[string]string) {
	var mu sync.Mutex
	seen := 0
	return func(map[string]string) {
		mu.Lock()
		defer mu.Unlock()
		seen++
		if seen == n {
			cancel()
		}
	}
}
