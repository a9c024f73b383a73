package render

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/gonvme/gonvme/internal/compat"
	"github.com/gonvme/gonvme/topology"
)

// ListVerboseHost writes `nvme list -v` as the profile's nvme-cli prints
// it: a table of subsystems, one of controllers and one of namespaces.
// devs supplies the namespaces' figures; a namespace of t without a Device
// is left out, as nvme-cli leaves out one it cannot identify. Subsystems
// without controllers are placed under host, the host's own identity.
// Before 2.6 the rows follow libnvme's tree; from 2.6 each table is in
// name order (compat.ListSorted).
func ListVerboseHost(w io.Writer, p compat.Profile, host HostIdent, t *topology.Topology, devs []Device) error {
	byName := devicesByName(devs)
	v := newView(p, host, t, keepFunc(func(name string) bool { _, ok := byName[name]; return ok }))
	var b bytes.Buffer
	tables := verboseTables(p, v)

	fmt.Fprintf(&b, "%-16s %-96s %s\n", "Subsystem", "Subsystem-NQN", "Controllers")
	fmt.Fprintf(&b, "%s %s %s\n", dashes(16), dashes(96), dashes(16))
	for _, s := range tables.subsystems {
		fmt.Fprintf(&b, "%s %s %s\n", pad(s.name, 16), pad(textSafe(s.nqn), 96), strings.Join(s.ctrls, ", "))
	}
	b.WriteString("\n")

	address := "Address"
	if p.Has(compat.VerboseAddressTypo) {
		address = "Asdress"
	}
	head := []string{"Device", "SN", "MN", "FR", "TxPort", address}
	widths := []int{8, 20, 40, 8, 6, 14}
	if p.Has(compat.VerboseCntlid) {
		head = slices.Insert(head, 1, "Cntlid")
		widths = []int{16, 6, 20, 40, 8, 6, 14}
	}
	if p.Has(compat.VerboseSlot) {
		head, widths = append(head, "Slot"), append(widths, 6)
	}
	head, widths = append(head, "Subsystem", "Namespaces"), append(widths, 12, 16)
	writeRow(&b, head, widths)
	writeDashes(&b, widths)
	rowWidths := slices.Clone(widths)
	if !p.Has(compat.VerboseWideDevice) {
		rowWidths[0] = 8
	}
	for _, c := range tables.ctrls {
		vc := c.ctrl
		cols := []string{vc.c.Name, textSafe(vc.c.Serial), textSafe(vc.c.Model), textSafe(vc.c.Firmware), vc.c.Transport, textSafe(vc.c.RawAddress)}
		if p.Has(compat.VerboseCntlid) {
			cols = slices.Insert(cols, 1, cntlid(vc.c))
		}
		if p.Has(compat.VerboseSlot) {
			cols = append(cols, "")
		}
		cols = append(cols, c.subsystem)
		for i, col := range cols {
			b.WriteString(pad(col, rowWidths[i]))
			b.WriteByte(' ')
		}
		b.WriteString(strings.Join(c.namespaces, ", "))
		b.WriteByte('\n')
	}
	b.WriteString("\n")

	nsHead := []string{"Device", "Generic", "NSID", "Usage", "Format", "Controllers"}
	nsWidths := []int{12, 12, 8, 26, 16, 16}
	if p.Has(compat.VerboseNSIDHex) {
		nsWidths[2] = 10
	}
	if p.Has(compat.VerboseCntlid) {
		nsWidths[0], nsWidths[1] = 17, 17
	}
	if p.Has(compat.VerboseUsageBinary) {
		nsWidths[3] = 49
	}
	writeRow(&b, nsHead, nsWidths)
	writeDashes(&b, nsWidths)
	if !p.Has(compat.VerboseUsageBinary) {
		nsWidths[0], nsWidths[1] = 12, 12 // 2.9–2.14 widened the header only
	}
	for _, n := range tables.namespaces {
		d := byName[n.name]
		nsid := strconv.FormatUint(uint64(d.NameSpace), 16)
		if p.Has(compat.VerboseNSIDHex) {
			nsid = fmt.Sprintf("%#x", d.NameSpace)
		}
		usage := pad(devUsage(d), 26)
		if p.Has(compat.VerboseUsageBinary) {
			usage = pad(devUsageShort(d), 21) + " " + pad(devUsageBinary(d), 25)
		}
		fmt.Fprintf(&b, "%s %s %s %s %s %s\n", pad(textSafe(d.DevicePath), nsWidths[0]), pad(textSafe(d.GenericPath), nsWidths[1]),
			pad(nsid, nsWidths[2]), usage, pad(devFormat(d), 16), strings.Join(n.ctrls, ", "))
	}
	_, err := w.Write(b.Bytes())
	return err
}

