package nvmet

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// DefaultRoot is where configfs is mounted on Linux.
const DefaultRoot = "/sys/kernel/config"

// Target is a builder over one configfs tree.
type Target struct {
	root   string
	plain  bool   // root is an ordinary directory: emulate configfs
	devDir string // where block devices appear (for null_blk paths)
}

// New returns a Target over the configfs mounted at root ("" = DefaultRoot).
// An ordinary directory is accepted and treated as an emulated configfs.
func New(root string) *Target {
	if root == "" {
		root = DefaultRoot
	}
	return &Target{root: root, plain: !isConfigfs(root), devDir: "/dev"}
}

// Root returns the configfs root the Target works on.
func (t *Target) Root() string { return t.root }

// Emulated reports whether the root is an ordinary directory (not configfs).
func (t *Target) Emulated() bool { return t.plain }

// Addr is a transport address as nvmet's configfs spells it.
type Addr struct {
	Trtype  string // rdma, tcp, loop, fc
	Adrfam  string // ipv4, ipv6, ib, fc; empty for loop
	Traddr  string
	Trsvcid string
	Treq    string // optional: "not specified", "required", "not required"
}

func (a Addr) String() string {
	h := a.Traddr
	if a.Adrfam == "ipv6" {
		h = "[" + h + "]"
	}
	return a.Trtype + ":" + h + ":" + a.Trsvcid
}

// ParseAddr parses "trtype:host:port" (host may be a bracketed IPv6
// address), e.g. "rdma:169.254.99.1:4420" or "tcp:[::1]:4420".
func ParseAddr(s string) (Addr, error) {
	tr, hp, ok := strings.Cut(s, ":")
	if !ok {
		return Addr{}, fmt.Errorf("address %q: want trtype:host:port", s)
	}
	return HostPort(tr, hp)
}

// HostPort builds an Addr from a transport type and "host:port".
func HostPort(trtype, hostport string) (Addr, error) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return Addr{}, fmt.Errorf("address %q: %v", hostport, err)
	}
	switch trtype {
	case "rdma", "tcp":
	default:
		return Addr{}, fmt.Errorf("address %q: transport %q not rdma or tcp", hostport, trtype)
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return Addr{}, fmt.Errorf("address %q: %q is not an IP address", hostport, host)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return Addr{}, fmt.Errorf("address %q: bad port %q", hostport, port)
	}
	fam := "ipv4"
	if ip.To4() == nil {
		fam = "ipv6"
	}
	return Addr{Trtype: trtype, Adrfam: fam, Traddr: host, Trsvcid: port}, nil
}

// Namespace is one namespace of a subsystem.
type Namespace struct {
	NSID       int
	DevicePath string // block device or file
	BufferedIO bool   // needed for files on tmpfs
	UUID       string // optional device_uuid
	NGUID      string // optional device_nguid
	Disabled   bool   // create but leave disabled
}

// Subsystem describes an NVM subsystem to create.
type Subsystem struct {
	NQN          string
	AllowAnyHost bool
	AllowedHosts []string // host NQNs; ignored when AllowAnyHost
	Serial       string   // optional attr_serial
	Model        string   // optional attr_model
	Namespaces   []Namespace
}

func (t *Target) nvmet(p ...string) string {
	return filepath.Join(append([]string{t.root, "nvmet"}, p...)...)
}

func portDir(id int) string { return strconv.Itoa(id) }

func validName(kind, s string) error {
	if s == "" || s == "." || s == ".." || strings.ContainsAny(s, "/\x00\n") {
		return fmt.Errorf("nvmet: invalid %s name %q", kind, s)
	}
	return nil
}

// mkgroup creates a configfs group (and, when emulating, its default groups).
func (t *Target) mkgroup(dir string, defaults ...string) error {
	if err := os.Mkdir(dir, 0o755); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("nvmet: %s already exists", t.rel(dir))
		}
		return fmt.Errorf("nvmet: mkdir %s: %w", t.rel(dir), err)
	}
	if t.plain {
		for _, d := range defaults {
			if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
				return err
			}
		}
	}
	return nil
}

// write stores one attribute value with a single write(2).
func (t *Target) write(path, val string) error {
	flag := os.O_WRONLY | os.O_TRUNC
	if t.plain {
		flag |= os.O_CREATE
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return fmt.Errorf("nvmet: %s: %w", t.rel(path), err)
	}
	_, werr := f.Write([]byte(val))
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("nvmet: write %q to %s: %w", val, t.rel(path), werr)
	}
	return nil
}

