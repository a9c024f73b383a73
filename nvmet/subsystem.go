package nvmet

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

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
	if s.AllowAnyHost {
		if err := t.write(filepath.Join(dir, "attr_allow_any_host"), "1"); err != nil {
			return fail(err)
		}
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
	if err := t.symlink(h, link); err != nil {
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

// SetNamespaceEnabled enables or disables a namespace.
func (t *Target) SetNamespaceEnabled(nqn string, nsid int, on bool) error {
	dir := t.nvmet("subsystems", nqn, "namespaces", strconv.Itoa(nsid))
	if !exists(dir) {
		return fmt.Errorf("nvmet: subsystem %s has no namespace %d: %w", nqn, nsid, fs.ErrNotExist)
	}
	v := "0"
	if on {
		v = "1"
	}
	return t.write(filepath.Join(dir, "enable"), v)
}

// FreeNSID returns the lowest namespace ID a subsystem does not use.
func (t *Target) FreeNSID(nqn string) (int, error) {
	ids, err := t.NSIDs(nqn)
	if err != nil {
		return 0, err
	}
	n := 1
	for _, id := range ids {
		if id == n {
			n++
		}
	}
	return n, nil
}

// ExposedOn lists the ports that expose a subsystem.
func (t *Target) ExposedOn(nqn string) ([]int, error) {
	ports, err := t.Ports()
	if err != nil {
		return nil, err
	}
	var out []int
	for _, p := range ports {
		if exists(t.nvmet("ports", portDir(p), "subsystems", nqn)) {
			out = append(out, p)
		}
	}
	return out, nil
}

// HasSubsystem reports whether a subsystem exists.
func (t *Target) HasSubsystem(nqn string) bool { return exists(t.nvmet("subsystems", nqn)) }

// HasPort reports whether a port exists.
func (t *Target) HasPort(id int) bool { return exists(t.nvmet("ports", portDir(id))) }

// HasHost reports whether nvmet/hosts/<hostnqn> exists.
func (t *Target) HasHost(hostnqn string) bool { return exists(t.nvmet("hosts", hostnqn)) }

// HasNamespace reports whether a subsystem has namespace nsid.
func (t *Target) HasNamespace(nqn string, nsid int) bool {
	return exists(t.nvmet("subsystems", nqn, "namespaces", strconv.Itoa(nsid)))
}

// SetHostAttr writes one attribute of nvmet/hosts/<hostnqn>, such as
// dhchap_key; errors do not quote dhchap keys.
func (t *Target) SetHostAttr(hostnqn, name, value string) error {
	return t.write(t.nvmet("hosts", hostnqn, name), value)
}

// SetPortAttr writes one attribute of a port, such as
// param_inline_data_size.
func (t *Target) SetPortAttr(id int, name, value string) error {
	return t.write(t.nvmet("ports", portDir(id), name), value)
}
