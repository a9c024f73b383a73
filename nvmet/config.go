package nvmet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
)

// Config is a whole target configuration in nvmetcli's JSON format (the
// file nvmetcli save writes and nvmetcli restore reads). Attribute groups
// map configfs attribute files to values: Attr["serial"] is attr_serial.
type Config struct {
	Discovery  Attrs       `json:"discovery,omitempty"`
	Hosts      []Host      `json:"hosts"`
	Ports      []Port      `json:"ports"`
	Subsystems []SubsysCfg `json:"subsystems"`
}

// Attrs is one attribute group: names without the group prefix, values as
// configfs shows them without the trailing newline.
type Attrs map[string]string

// Host is an entry of nvmet/hosts; DHCHAP holds its dhchap_* attributes.
type Host struct {
	NQN    string `json:"nqn"`
	DHCHAP Attrs  `json:"dhchap,omitempty"`
}

// Port is one nvmet port with its address (addr_*), parameters
// (param_*), the subsystems it exposes, its ANA groups and referrals.
type Port struct {
	PortID     int        `json:"portid"`
	Addr       Attrs      `json:"addr"`
	Param      Attrs      `json:"param,omitempty"`
	Subsystems []string   `json:"subsystems"`
	ANAGroups  []ANAGroup `json:"ana_groups,omitempty"`
	Referrals  []Referral `json:"referrals"`
}

// ANAGroup is a port's ANA group; ANA["state"] is its ana_state.
type ANAGroup struct {
	GrpID int   `json:"grpid"`
	ANA   Attrs `json:"ana"`
}

// Referral is a discovery log entry a port hands out for another port;
// Addr["portid"] is addr_portid.
type Referral struct {
	Name   string `json:"name"`
	Addr   Attrs  `json:"addr"`
	Enable *int   `json:"enable,omitempty"`
}

// SubsysCfg is one subsystem: attr_* attributes, allowed hosts and
// namespaces.
type SubsysCfg struct {
	NQN          string           `json:"nqn"`
	Attr         Attrs            `json:"attr"`
	AllowedHosts []string         `json:"allowed_hosts"`
	Namespaces   []NSCfg          `json:"namespaces"`
	Passthru     []map[string]any `json:"passthru,omitempty"` // refused by Validate
}

// NSCfg is one namespace: device_* attributes (Device["path"] is
// device_path), resv_* attributes, its ANA group and whether it is enabled.
type NSCfg struct {
	NSID     int   `json:"nsid"`
	Device   Attrs `json:"device"`
	Resv     Attrs `json:"resv,omitempty"`
	ANA      Attrs `json:"ana,omitempty"`
	ANAGrpID *int  `json:"ana_grpid,omitempty"`
	Enable   *int  `json:"enable,omitempty"`
}

// ParseConfig decodes an nvmetcli JSON configuration. Unknown keys are
// refused rather than dropped, so that nothing in the file is silently lost.
func ParseConfig(r io.Reader) (*Config, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("not an nvmetcli configuration: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("not an nvmetcli configuration: data after the JSON object")
	}
	return &c, nil
}

// Marshal encodes c as nvmetcli does: keys sorted, two-space indentation,
// empty lists written as [].
func (c *Config) Marshal() ([]byte, error) {
	n := c.normalized()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	// Through a generic value so that every object's keys come out sorted.
	raw, err := json.Marshal(n)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// normalized returns a copy with nil lists made empty and entries sorted
// the way Read lists them.
func (c *Config) normalized() *Config {
	n := *c
	if n.Hosts == nil {
		n.Hosts = []Host{}
	}
	if n.Ports == nil {
		n.Ports = []Port{}
	}
	if n.Subsystems == nil {
		n.Subsystems = []SubsysCfg{}
	}
	for i := range n.Ports {
		p := &n.Ports[i]
		if p.Subsystems == nil {
			p.Subsystems = []string{}
		}
		if p.Referrals == nil {
			p.Referrals = []Referral{}
		}
		if p.Addr == nil {
			p.Addr = Attrs{}
		}
	}
	for i := range n.Subsystems {
		s := &n.Subsystems[i]
		if s.AllowedHosts == nil {
			s.AllowedHosts = []string{}
		}
		if s.Namespaces == nil {
			s.Namespaces = []NSCfg{}
		}
		if s.Attr == nil {
			s.Attr = Attrs{}
		}
	}
	return &n
}

// sortedKeys lists a group's names in the order they are written: first
// the names in first (those present), then the rest sorted.
func sortedKeys(a Attrs, first ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range first {
		if _, ok := a[k]; ok {
			out = append(out, k)
			seen[k] = true
		}
	}
	var rest []string
	for k := range a {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}
