package nvmet

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
)

// Clear removes every port, subsystem and host, in the order configfs
// accepts (links first, then referrals, namespaces and groups). null_blk
// devices are left alone.
func (t *Target) Clear() error {
	if err := t.checkNvmet(); err != nil {
		return err
	}
	ports, err := t.Ports()
	if err != nil {
		return err
	}
	for _, p := range ports {
		if err := t.RemovePort(p); err != nil {
			return err
		}
	}
	subs, err := t.Subsystems()
	if err != nil {
		return err
	}
	for _, s := range subs {
		if err := t.RemoveSubsystem(s); err != nil {
			return err
		}
	}
	hosts, err := listDir(t.nvmet("hosts"))
	if err != nil {
		return err
	}
	for _, h := range hosts {
		if err := t.RemoveHost(h); err != nil {
			return err
		}
	}
	return nil
}

// Restore replaces the running configuration with c, as nvmetcli restore
// does. c is validated first (see Config.Validate; exists checks device
// paths). When a step fails, the configuration from before is put back and
// the error names the item that failed.
func (t *Target) Restore(c *Config, exists func(string) error) error {
	if err := c.Validate(exists); err != nil {
		return err
	}
	if err := t.checkNvmet(); err != nil {
		return err
	}
	old, err := t.Read()
	if err != nil {
		return fmt.Errorf("reading the running configuration to keep it: %w", err)
	}
	err = t.Clear()
	if err == nil {
		err = t.Apply(c)
	}
	if err == nil {
		return nil
	}
	if rerr := t.putBack(old); rerr != nil {
		return fmt.Errorf("%w; putting the previous configuration back failed too: %v", err, rerr)
	}
	return fmt.Errorf("%w (the previous configuration is back in place)", err)
}

func (t *Target) putBack(old *Config) error {
	if err := t.Clear(); err != nil {
		return err
	}
	return t.Apply(old)
}

// Apply creates everything in c on top of the running configuration, in
// nvmet's order: hosts, ports (without links), subsystems with their
// namespaces, then the links that expose subsystems on ports. Empty
// attribute values are skipped: they are the kernel's "not set", which it
// refuses to be written.
func (t *Target) Apply(c *Config) error {
	if err := t.checkNvmet(); err != nil {
		return err
	}
	for k, v := range c.Discovery {
		p := t.nvmet("discovery_" + k)
		if cur, err := t.read(p); err == nil && cur == v {
			continue
		}
		if err := t.write(p, v); err != nil {
			return fmt.Errorf("discovery %s: %w", k, err)
		}
	}
	for _, h := range c.Hosts {
		if err := t.applyHost(h); err != nil {
			return fmt.Errorf("host %s: %w", h.NQN, err)
		}
	}
	for _, p := range c.Ports {
		if err := t.applyPort(p); err != nil {
			return fmt.Errorf("port %d: %w", p.PortID, err)
		}
	}
	for _, s := range c.Subsystems {
		if err := t.applySubsys(s); err != nil {
			return fmt.Errorf("subsystem %s: %w", s.NQN, err)
		}
	}
	for _, p := range c.Ports {
		for _, s := range p.Subsystems {
			if err := t.Link(p.PortID, s); err != nil {
				return fmt.Errorf("port %d: exposing %s: %w", p.PortID, s, err)
			}
		}
	}
	return nil
}

func (t *Target) applyHost(h Host) error {
	if err := t.AddHost(h.NQN); err != nil {
		return err
	}
	return t.writeGroup(t.nvmet("hosts", h.NQN), "dhchap", h.DHCHAP, "hash", "dhgroup", "key", "ctrl_key")
}

