package nvmet

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Read returns the running configuration as nvmetcli save would write it:
// every writable attribute of each group, sorted lists. Secrets (dhchap_*)
// are included, as a saved file needs them.
func (t *Target) Read() (*Config, error) {
	if err := t.checkNvmet(); err != nil {
		return nil, err
	}
	c := &Config{}
	if d := t.group(t.nvmet(), "discovery"); len(d) > 0 {
		c.Discovery = d
	}
	hosts, err := listDir(t.nvmet("hosts"))
	if err != nil {
		return nil, fmt.Errorf("nvmet: reading hosts: %w", err)
	}
	for _, h := range hosts {
		c.Hosts = append(c.Hosts, Host{NQN: h, DHCHAP: orNil(t.group(t.nvmet("hosts", h), "dhchap"))})
	}
	subs, err := t.Subsystems()
	if err != nil {
		return nil, fmt.Errorf("nvmet: reading subsystems: %w", err)
	}
	for _, s := range subs {
		sc, err := t.readSubsys(s)
		if err != nil {
			return nil, err
		}
		c.Subsystems = append(c.Subsystems, sc)
	}
	ports, err := t.Ports()
	if err != nil {
		return nil, fmt.Errorf("nvmet: reading ports: %w", err)
	}
	for _, id := range ports {
		pc, err := t.readPort(id)
		if err != nil {
			return nil, err
		}
		c.Ports = append(c.Ports, pc)
	}
	return c.normalized(), nil
}

func (t *Target) readSubsys(nqn string) (SubsysCfg, error) {
	dir := t.nvmet("subsystems", nqn)
	sc := SubsysCfg{NQN: nqn, Attr: t.group(dir, "attr")}
	if v, err := t.read(filepath.Join(dir, "passthru", "enable")); err == nil && v == "1" {
		return sc, fmt.Errorf("nvmet: subsystem %s is a passthru subsystem, which gonvme does not handle", nqn)
	}
	hosts, err := listDir(filepath.Join(dir, "allowed_hosts"))
	if err != nil {
		return sc, fmt.Errorf("nvmet: reading %s: %w", t.rel(dir), err)
	}
	sc.AllowedHosts = hosts
	nss, err := t.NSIDs(nqn)
	if err != nil {
		return sc, err
	}
	for _, id := range nss {
		nd := filepath.Join(dir, "namespaces", strconv.Itoa(id))
		ns := NSCfg{NSID: id, Device: t.group(nd, "device")}
		if r := t.group(nd, "resv"); len(r) > 0 {
			ns.Resv = r
		}
		if v, err := t.read(filepath.Join(nd, "ana_grpid")); err == nil {
			if g, err := strconv.Atoi(v); err == nil {
				ns.ANAGrpID = &g
			}
		}
		ns.Enable = t.readEnable(nd)
		sc.Namespaces = append(sc.Namespaces, ns)
	}
	return sc, nil
}

func (t *Target) readPort(id int) (Port, error) {
	dir := t.nvmet("ports", portDir(id))
	pc := Port{PortID: id, Addr: t.group(dir, "addr")}
	if p := t.group(dir, "param"); len(p) > 0 {
		pc.Param = p
	}
	links, err := t.Links(id)
	if err != nil {
		return pc, fmt.Errorf("nvmet: reading %s: %w", t.rel(dir), err)
	}
	pc.Subsystems = links
	groups, _ := listDir(filepath.Join(dir, "ana_groups"))
	for _, g := range sortNumeric(groups) {
		n, err := strconv.Atoi(g)
		if err != nil {
			continue
		}
		pc.ANAGroups = append(pc.ANAGroups, ANAGroup{GrpID: n, ANA: t.group(filepath.Join(dir, "ana_groups", g), "ana")})
	}
	refs, err := t.Referrals(id)
	if err != nil {
		return pc, fmt.Errorf("nvmet: reading %s: %w", t.rel(dir), err)
	}
	for _, r := range refs {
		rd := filepath.Join(dir, "referrals", r)
		rc := Referral{Name: r, Addr: t.group(rd, "addr")}
		rc.Enable = t.readEnable(rd)
		pc.Referrals = append(pc.Referrals, rc)
	}
	return pc, nil
}

// group reads the writable, readable <prefix>_* attribute files of dir.
func (t *Target) group(dir, prefix string) Attrs {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return Attrs{}
	}
	a := Attrs{}
	for _, e := range ents {
		name, ok := strings.CutPrefix(e.Name(), prefix+"_")
		if !ok || !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil || fi.Mode().Perm()&0o200 == 0 || fi.Mode().Perm()&0o400 == 0 {
			continue
		}
		v, err := t.read(filepath.Join(dir, e.Name()))
		if err != nil {
			continue // an attribute without a value in this state
		}
		// As nvmetcli saves them: the kernel pads attr_serial with spaces.
		a[name] = strings.TrimSpace(v)
	}
	return a
}

func orNil(a Attrs) Attrs {
	if len(a) == 0 {
		return nil
	}
	return a
}

// NSIDs lists a subsystem's namespace IDs in numeric order.
func (t *Target) NSIDs(nqn string) ([]int, error) {
	names, err := listDir(t.nvmet("subsystems", nqn, "namespaces"))
	if err != nil {
		return nil, fmt.Errorf("nvmet: reading namespaces of %s: %w", nqn, err)
	}
	var ids []int
	for _, n := range sortNumeric(names) {
		if id, err := strconv.Atoi(n); err == nil {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func sortNumeric(names []string) []string {
	out := append([]string(nil), names...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && numLess(out[j], out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func numLess(a, b string) bool {
	x, e1 := strconv.Atoi(a)
	y, e2 := strconv.Atoi(b)
	if e1 == nil && e2 == nil {
		return x < y
	}
	return a < b
}

// readEnable reads an enable attribute as nvmetcli saves it, 0 or 1; an
// emulated root has the file only once it was written.
func (t *Target) readEnable(dir string) *int {
	e := 0
	if v, err := t.read(filepath.Join(dir, "enable")); err == nil && v == "1" {
		e = 1
	}
	return &e
}