func (t *Target) read(path string) (string, error) {
	b, err := os.ReadFile(path)
	return strings.TrimRight(string(b), "\n"), err
}

func (t *Target) rel(p string) string {
	if r, err := filepath.Rel(t.root, p); err == nil {
		return r
	}
	return p
}

// rmgroup removes a configfs group. configfs refuses (ENOTEMPTY/EBUSY) while
// the group holds links or user-created child groups; emulated roots apply
// the same rule, treating the named default groups as part of the group.
func (t *Target) rmgroup(dir string, defaults ...string) error {
	if !t.plain {
		if err := os.Remove(dir); err != nil {
			return fmt.Errorf("nvmet: rmdir %s: %w", t.rel(dir), err)
		}
		return nil
	}
	isDefault := map[string]bool{}
	for _, d := range defaults {
		isDefault[d] = true
	}
	var busy error
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		r, _ := filepath.Rel(dir, p)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			busy = fmt.Errorf("nvmet: rmdir %s: link %s still present: %w", t.rel(dir), r, fs.ErrExist)
		case d.IsDir() && !isDefault[r]:
			busy = fmt.Errorf("nvmet: rmdir %s: group %s still present: %w", t.rel(dir), r, fs.ErrExist)
		}
		if busy != nil {
			return fs.SkipAll
		}
		return nil
	})
	if err != nil {
		return err
	}
	if busy != nil {
		return busy
	}
	return os.RemoveAll(dir)
}

func listDir(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names, nil
}

func exists(p string) bool { _, err := os.Lstat(p); return err == nil }

// ---------------------------------------------------------------- null_blk

// NullBlkOptions tunes CreateNullBlkWith.
type NullBlkOptions struct {
	SizeMB       int // device size in MiB (default 64)
	BlockSize    int // logical block size (default: kernel's, 512)
	NoMemBacking bool
}

// CreateNullBlk creates a memory-backed null_blk device of sizeMB MiB named
// name (null_blk must be loaded with nr_devices=0) and returns its /dev path.
func (t *Target) CreateNullBlk(name string, sizeMB int) (string, error) {
	return t.CreateNullBlkWith(name, NullBlkOptions{SizeMB: sizeMB})
}

// CreateNullBlkWith is CreateNullBlk with more options.
func (t *Target) CreateNullBlkWith(name string, o NullBlkOptions) (string, error) {
	if err := validName("null_blk", name); err != nil {
		return "", err
	}
	if o.SizeMB <= 0 {
		o.SizeMB = 64
	}
	base := filepath.Join(t.root, "nullb")
	if t.plain {
		if err := os.MkdirAll(base, 0o755); err != nil {
			return "", err
		}
	} else if !exists(base) {
		return "", fmt.Errorf("nvmet: %s missing: load null_blk (nr_devices=0)", base)
	}
	dir := filepath.Join(base, name)
	if err := t.mkgroup(dir); err != nil {
		return "", err
	}
	attrs := [][2]string{{"size", strconv.Itoa(o.SizeMB)}}
	if o.BlockSize > 0 {
		attrs = append(attrs, [2]string{"blocksize", strconv.Itoa(o.BlockSize)})
	}
	mb := "1"
	if o.NoMemBacking {
		mb = "0"
	}
	attrs = append(attrs, [2]string{"memory_backed", mb}, [2]string{"power", "1"})
	for _, a := range attrs {
		if err := t.write(filepath.Join(dir, a[0]), a[1]); err != nil {
			_ = t.rmgroup(dir)
			return "", err
		}
	}
	// Kernels name the disk after the configfs item; older ones used
	// nullb<index>.
	dev := filepath.Join(t.devDir, name)
	if !t.plain && !exists(dev) {
		if idx, err := t.read(filepath.Join(dir, "index")); err == nil && exists(filepath.Join(t.devDir, "nullb"+idx)) {
			dev = filepath.Join(t.devDir, "nullb"+idx)
		}
	}
	return dev, nil
}

// RemoveNullBlk powers off and removes a null_blk device.
func (t *Target) RemoveNullBlk(name string) error {
	dir := filepath.Join(t.root, "nullb", name)
	if !exists(dir) {
		return nil
	}
	if p := filepath.Join(dir, "power"); exists(p) {
		_ = t.write(p, "0")
	}
	return t.rmgroup(dir)
}

