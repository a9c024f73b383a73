package nvmet

import (
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

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

// portDefaults are the groups configfs makes with each port.
var portDefaults = []string{"subsystems", "referrals", "ana_groups", "ana_groups/1"}

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
	if err := t.mkgroup(dir, portDefaults...); err != nil {
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
		if kv[1] == "" && kv[0] != "addr_trsvcid" && !(a.Trtype == "loop" && kv[0] == "addr_traddr") {
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
	if err := t.symlink(sub, link); err != nil {
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
	return t.rmgroup(dir, portDefaults...)
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
