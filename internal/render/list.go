package render

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/gonvme/gonvme/internal/sysfs"
)

// Device is one namespace block device as `nvme list` shows it. The sizes
// come from Identify Namespace: NSZE, NUSE and the LBA format in use.
type Device struct {
	NameSpace    uint32 // namespace ID
	DevicePath   string // "/dev/nvme0n1"
	GenericPath  string // "/dev/ng0n1"
	Firmware     string
	ModelNumber  string
	SerialNumber string
	UsedBytes    uint64 // NUSE × SectorSize
	MaximumLBA   uint64 // NSZE
	PhysicalSize uint64 // NSZE × SectorSize
	SectorSize   uint32 // LBA data size in bytes
	MetadataSize uint32 // metadata bytes per LBA
}

// name is the block device name ("nvme0n1") a Device stands for.
func (d Device) name() string { return path.Base(d.DevicePath) }

// usage is the "Usage" column: "  1.07  GB /   1.07  GB".
func (d Device) usage() string {
	used, uSuffix := siSuffix(float64(d.UsedBytes))
	size, sSuffix := siSuffix(float64(d.PhysicalSize))
	return fmt.Sprintf("%6.2f %2sB / %6.2f %2sB", used, uSuffix, size, sSuffix)
}

// format is the "Format" column: "512   B +  0 B".
func (d Device) format() string {
	lba, suffix := binarySuffix(int64(d.SectorSize))
	return fmt.Sprintf("%3d %2sB + %2d B", lba, suffix, d.MetadataSize)
}

// SortDevices puts devs in the order nvme-cli 2.3 lists namespaces: per host
// and subsystem (see view), the multipath namespaces, then each
// controller's own. Devices the topology does not know go last, in their
// order.
func SortDevices(host HostIdent, t *sysfs.Topology, devs []Device) {
	rank := map[string]int{}
	v := newView(host, t, nil)
	for _, h := range v.hosts {
		for _, s := range h.subsystems {
			for _, n := range s.namespaces {
				rank[n.ns.Name] = len(rank)
			}
			for _, c := range s.ctrls {
				for _, n := range c.namespaces {
					rank[n.Name] = len(rank)
				}
			}
		}
	}
	// Sort positions by (rank, original position), which is stable, then
	// permute: the comparisons touch two ints, not two Devices.
	type key struct{ rank, i int }
	keys := make([]key, len(devs))
	for i, d := range devs {
		r, ok := rank[d.name()]
		if !ok {
			r = len(rank)
		}
		keys[i] = key{r, i}
	}
	slices.SortFunc(keys, func(a, b key) int { return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.i, b.i)) })
	sorted := make([]Device, len(devs))
	for i, k := range keys {
		sorted[i] = devs[k.i]
	}
	copy(devs, sorted)
}

// ListText writes `nvme list` as nvme-cli 2.3 prints it, one line per
// device in the order given (see SortDevices).
func ListText(w io.Writer, devs []Device) error {
	var b bytes.Buffer
	row := func(cols ...string) {
		widths := []int{21, 21, 20, 40, 9, 26, 16, 8}
		for i, c := range cols {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(pad(c, widths[i]))
		}
		b.WriteByte('\n')
	}
	row("Node", "Generic", "SN", "Model", "Namespace", "Usage", "Format", "FW Rev")
	row(dashes(21), dashes(21), dashes(20), dashes(40), dashes(9), dashes(26), dashes(16), dashes(8))
	for _, d := range devs {
		row(textSafe(d.DevicePath), textSafe(d.GenericPath), textSafe(d.SerialNumber), textSafe(d.ModelNumber),
			fmt.Sprint(d.NameSpace), d.usage(), d.format(), textSafe(d.Firmware))
	}
	_, err := w.Write(b.Bytes())
	return err
}

// ListJSON writes `nvme list -o json` as nvme-cli 2.3 prints it:
// {"Devices":[{"NameSpace","DevicePath","Firmware","ModelNumber",
// "SerialNumber","UsedBytes","MaximumLBA","PhysicalSize","SectorSize"}]},
// plus "GenericPath" after "DevicePath" as later nvme-cli releases print
// it: gonvme's schema is 2.3's keys with additions only.
func ListJSON(w io.Writer, devs []Device) error {
	list := jsonArray{}
	for _, d := range devs {
		list = append(list, jsonObject{
			{"NameSpace", d.NameSpace},
			{"DevicePath", d.DevicePath},
			{"GenericPath", d.GenericPath},
			{"Firmware", d.Firmware},
			{"ModelNumber", d.ModelNumber},
			{"SerialNumber", d.SerialNumber},
			{"UsedBytes", d.UsedBytes},
			{"MaximumLBA", d.MaximumLBA},
			{"PhysicalSize", d.PhysicalSize},
			{"SectorSize", d.SectorSize},
		})
	}
	return writeJSON(w, jsonObject{{"Devices", list}})
}

