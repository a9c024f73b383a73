package render

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/gonvme/gonvme/internal/compat"
	"github.com/gonvme/gonvme/topology"
)

// HostIdent is the host's default identity, from /etc/nvme/hostnqn and
// /etc/nvme/hostid ("" when a file is missing). Controllers that report no
// host NQN, and subsystems without any controller, are listed under it.
type HostIdent struct{ HostNQN, HostID string }

// SubsysText writes `nvme list-subsys` as the profile's nvme-cli prints
// it, for example 2.3's:
//
//	nvme-subsys0 - NQN=nqn.2026-11.io.gonvme:test1
//	\
//	 +- nvme0 rdma traddr=169.254.99.1,trsvcid=4420 live
//
// Before 2.5 a subsystem with namespaces lists the paths of its first
// namespace (one per controller that has one, with a trailing space where
// the ANA state is left empty); otherwise, and from 2.5 always, it lists
// its controllers. verbose is -v, which from 2.11 adds attribute lines.
func SubsysText(w io.Writer, p compat.Profile, host HostIdent, t *topology.Topology, verbose bool) error {
	return subsysText(w, p, newView(p, host, t, nil), false, verbose)
}

// SubsysJSON writes `nvme list-subsys -o json` as the profile's nvme-cli
// prints it: [{"HostNQN","HostID","Subsystems":[{"Name","NQN",…,"Paths":
// [{"Name","Transport","Address","State"}]}]}], the subsystem keys
// between NQN and Paths depending on the release and on verbose. HostID
// is left out for a host without one.
func SubsysJSON(w io.Writer, p compat.Profile, host HostIdent, t *topology.Topology, verbose bool) error {
	return subsysJSON(w, p, newView(p, host, t, nil), false, verbose)
}

// SubsysDeviceText writes `nvme list-subsys DEVICE`: only the subsystem of
// the namespace block device (a name such as "nvme0n1" or a path such as
// "/dev/nvme0n1") and the paths to that namespace, each followed by its ANA
// state.
func SubsysDeviceText(w io.Writer, p compat.Profile, host HostIdent, t *topology.Topology, device string, verbose bool) error {
	f, err := newDeviceFilter(device)
	if err != nil {
		return err
	}
	return subsysText(w, p, newView(p, host, t, f), true, verbose)
}

// SubsysDeviceJSON is SubsysDeviceText's JSON form: paths gain "ANAState".
func SubsysDeviceJSON(w io.Writer, p compat.Profile, host HostIdent, t *topology.Topology, device string, verbose bool) error {
	f, err := newDeviceFilter(device)
	if err != nil {
		return err
	}
	return subsysJSON(w, p, newView(p, host, t, f), true, verbose)
}

// subsysPaths is what a subsystem's "+-" lines show: the paths of its
// first namespace, or nil for its controllers.
func subsysPaths(p compat.Profile, s *viewSubsys, showANA bool) []*viewPath {
	if p.Has(compat.SubsysControllers) && !showANA {
		return nil
	}
	return s.firstNamespacePaths()
}

func subsysText(w io.Writer, p compat.Profile, v *view, showANA, verbose bool) error {
	var b bytes.Buffer
	first := true
	for _, h := range v.hosts {
		for _, s := range h.subsystems {
			if p.Has(compat.SubsysSkipEmpty) && len(s.ctrls) == 0 {
				continue
			}
			if !first && p.Has(compat.SubsysHostNQN) {
				b.WriteString("\n")
			}
			first = false
			fmt.Fprintf(&b, "%s - NQN=%s\n", s.name, textSafe(s.nqn))
			indent := strings.Repeat(" ", max(len(s.name), 1)+3)
			attr := func(key, val string) { fmt.Fprintf(&b, "%s%s=%s\n", indent, key, textSafe(val)) }
			if p.Has(compat.SubsysHostNQN) {
				attr("hostnqn", h.nqn)
			}
			if p.Has(compat.SubsysIOPolicy) {
				attr("iopolicy", s.sub.IOPolicy)
			}
			if verbose {
				if p.Has(compat.SubsysModelVerbose) {
					attr("model", s.sub.Model)
				}
				if p.Has(compat.SubsysSerialVerbose) {
					attr("serial", s.sub.Serial)
				}
				if p.Has(compat.SubsysModelVerbose) {
					attr("firmware", s.sub.Firmware)
				}
				if p.Has(compat.SubsysIOPolicyVerbose) {
					attr("iopolicy", s.sub.IOPolicy)
				}
				if p.Has(compat.SubsysTypeVerbose) {
					attr("type", s.sub.Type)
				}
			}
			b.WriteString("\\\n")
			if paths := subsysPaths(p, s, showANA); len(paths) > 0 {
				for _, vp := range paths {
					ana := ""
					if showANA {
						ana = vp.path.ANAState
					}
					c := vp.ctrl.c
					fmt.Fprintf(&b, " +- %s %s %s %s %s\n", c.Name, c.Transport, textSafe(c.RawAddress), c.State, ana)
				}
				continue
			}
			for _, vc := range s.ctrls {
				c := vc.c
				fmt.Fprintf(&b, " +- %s %s %s %s\n", c.Name, c.Transport, textSafe(c.RawAddress), c.State)
			}
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

func subsysJSON(w io.Writer, p compat.Profile, v *view, showANA, verbose bool) error {
	hosts := jsonArray{}
	for _, h := range v.hosts {
		subsystems := jsonArray{}
		for _, s := range h.subsystems {
			if p.Has(compat.SubsysSkipEmpty) && len(s.ctrls) == 0 {
				continue
			}
			paths := jsonArray{}
			pathObj := func(c *topology.Controller) jsonObject {
				return jsonObject{
					{"Name", c.Name},
					{"Transport", c.Transport},
					{"Address", c.RawAddress},
					{"State", c.State},
				}
			}
			if mp := subsysPaths(p, s, showANA); len(mp) > 0 {
				for _, vp := range mp {
					o := pathObj(vp.ctrl.c)
					if showANA {
						o = append(o, jsonField{"ANAState", vp.path.ANAState})
					}
					paths = append(paths, o)
				}
			} else {
				for _, vc := range s.ctrls {
					paths = append(paths, pathObj(vc.c))
				}
			}
			o := jsonObject{{"Name", s.name}, {"NQN", s.nqn}}
			if p.Has(compat.SubsysJSONIOPolicy) {
				o = append(o, jsonField{"IOPolicy", s.sub.IOPolicy})
			}
			if p.Has(compat.SubsysJSONType) {
				o = append(o, jsonField{"Type", s.sub.Type})
			}
			if verbose && p.Has(compat.SubsysJSONVerbose) {
				o = append(o, jsonField{"Model", s.sub.Model})
				if p.Has(compat.SubsysSerialVerbose) {
					o = append(o, jsonField{"Serial", s.sub.Serial})
				}
				o = append(o, jsonField{"Firmware", s.sub.Firmware}, jsonField{"IOPolicy", s.sub.IOPolicy}, jsonField{"Type", s.sub.Type})
			}
			subsystems = append(subsystems, append(o, jsonField{"Paths", paths}))
		}
		o := jsonObject{{"HostNQN", h.nqn}}
		if h.id != "" {
			o = append(o, jsonField{"HostID", h.id})
		}
		hosts = append(hosts, append(o, jsonField{"Subsystems", subsystems}))
	}
	return writeJSON(w, p, hosts)
}