func writeRow(b *bytes.Buffer, cols []string, widths []int) {
	for i, c := range cols {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(pad(c, widths[i]))
	}
	b.WriteByte('\n')
}

func writeDashes(b *bytes.Buffer, widths []int) {
	d := make([]string, len(widths))
	for i, n := range widths {
		d[i] = dashes(n)
	}
	writeRow(b, d, widths)
}

// cntlid is the controller's "cntlid" attribute as libnvme reads it.
func cntlid(c *topology.Controller) string {
	if c.CntlID < 0 {
		return ""
	}
	return strconv.Itoa(c.CntlID)
}

// verbose is what the three tables of `list -v` list, in order.
type verbose struct {
	subsystems []verboseSubsys
	ctrls      []verboseCtrl
	namespaces []verboseNS
}

type verboseSubsys struct {
	name, nqn string
	ctrls     []string
}

type verboseCtrl struct {
	ctrl       *viewCtrl
	subsystem  string
	namespaces []string
}

type verboseNS struct {
	name  string
	ctrls []string
}

// verboseTables lays out the view as the profile's release does: walking
// the tree (before 2.6), or from name-keyed sets that merge a subsystem
// listed under two hosts (2.6 on, nvme_resources_init).
func verboseTables(p compat.Profile, v *view) verbose {
	var out verbose
	ctrlNamespaces := func(vc *viewCtrl) []string {
		var names []string
		for _, n := range vc.namespaces {
			names = append(names, n.Name)
		}
		for _, p := range vc.paths {
			if p.ns != nil {
				names = append(names, p.ns.ns.Name)
			}
		}
		return names
	}
	if !p.Has(compat.ListSorted) {
		v.eachSubsystem(func(s *viewSubsys) {
			out.subsystems = append(out.subsystems, verboseSubsys{s.name, s.nqn, s.ctrlNames()})
			for _, vc := range s.ctrls {
				out.ctrls = append(out.ctrls, verboseCtrl{vc, s.name, ctrlNamespaces(vc)})
			}
		})
		v.eachSubsystem(func(s *viewSubsys) {
			for _, vc := range s.ctrls {
				for _, n := range vc.namespaces {
					out.namespaces = append(out.namespaces, verboseNS{n.Name, []string{vc.c.Name}})
				}
			}
			for _, n := range s.namespaces {
				out.namespaces = append(out.namespaces, verboseNS{n.ns.Name, s.ctrlNames()})
			}
		})
		return out
	}
	subs := map[string]*verboseSubsys{}
	ctrls := map[string]verboseCtrl{}
	nss := map[string]verboseNS{}
	v.eachSubsystem(func(s *viewSubsys) {
		vs := subs[s.name]
		if vs == nil {
			vs = &verboseSubsys{name: s.name, nqn: s.nqn}
			subs[s.name] = vs
		}
		for _, vc := range s.ctrls {
			vs.ctrls = append(vs.ctrls, vc.c.Name)
			if _, ok := ctrls[vc.c.Name]; !ok {
				ctrls[vc.c.Name] = verboseCtrl{vc, s.name, sortedSet(ctrlNamespaces(vc))}
			}
			for _, n := range vc.namespaces {
				if _, ok := nss[n.Name]; !ok {
					nss[n.Name] = verboseNS{n.Name, []string{vc.c.Name}}
				}
			}
		}
		for _, n := range s.namespaces {
			if _, ok := nss[n.ns.Name]; !ok {
				var names []string
				for _, p := range n.paths {
					names = append(names, p.ctrl.c.Name)
				}
				nss[n.ns.Name] = verboseNS{n.ns.Name, sortedSet(names)}
			}
		}
	})
	for _, name := range sortedKeys(subs) {
		s := *subs[name]
		s.ctrls = sortedSet(s.ctrls)
		out.subsystems = append(out.subsystems, s)
	}
	for _, name := range sortedKeys(ctrls) {
		out.ctrls = append(out.ctrls, ctrls[name])
	}
	for _, name := range sortedKeys(nss) {
		out.namespaces = append(out.namespaces, nss[name])
	}
	return out
}

// sortedSet is names without repeats in strcmp order, as ccan's strset
// iterates.
func sortedSet(names []string) []string {
	names = slices.Clone(names)
	slices.Sort(names)
	return slices.Compact(names)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (s *viewSubsys) ctrlNames() []string {
	names := make([]string, len(s.ctrls))
	for i, vc := range s.ctrls {
		names[i] = vc.c.Name
	}
	return names
}