// ListVerboseHost writes `nvme list -v` as nvme-cli 2.3 prints it: a
// table of subsystems, one of controllers and one of namespaces. devs
// supplies the namespaces' figures; a namespace of t without a Device is
// left out, as nvme-cli leaves out one it cannot identify. Subsystems
// without controllers are placed under host, the host's own identity.
func ListVerboseHost(w io.Writer, host HostIdent, t *sysfs.Topology, devs []Device) error {
	byName := devicesByName(devs)
	v := newView(host, t, keepFunc(func(name string) bool { _, ok := byName[name]; return ok }))
	var b bytes.Buffer

	fmt.Fprintf(&b, "%-16s %-96s %s\n", "Subsystem", "Subsystem-NQN", "Controllers")
	fmt.Fprintf(&b, "%s %s %s\n", dashes(16), dashes(96), dashes(16))
	v.eachSubsystem(func(s *viewSubsys) {
		fmt.Fprintf(&b, "%s %s %s\n", pad(s.name, 16), pad(textSafe(s.nqn), 96), s.controllerNames())
	})
	b.WriteString("\n")

	fmt.Fprintf(&b, "%-8s %-20s %-40s %-8s %-6s %-14s %-12s %-16s\n",
		"Device", "SN", "MN", "FR", "TxPort", "Address", "Subsystem", "Namespaces")
	fmt.Fprintf(&b, "%s %s %s %s %s %s %s %s\n",
		dashes(8), dashes(20), dashes(40), dashes(8), dashes(6), dashes(14), dashes(12), dashes(16))
	v.eachSubsystem(func(s *viewSubsys) {
		for _, vc := range s.ctrls {
			c := vc.c
			var names []string
			for _, n := range vc.namespaces {
				names = append(names, n.Name)
			}
			for _, p := range vc.paths {
				if p.ns != nil {
					names = append(names, p.ns.ns.Name)
				}
			}
			fmt.Fprintf(&b, "%s %s %s %s %s %s %s %s\n", pad(c.Name, 8), pad(textSafe(c.Serial), 20),
				pad(textSafe(c.Model), 40), pad(textSafe(c.Firmware), 8), pad(c.Transport, 6),
				pad(textSafe(c.RawAddress), 14), pad(s.name, 12), strings.Join(names, ", "))
		}
	})
	b.WriteString("\n")

	fmt.Fprintf(&b, "%-12s %-12s %-8s %-26s %-16s %-16s\n", "Device", "Generic", "NSID", "Usage", "Format", "Controllers")
	fmt.Fprintf(&b, "%s %s %s %s %s %s\n", dashes(12), dashes(12), dashes(8), dashes(26), dashes(16), dashes(16))
	nsRow := func(d Device, ctrls string) {
		fmt.Fprintf(&b, "%s %s %-8x %-26s %-16s %s\n", pad(textSafe(d.DevicePath), 12),
			pad(textSafe(d.GenericPath), 12), d.NameSpace, d.usage(), d.format(), ctrls)
	}
	v.eachSubsystem(func(s *viewSubsys) {
		for _, vc := range s.ctrls {
			for _, n := range vc.namespaces {
				nsRow(byName[n.Name], vc.c.Name)
			}
		}
		for _, n := range s.namespaces {
			nsRow(byName[n.ns.Name], s.controllerNames())
		}
	})
	_, err := w.Write(b.Bytes())
	return err
}

// ListVerboseJSONHost writes `nvme list -v -o json` as nvme-cli 2.3 prints it:
// {"Devices":[{"HostNQN","HostID","Subsystems":[{"Subsystem",
// "SubsystemNQN","Controllers":[{"Controller","SerialNumber","ModelNumber",
// "Firmware","Transport","Address","Namespaces":[…],"Paths":[{"Path",
// "ANAState"}]}],"Namespaces":[{"NameSpace","NSID","UsedBytes",
// "MaximumLBA","PhysicalSize","SectorSize"}]}]}]}. Namespaces and
// subsystems without controllers are placed as for ListVerboseHost.
func ListVerboseJSONHost(w io.Writer, host HostIdent, t *sysfs.Topology, devs []Device) error {
	byName := devicesByName(devs)
	v := newView(host, t, keepFunc(func(name string) bool { _, ok := byName[name]; return ok }))
	nsObj := func(name string) jsonObject {
		d := byName[name]
		return jsonObject{
			{"NameSpace", name},
			{"NSID", d.NameSpace},
			{"UsedBytes", d.UsedBytes},
			{"MaximumLBA", d.MaximumLBA},
			{"PhysicalSize", d.PhysicalSize},
			{"SectorSize", d.SectorSize},
		}
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
				ctrls = append(ctrls, jsonObject{
					{"Controller", c.Name},
					{"SerialNumber", c.Serial},
					{"ModelNumber", c.Model},
					{"Firmware", c.Firmware},
					{"Transport", c.Transport},
					{"Address", c.RawAddress},
					{"Namespaces", namespaces},
					{"Paths", paths},
				})
			}
			namespaces := jsonArray{}
			for _, n := range s.namespaces {
				namespaces = append(namespaces, nsObj(n.ns.Name))
			}
			subsystems = append(subsystems, jsonObject{
				{"Subsystem", s.name},
				{"SubsystemNQN", s.nqn},
				{"Controllers", ctrls},
				{"Namespaces", namespaces},
			})
		}
		o := jsonObject{{"HostNQN", h.nqn}}
		if h.id != "" {
			o = append(o, jsonField{"HostID", h.id})
		}
		hosts = append(hosts, append(o, jsonField{"Subsystems", subsystems}))
	}
	return writeJSON(w, jsonObject{{"Devices", hosts}})
}