// NullBlks lists the null_blk devices created through configfs.
func (t *Target) NullBlks() ([]string, error) {
	names, err := listDir(filepath.Join(t.root, "nullb"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		if fi, err := os.Stat(filepath.Join(t.root, "nullb", n)); err == nil && fi.IsDir() {
			out = append(out, n)
		}
	}
	return out, nil
}

// ---------------------------------------------------------------- subsystems

func (t *Target) checkNvmet() error {
	if t.plain {
		for _, d := range []string{"subsystems", "ports", "hosts"} {
			if err := os.MkdirAll(t.nvmet(d), 0o755); err != nil {
				return err
			}
		}
		return nil
	}
	if !exists(t.nvmet("subsystems")) {
		return fmt.Errorf("nvmet: %s missing: load nvmet and mount configfs", t.nvmet())
	}
	return nil
}

// CreateSubsystem creates a subsystem with its namespaces and host access.
func (t *Target) CreateSubsystem(s Subsystem) error {
	if err := validName("subsystem", s.NQN); err != nil {
		return err
	}
	if err := t.checkNvmet(); err != nil {
		return err
	}
	dir := t.nvmet("subsystems", s.NQN)
	if err := t.mkgroup(dir, "namespaces", "allowed_hosts"); err != nil {
		return err
	}
	fail := func(err error) error {
		_ = t.RemoveSubsystem(s.NQN)
		return err
	}
	if s.Serial != "" {
		if err := t.write(filepath.Join(dir, "attr_serial"), s.Serial); err != nil {
			return fail(err)
		}
	}
	if s.Model != "" {
		if err := t.write(filepath.Join(dir, "attr_model"), s.Model); err != nil {
			return fail(err)
		}
	}
	allow := "0"
	if s.AllowAnyHost {
		allow = "1"
	}
	if err := t.write(filepath.Join(dir, "attr_allow_any_host"), allow); err != nil {
		return fail(err)
	}
	if !s.AllowAnyHost {
		for _, h := range s.AllowedHosts {
			if err := t.AllowHost(s.NQN, h); err != nil {
				return fail(err)
			}
		}
	}
	for _, ns := range s.Namespaces {
		if err := t.AddNamespace(s.NQN, ns); err != nil {
			return fail(err)
		}
	}
	return nil
}

// AddNamespace adds (and by default enables) a namespace.
func (t *Target) AddNamespace(nqn string, ns Namespace) error {
	if ns.NSID <= 0 {
		return fmt.Errorf("nvmet: namespace id %d: must be >= 1", ns.NSID)
	}
	sub := t.nvmet("subsystems", nqn)
	if !exists(sub) {
		return fmt.Errorf("nvmet: subsystem %s: %w", nqn, fs.ErrNotExist)
	}
	dir := filepath.Join(sub, "namespaces", strconv.Itoa(ns.NSID))
	if err := t.mkgroup(dir); err != nil {
		return err
	}
	attrs := [][2]string{{"device_path", ns.DevicePath}}
	if ns.BufferedIO {
		attrs = append(attrs, [2]string{"buffered_io", "1"})
	}
	if ns.UUID != "" {
		attrs = append(attrs, [2]string{"device_uuid", ns.UUID})
	}
	if ns.NGUID != "" {
		attrs = append(attrs, [2]string{"device_nguid", ns.NGUID})
	}
	if !ns.Disabled {
		attrs = append(attrs, [2]string{"enable", "1"})
	}
	for _, a := range attrs {
		if err := t.write(filepath.Join(dir, a[0]), a[1]); err != nil {
			_ = t.rmgroup(dir)
			return err
		}
	}
	return nil
}

// RemoveNamespace disables and removes a namespace.
func (t *Target) RemoveNamespace(nqn string, nsid int) error {
	dir := t.nvmet("subsystems", nqn, "namespaces", strconv.Itoa(nsid))
	if !exists(dir) {
		return nil
	}
	if p := filepath.Join(dir, "enable"); exists(p) {
		if v, _ := t.read(p); v == "1" {
			if err := t.write(p, "0"); err != nil {
				return err
			}
		}
	}
	return t.rmgroup(dir)
}

// AllowHost creates hosts/<hostnqn> (if needed) and links it into the
// subsystem's allowed_hosts.
func (t *Target) AllowHost(nqn, hostnqn string) error {
	if err := validName("host", hostnqn); err != nil {
		return err
	}
	if err := t.checkNvmet(); err != nil {
		return err
	}
	h := t.nvmet("hosts", hostnqn)
	if !exists(h) {
		if err := t.mkgroup(h); err != nil {
			return err
		}
	}
	link := t.nvmet("subsystems", nqn, "allowed_hosts", hostnqn)
	if exists(link) {
		return nil
	}
	if err := os.Symlink(h, link); err != nil {
		return fmt.Errorf("nvmet: allow host %s on %s: %w", hostnqn, nqn, err)
	}
	return nil
}

// DisallowHost removes a host from a subsystem's allowed_hosts.
func (t *Target) DisallowHost(nqn, hostnqn string) error {
	link := t.nvmet("subsystems", nqn, "allowed_hosts", hostnqn)
	if !exists(link) {
		return nil
	}
	return os.Remove(link)
}

// SetAllowAnyHost flips attr_allow_any_host.
func (t *Target) SetAllowAnyHost(nqn string, allow bool) error {
	v := "0"
	if allow {
		v = "1"
	}
	return t.write(t.nvmet("subsystems", nqn, "attr_allow_any_host"), v)
}

// RemoveSubsystem unlinks the subsystem from every port, removes its
// namespaces and host links, then the subsystem.
func (t *Target) RemoveSubsystem(nqn string) error {
	dir := t.nvmet("subsystems", nqn)
	if !exists(dir) {
		return nil
	}
	ports, err := t.Ports()
	if err != nil {
		return err
	}
	for _, p := range ports {
		if err := t.Unlink(p, nqn); err != nil {
			return err
		}
	}
	hosts, _ := listDir(filepath.Join(dir, "allowed_hosts"))
	for _, h := range hosts {
		if err := os.Remove(filepath.Join(dir, "allowed_hosts", h)); err != nil {
			return fmt.Errorf("nvmet: %w", err)
		}
	}
	nss, _ := listDir(filepath.Join(dir, "namespaces"))
	for _, n := range nss {
		id, err := strconv.Atoi(n)
		if err != nil {
			continue
		}
		if err := t.RemoveNamespace(nqn, id); err != nil {
			return err
		}
	}
	return t.rmgroup(dir, "namespaces", "allowed_hosts")
}

// Subsystems lists subsystem NQNs.
func (t *Target) Subsystems() ([]string, error) { return listDir(t.nvmet("subsystems")) }

// ---------------------------------------------------------------- ports

// CreatePort creates port id with address a. It serves nothing until a
// subsystem is linked.
func (t *Target) CreatePort(id int, a Addr) error {
	if id < 0 || id > 65535 {
		return fmt.Errorf("nvmet: port id %d out of range", id)
	}
	if err := t.checkNvmet(); err != nil {
		return err
	}
	dir := t.nvmet("ports", portDir(id))
	if err := t.mkgroup(dir, "subsystems", "referrals", "ana_groups"); err != nil {
		return err
	}
	if err := t.writeAddr(dir, a); err != nil {
		_ = t.rmgroup(dir, "subsystems", "referrals", "ana_groups")
		return err
	}
	return nil
}

func (t *Target) writeAddr(dir string, a Addr) error {
	attrs := [][2]string{{"addr_trtype", a.Trtype}}
	if a.Adrfam != "" {
		attrs = append(attrs, [2]string{"addr_adrfam", a.Adrfam})
	}
	attrs = append(attrs, [2]string{"addr_traddr", a.Traddr}, [2]string{"addr_trsvcid", a.Trsvcid})
	if a.Treq != "" {
		attrs = append(attrs, [2]string{"addr_treq", a.Treq})
	}
	for _, kv := range attrs {
		if kv[1] == "" && kv[0] != "addr_trsvcid" {
			return fmt.Errorf("nvmet: %s empty", kv[0])
		}
		if kv[1] == "" {
			continue
		}
		if err := t.write(filepath.Join(dir, kv[0]), kv[1]); err != nil {
			return err
		}
	}
	return nil
}

// Link makes port id serve subsystem nqn.
func (t *Target) Link(id int, nqn string) error {
	sub := t.nvmet("subsystems", nqn)
	if !exists(sub) {
		return fmt.Errorf("nvmet: subsystem %s: %w", nqn, fs.ErrNotExist)
	}
	link := t.nvmet("ports", portDir(id), "subsystems", nqn)
	if err := os.Symlink(sub, link); err != nil {
		return fmt.Errorf("nvmet: link %s to port %d: %w", nqn, id, err)
	}
	return nil
}

// Unlink stops port id serving nqn (no error if it was not linked).
func (t *Target) Unlink(id int, nqn string) error {
	link := t.nvmet("ports", portDir(id), "subsystems", nqn)
	if !exists(link) {
		return nil
	}
	if err := os.Remove(link); err != nil {
		return fmt.Errorf("nvmet: unlink %s from port %d: %w", nqn, id, err)
	}
	return nil
}

// Links lists the subsystems port id serves.
func (t *Target) Links(id int) ([]string, error) {
	return listDir(t.nvmet("ports", portDir(id), "subsystems"))
}

// PortAddr reads a port's address back.
func (t *Target) PortAddr(id int) (Addr, error) {
	dir := t.nvmet("ports", portDir(id))
	var a Addr
	for _, f := range []struct {
		name string
		dst  *string
	}{{"addr_trtype", &a.Trtype}, {"addr_adrfam", &a.Adrfam}, {"addr_traddr", &a.Traddr}, {"addr_trsvcid", &a.Trsvcid}} {
		v, err := t.read(filepath.Join(dir, f.name))
		if err != nil {
			return Addr{}, err
		}
		*f.dst = v
	}
	return a, nil
}

// AddReferral adds a discovery referral entry named name on port id,
// pointing at address a served as NVMe port refPortID (addr_portid).
func (t *Target) AddReferral(id int, name string, a Addr, refPortID int) error {
	if err := validName("referral", name); err != nil {
		return err
	}
	dir := t.nvmet("ports", portDir(id), "referrals", name)
	if err := t.mkgroup(dir); err != nil {
		return err
	}
	err := t.writeAddr(dir, a)
	if err == nil && refPortID > 0 {
		err = t.write(filepath.Join(dir, "addr_portid"), strconv.Itoa(refPortID))
	}
	if err == nil {
		err = t.write(filepath.Join(dir, "enable"), "1")
	}
	if err != nil {
		_ = t.rmgroup(dir)
	}
	return err
}

// RemoveReferral disables and removes a referral.
func (t *Target) RemoveReferral(id int, name string) error {
	dir := t.nvmet("ports", portDir(id), "referrals", name)
	if !exists(dir) {
		return nil
	}
	if p := filepath.Join(dir, "enable"); exists(p) {
		_ = t.write(p, "0")
	}
	return t.rmgroup(dir)
}

// Referrals lists referral names of port id.
func (t *Target) Referrals(id int) ([]string, error) {
	return listDir(t.nvmet("ports", portDir(id), "referrals"))
}

// RemovePort removes a port after its links and referrals.
func (t *Target) RemovePort(id int) error {
	dir := t.nvmet("ports", portDir(id))
	if !exists(dir) {
		return nil
	}
	links, err := t.Links(id)
	if err != nil {
		return err
	}
	for _, l := range links {
		if err := t.Unlink(id, l); err != nil {
			return err
		}
	}
	refs, err := t.Referrals(id)
	if err != nil {
		return err
	}
	for _, r := range refs {
		if err := t.RemoveReferral(id, r); err != nil {
			return err
		}
	}
	// Extra ANA groups (not the default group 1) would pin the port.
	groups, _ := listDir(filepath.Join(dir, "ana_groups"))
	for _, g := range groups {
		if g != "1" {
			if err := t.rmgroup(filepath.Join(dir, "ana_groups", g)); err != nil {
				return err
			}
		}
	}
	return t.rmgroup(dir, "subsystems", "referrals", "ana_groups", "ana_groups/1")
}

// Ports lists port ids.
func (t *Target) Ports() ([]int, error) {
	names, err := listDir(t.nvmet("ports"))
	if err != nil {
		return nil, err
	}
	var ids []int
	for _, n := range names {
		if id, err := strconv.Atoi(n); err == nil {
			ids = append(ids, id)
		}
	}
	sort.Ints(ids)
	return ids, nil
}

// ---------------------------------------------------------------- teardown

// Teardown removes every port, subsystem, host and null_blk device under the
// root, in an order configfs accepts. It continues past errors and returns
// them joined.
func (t *Target) Teardown() error {
	var errs []error
	ports, err := t.Ports()
	errs = append(errs, err)
	for _, p := range ports {
		errs = append(errs, t.RemovePort(p))
	}
	subs, err := t.Subsystems()
	errs = append(errs, err)
	for _, s := range subs {
		errs = append(errs, t.RemoveSubsystem(s))
	}
	hosts, err := listDir(t.nvmet("hosts"))
	errs = append(errs, err)
	for _, h := range hosts {
		errs = append(errs, t.rmgroup(t.nvmet("hosts", h)))
	}
	nbs, err := t.NullBlks()
	errs = append(errs, err)
	for _, n := range nbs {
		errs = append(errs, t.RemoveNullBlk(n))
	}
	return errors.Join(errs...)
}
