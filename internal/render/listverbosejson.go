package render

import (
	"io"

	"github.com/gonvme/gonvme/internal/compat"
	"github.com/gonvme/gonvme/topology"
)

// ListVerboseJSONHost writes `nvme list -v -o json` as the profile's
// nvme-cli prints it: {"Devices":[{"HostNQN","HostID","Subsystems":[{
// "Subsystem","SubsystemNQN","Controllers":[{"Controller","Cntlid" (2.9),
// "SerialNumber","ModelNumber","Firmware","Transport","Address","Slot"
// (2.5),"Namespaces":[…],"Paths":[{"Path","ANAState"}]}],"Namespaces":[{
// "NameSpace","Generic" (2.4),"NSID","UsedBytes","MaximumLBA",
// "PhysicalSize","SectorSize"}]}]}]}. Namespaces and subsystems without
// controllers are placed as for ListVerboseHost. byPath asks for the
// layout of compat.VerboseJSONByPath instead.
func ListVerboseJSONHost(w io.Writer, p compat.Profile, host HostIdent, t *topology.Topology, devs []Device, byPath bool) error {
	byName := devicesByName(devs)
	v := newView(p, host, t, keepFunc(func(name string) bool { _, ok := byName[name]; return ok }))
	nsObj := func(name string) jsonObject {
		d := byName[name]
		o := jsonObject{{"NameSpace", name}}
		if p.Has(compat.VerboseGeneric) {
			o = append(o, jsonField{"Generic", topology.GenericName(name)})
		}
		return append(o, jsonObject{
			{"NSID", d.NameSpace},
			{"UsedBytes", d.UsedBytes},
			{"MaximumLBA", d.MaximumLBA},
			{"PhysicalSize", d.PhysicalSize},
			{"SectorSize", d.SectorSize},
		}...)
	}
	hosts := jsonArray{}
	for _, h := range v.hosts {
		subsystems := jsonArray{}
		for _, s := range h.subsystems {
			ctrls := jsonArray{}
			for _, vc := range s.ctrls {
				c := vc.c
				namespaces, paths := jsonArray{}, jsonArray{}
				for _, n := range vc.namespaces {
					namespaces = append(namespaces, nsObj(n.Name))
				}
				for _, p := range vc.paths {
					paths = append(paths, jsonObject{{"Path", p.path.Name}, {"ANAState", p.path.ANAState}})
				}
				o := append(ctrlFields(p, c), jsonField{"Namespaces", namespaces})
				if !byPath {
					o = append(o, jsonField{"Paths", paths})
				}
				ctrls = append(ctrls, o)
			}
			namespaces := jsonArray{}
			for _, n := range s.namespaces {
				o := nsObj(n.ns.Name)
				if byPath {
					paths := jsonArray{}
					for _, vp := range n.paths {
						paths = append(paths, append(jsonObject{{"Path", vp.path.Name}, {"ANAState", vp.path.ANAState}},
							ctrlFields(p, vp.ctrl.c)...))
					}
					o = append(o, jsonField{"Paths", paths})
				}
				namespaces = append(namespaces, o)
			}
			o := jsonObject{{"Subsystem", s.name}, {"SubsystemNQN", s.nqn}}
			switch {
			case !byPath:
				o = append(o, jsonField{"Controllers", ctrls}, jsonField{"Namespaces", namespaces})
			case s.multipath():
				o = append(o, jsonField{"Namespaces", namespaces})
			default:
				o = append(o, jsonField{"Controllers", ctrls})
			}
			subsystems = append(subsystems, o)
		}
		o := jsonObject{{"HostNQN", h.nqn}}
		if h.id != "" {
			o = append(o, jsonField{"HostID", h.id})
		}
		hosts = append(hosts, append(o, jsonField{"Subsystems", subsystems}))
	}
	return writeJSON(w, p, jsonObject{{"Devices", hosts}})
}

// ctrlFields are a controller's keys in `list -v -o json`, from
// "Controller" to "Slot".
func ctrlFields(p compat.Profile, c *topology.Controller) jsonObject {
	o := jsonObject{{"Controller", c.Name}}
	if p.Has(compat.VerboseCntlid) {
		var id any // JSON null: libnvme found no cntlid attribute
		if c.CntlID >= 0 {
			id = cntlid(c)
		}
		o = append(o, jsonField{"Cntlid", id})
	}
	o = append(o, jsonObject{
		{"SerialNumber", c.Serial},
		{"ModelNumber", c.Model},
		{"Firmware", c.Firmware},
		{"Transport", c.Transport},
		{"Address", c.RawAddress},
	}...)
	if p.Has(compat.VerboseSlot) {
		o = append(o, jsonField{"Slot", ""}) // libnvme finds no PCI slot for a fabrics address
	}
	return o
}

// multipath reports whether any namespace of the subsystem has a path, as
// nvme-cli's nvme_is_multipath does.
func (s *viewSubsys) multipath() bool {
	for _, n := range s.namespaces {
		if len(n.paths) > 0 {
			return true
		}
	}
	return false
}
