package nvmet

import (
	"fmt"
	"strconv"
	"strings"
)

// ANA states nvmet accepts.
var ANAStates = []string{"optimized", "non-optimized", "inaccessible", "persistent-loss", "change"}

// Validate checks a whole configuration before any of it is applied: names
// safe, addresses that parse, references that resolve, no port address
// twice, and device paths present (exists reports whether one is, as the
// caller sees the host; nil skips that check).
func (c *Config) Validate(exists func(path string) error) error {
	if err := checkGroup("discovery", c.Discovery); err != nil {
		return err
	}
	hosts := map[string]bool{}
	for i, h := range c.Hosts {
		if err := CheckHostNQN(h.NQN); err != nil {
			return fmt.Errorf("hosts[%d]: %w", i, err)
		}
		if hosts[h.NQN] {
			return invalid("host "+h.NQN, "listed twice")
		}
		hosts[h.NQN] = true
		if err := checkGroup("host "+h.NQN+" dhchap", h.DHCHAP); err != nil {
			return err
		}
	}
	subs := map[string]bool{}
	for i := range c.Subsystems {
		s := &c.Subsystems[i]
		if err := c.validateSubsys(s, hosts, exists); err != nil {
			return err
		}
		if subs[s.NQN] {
			return invalid("subsystem "+s.NQN, "listed twice")
		}
		subs[s.NQN] = true
	}
	ports := map[int]bool{}
	addrs := map[string]int{}
	for i := range c.Ports {
		p := &c.Ports[i]
		if err := validatePort(p, subs); err != nil {
			return err
		}
		if ports[p.PortID] {
			return invalid("port "+strconv.Itoa(p.PortID), "listed twice")
		}
		ports[p.PortID] = true
		if p.Addr["trtype"] != "loop" {
			key := p.Addr["trtype"] + " " + p.Addr["traddr"] + " " + p.Addr["trsvcid"]
			if other, dup := addrs[key]; dup {
				return invalid("port "+strconv.Itoa(p.PortID), "listens on %s, as port %d does: one port per address", key, other)
			}
			addrs[key] = p.PortID
		}
	}
	return nil
}

func (c *Config) validateSubsys(s *SubsysCfg, hosts map[string]bool, exists func(string) error) error {
	if err := CheckSubsysNQN(s.NQN); err != nil {
		return err
	}
	item := "subsystem " + s.NQN
	if len(s.Passthru) > 0 {
		return invalid(item, "passthru subsystems are not supported by gonvme target")
	}
	if err := checkGroup(item+" attr", s.Attr); err != nil {
		return err
	}
	if v, ok := s.Attr["allow_any_host"]; ok && v != "0" && v != "1" {
		return invalid(item, "attr allow_any_host is %q, not 0 or 1", v)
	}
	if s.Attr["allow_any_host"] == "1" && len(s.AllowedHosts) > 0 {
		return invalid(item, "allows any host and lists allowed_hosts: the kernel takes one or the other")
	}
	seen := map[string]bool{}
	for _, h := range s.AllowedHosts {
		if !hosts[h] {
			return invalid(item, "allowed host %q is not in the hosts list", h)
		}
		if seen[h] {
			return invalid(item, "allowed host %q listed twice", h)
		}
		seen[h] = true
	}
	ids := map[int]bool{}
	for _, ns := range s.Namespaces {
		nitem := fmt.Sprintf("%s namespace %d", item, ns.NSID)
		if err := CheckNSID(ns.NSID); err != nil {
			return fmt.Errorf("%s: %w", item, err)
		}
		if ids[ns.NSID] {
			return invalid(nitem, "listed twice")
		}
		ids[ns.NSID] = true
		for _, g := range []struct {
			name string
			a    Attrs
		}{{"device", ns.Device}, {"resv", ns.Resv}, {"ana", ns.ANA}} {
			if err := checkGroup(nitem+" "+g.name, g.a); err != nil {
				return err
			}
		}
		for _, k := range []string{"uuid", "nguid"} {
			if v := ns.Device[k]; v != "" {
				if err := CheckID("device_"+k, v); err != nil {
					return fmt.Errorf("%s: %w", nitem, err)
				}
			}
		}
		if ns.ANAGrpID != nil && (*ns.ANAGrpID < 1 || *ns.ANAGrpID > 1024) {
			return invalid(nitem, "ana_grpid %d is not between 1 and 1024", *ns.ANAGrpID)
		}
		if g, ok := ns.ANA["grpid"]; ok && ns.ANAGrpID != nil && g != strconv.Itoa(*ns.ANAGrpID) {
			return invalid(nitem, "ana grpid %q and ana_grpid %d disagree", g, *ns.ANAGrpID)
		}
		path := ns.Device["path"]
		enabled := ns.Enable == nil || *ns.Enable != 0
		if path == "" && enabled {
			return invalid(nitem, "enabled without a device path")
		}
		if path != "" && !strings.HasPrefix(path, "/") {
			return invalid(nitem, "device path %q is not absolute", path)
		}
		if path != "" && exists != nil {
			if err := exists(path); err != nil {
				return &InvalidError{Item: nitem, Reason: fmt.Sprintf("device %s: %v", path, err)}
			}
		}
	}
	return nil
}