func (t *Target) applyPort(p Port) error {
	dir := t.nvmet("ports", portDir(p.PortID))
	if err := t.mkgroup(dir, portDefaults...); err != nil {
		return err
	}
	if err := t.writeGroup(dir, "addr", p.Addr, "trtype", "adrfam", "traddr", "trsvcid", "treq", "tsas"); err != nil {
		return err
	}
	if err := t.writeGroup(dir, "param", p.Param); err != nil {
		return err
	}
	for _, g := range p.ANAGroups {
		gd := filepath.Join(dir, "ana_groups", strconv.Itoa(g.GrpID))
		if g.GrpID != 1 {
			if err := t.mkgroup(gd); err != nil {
				return err
			}
		}
		if err := t.writeGroup(gd, "ana", g.ANA, "state"); err != nil {
			return fmt.Errorf("ANA group %d: %w", g.GrpID, err)
		}
	}
	for _, r := range p.Referrals {
		rd := filepath.Join(dir, "referrals", r.Name)
		if err := t.mkgroup(rd); err != nil {
			return err
		}
		err := t.writeGroup(rd, "addr", r.Addr, "trtype", "adrfam", "traddr", "trsvcid", "treq", "portid")
		if err == nil && r.Enable != nil {
			err = t.write(filepath.Join(rd, "enable"), strconv.Itoa(*r.Enable))
		}
		if err != nil {
			return fmt.Errorf("referral %s: %w", r.Name, err)
		}
	}
	return nil
}

func (t *Target) applySubsys(s SubsysCfg) error {
	dir := t.nvmet("subsystems", s.NQN)
	if err := t.mkgroup(dir, "namespaces", "allowed_hosts"); err != nil {
		return err
	}
	if err := t.writeGroup(dir, "attr", s.Attr); err != nil {
		return err
	}
	for _, h := range s.AllowedHosts {
		if err := t.AllowHost(s.NQN, h); err != nil {
			return err
		}
	}
	for _, ns := range s.Namespaces {
		if err := t.applyNS(dir, ns); err != nil {
			return fmt.Errorf("namespace %d: %w", ns.NSID, err)
		}
	}
	return nil
}

func (t *Target) applyNS(sub string, ns NSCfg) error {
	dir := filepath.Join(sub, "namespaces", strconv.Itoa(ns.NSID))
	if err := t.mkgroup(dir); err != nil {
		return err
	}
	if err := t.writeGroup(dir, "device", ns.Device, "path"); err != nil {
		return err
	}
	if err := t.writeGroup(dir, "resv", ns.Resv); err != nil {
		return err
	}
	grp := ns.ANA["grpid"]
	if ns.ANAGrpID != nil {
		grp = strconv.Itoa(*ns.ANAGrpID)
	}
	if grp != "" {
		if err := t.write(filepath.Join(dir, "ana_grpid"), grp); err != nil {
			return err
		}
	}
	if ns.Enable == nil || *ns.Enable != 0 {
		return t.write(filepath.Join(dir, "enable"), "1")
	}
	return nil
}

// writeGroup writes a group's non-empty attributes, the names in first
// first, in that order.
func (t *Target) writeGroup(dir, prefix string, a Attrs, first ...string) error {
	for _, k := range sortedKeys(a, first...) {
		if a[k] == "" {
			continue
		}
		if err := t.write(filepath.Join(dir, prefix+"_"+k), a[k]); err != nil {
			return err
		}
	}
	return nil
}

// AddHost creates nvmet/hosts/<hostnqn>.
func (t *Target) AddHost(hostnqn string) error {
	if err := validName("host", hostnqn); err != nil {
		return err
	}
	if err := t.checkNvmet(); err != nil {
		return err
	}
	return t.mkgroup(t.nvmet("hosts", hostnqn))
}

// RemoveHost removes nvmet/hosts/<hostnqn>; it fails while a subsystem
// still allows the host.
func (t *Target) RemoveHost(hostnqn string) error {
	dir := t.nvmet("hosts", hostnqn)
	if !exists(dir) {
		return nil
	}
	subs, err := t.Subsystems()
	if err != nil {
		return err
	}
	var users []string
	for _, s := range subs {
		if exists(t.nvmet("subsystems", s, "allowed_hosts", hostnqn)) {
			users = append(users, s)
		}
	}
	if len(users) > 0 {
		return fmt.Errorf("nvmet: host %s is allowed by %v: %w", hostnqn, users, errInUse)
	}
	return t.rmgroup(dir)
}

var errInUse = errors.New("still in use")