func devicesByName(devs []Device) map[string]Device {
	m := make(map[string]Device, len(devs))
	for _, d := range devs {
		m[d.name()] = d
	}
	return m
}

func (v *view) eachSubsystem(fn func(*viewSubsys)) {
	for _, h := range v.hosts {
		for _, s := range h.subsystems {
			fn(s)
		}
	}
}

func (s *viewSubsys) controllerNames() string {
	names := make([]string, len(s.ctrls))
	for i, vc := range s.ctrls {
		names[i] = vc.c.Name
	}
	return strings.Join(names, ", ")
}

// siSuffix scales v by powers of 1000 as nvme-cli's suffix_si_get does.
func siSuffix(v float64) (float64, string) {
	units := []struct {
		magnitude float64
		suffix    string
	}{
		{1e30, "Q"}, {1e27, "R"}, {1e24, "Y"}, {1e21, "Z"}, {1e18, "E"}, {1e15, "P"},
		{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}, {1, ""},
	}
	for _, u := range units {
		if v >= u.magnitude {
			return v / u.magnitude, u.suffix
		}
	}
	return v, ""
}

// binarySuffix scales v by powers of 1024, rounding to nearest, as
// nvme-cli's suffix_binary_get does.
func binarySuffix(v int64) (int64, string) {
	units := []struct {
		shift  uint
		suffix string
	}{{50, "Pi"}, {40, "Ti"}, {30, "Gi"}, {20, "Mi"}, {10, "Ki"}}
	for _, u := range units {
		if v >= 1<<u.shift {
			return (v + 1<<(u.shift-1)) >> u.shift, u.suffix
		}
	}
	return v, ""
}

// pad left-aligns s in width bytes, as C's %-Ns does (it counts bytes,
// not characters, and never truncates).
func pad(s string, width int) string {
	if len(s) >= width {
		return s
	}
	return s + strings.Repeat(" ", width-len(s))
}

func dashes(n int) string { return strings.Repeat("-", n) }

// textSafe escapes control characters in strings that come from a target
// (NQNs, serial and model numbers …) so they cannot drive the terminal.
func textSafe(s string) string { return Escape(s) }

// jsonObject is a JSON object that keeps its keys in insertion order, as
// json-c does.
type jsonObject []jsonField

type jsonField struct {
	key string
	val any // string, an integer type, jsonObject or jsonArray
}

type jsonArray []any

// writeJSON writes v as nvme-cli 2.3 prints JSON (json-c with
// JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE): two-space
// indent, no space after ':', an empty array as "[" newline "]", and a
// final newline.
func writeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	writeJSONValue(&b, v, 0)
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}

func writeJSONValue(b *bytes.Buffer, v any, level int) {
	indent := func(l int) { b.WriteString(strings.Repeat("  ", l)) }
	switch v := v.(type) {
	case string:
		b.WriteString(discoveryJSONString(v))
	case jsonObject:
		b.WriteString("{\n")
		for i, f := range v {
			if i > 0 {
				b.WriteString(",\n")
			}
			indent(level + 1)
			b.WriteString(discoveryJSONString(f.key))
			b.WriteByte(':')
			writeJSONValue(b, f.val, level+1)
		}
		if len(v) > 0 {
			b.WriteByte('\n')
		}
		indent(level)
		b.WriteByte('}')
	case jsonArray:
		b.WriteString("[\n")
		for i, item := range v {
			if i > 0 {
				b.WriteString(",\n")
			}
			indent(level + 1)
			writeJSONValue(b, item, level+1)
		}
		if len(v) > 0 {
			b.WriteByte('\n')
		}
		indent(level)
		b.WriteByte(']')
	default:
		fmt.Fprintf(b, "%d", v)
	}
}