func validatePort(p *Port, subs map[string]bool) error {
	item := "port " + strconv.Itoa(p.PortID)
	if err := CheckPortID(p.PortID); err != nil {
		return err
	}
	if err := checkGroup(item+" addr", p.Addr); err != nil {
		return err
	}
	if err := checkGroup(item+" param", p.Param); err != nil {
		return err
	}
	if _, ok := p.Addr["portid"]; ok {
		return invalid(item, "addr portid belongs to referrals; a port's ID is its portid")
	}
	if err := CheckAddr(item, attrsAddr(p.Addr)); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, s := range p.Subsystems {
		if !subs[s] {
			return invalid(item, "exposes subsystem %q, which is not in the subsystems list", s)
		}
		if seen[s] {
			return invalid(item, "exposes subsystem %q twice", s)
		}
		seen[s] = true
	}
	grp := map[int]bool{}
	for _, g := range p.ANAGroups {
		if g.GrpID < 1 || g.GrpID > 1024 || grp[g.GrpID] {
			return invalid(item, "ANA group %d: IDs run from 1 to 1024, each once", g.GrpID)
		}
		grp[g.GrpID] = true
		if err := checkGroup(fmt.Sprintf("%s ANA group %d", item, g.GrpID), g.ANA); err != nil {
			return err
		}
		if st, ok := g.ANA["state"]; ok && !oneOf(st, ANAStates) {
			return invalid(item, "ANA group %d: state %q is not one of %s", g.GrpID, st, strings.Join(ANAStates, ", "))
		}
	}
	names := map[string]bool{}
	for _, r := range p.Referrals {
		if err := CheckName(item+" referral", r.Name); err != nil {
			return err
		}
		if names[r.Name] {
			return invalid(item+" referral "+r.Name, "listed twice")
		}
		names[r.Name] = true
		ritem := item + " referral " + r.Name
		if err := checkGroup(ritem+" addr", r.Addr); err != nil {
			return err
		}
		if err := CheckAddr(ritem, attrsAddr(r.Addr)); err != nil {
			return err
		}
		if v, ok := r.Addr["portid"]; ok {
			if _, err := strconv.ParseUint(v, 10, 16); err != nil {
				return invalid(ritem, "portid %q is not a port ID (0-65535)", v)
			}
		}
	}
	return nil
}

// attrsAddr reads the address fields of an addr group.
func attrsAddr(a Attrs) Addr {
	return Addr{Trtype: a["trtype"], Adrfam: a["adrfam"], Traddr: a["traddr"], Trsvcid: a["trsvcid"], Treq: a["treq"]}
}

// checkGroup refuses attribute names that are not plain configfs
// attribute names and values a write would cut.
func checkGroup(item string, a Attrs) error {
	for k, v := range a {
		if k == "" || strings.Trim(k, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
			return invalid(item, "attribute name %q is not a configfs attribute name", k)
		}
		if err := checkValue(v); err != nil {
			if strings.Contains(item, "dhchap") {
				return invalid(item+" "+k, "holds a control character")
			}
			return invalid(item+" "+k, "%v", err)
		}
	}
	return nil
}
