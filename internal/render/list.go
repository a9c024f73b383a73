package render

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/gonvme/gonvme/internal/compat"
	"github.com/gonvme/gonvme/topology"
)

// Device is the model of one `list` row (topology.Device).
type Device = topology.Device

// name is the block device name ("nvme0n1") a Device stands for.
func devName(d Device) string { return path.Base(d.DevicePath) }

// usage is the "Usage" column: "  1.07  GB /   1.07  GB".
func devUsage(d Device) string {
	used, uSuffix := siSuffix(float64(d.UsedBytes))
	size, sSuffix := siSuffix(float64(d.PhysicalSize))
	return fmt.Sprintf("%6.2f %2sB / %6.2f %2sB", used, uSuffix, size, sSuffix)
}

// usageShort is 2.15's narrower usage: "  1.07 GB /   1.07 GB".
func devUsageShort(d Device) string {
	used, uSuffix := siSuffix(float64(d.UsedBytes))
	size, sSuffix := siSuffix(float64(d.PhysicalSize))
	return fmt.Sprintf("%6.2f %1sB / %6.2f %1sB", used, uSuffix, size, sSuffix)
}

// usageBinary is 2.15's usage in powers of 1024, unrounded as nvme-cli's
// suffix_dbinary_get scales it: "(   1.00 GiB /    1.00 GiB)".
func devUsageBinary(d Device) string {
	scale := func(v float64) (float64, string) {
		for _, u := range []struct {
			shift  uint
			suffix string
		}{{50, "Pi"}, {40, "Ti"}, {30, "Gi"}, {20, "Mi"}, {10, "Ki"}} {
			if v >= float64(uint64(1)<<u.shift) {
				return v / float64(uint64(1)<<u.shift), u.suffix
			}
		}
		return v, ""
	}
	used, uSuffix := scale(float64(d.UsedBytes))
	size, sSuffix := scale(float64(d.PhysicalSize))
	return fmt.Sprintf("(%7.2f %2sB / %7.2f %2sB)", used, uSuffix, size, sSuffix)
}

// format is the "Format" column: "512   B +  0 B".
func devFormat(d Device) string {
	lba, suffix := binarySuffix(int64(d.SectorSize))
	return fmt.Sprintf("%3d %2sB + %2d B", lba, suffix, d.MetadataSize)
}

// SortDevices puts devs in the order the profile's nvme-cli walks
// libnvme's tree for `list -o json` (and, before 2.6, for `list`): per host
// and subsystem (see view), the multipath namespaces, then each
// controller's own. Devices the topology does not know go last, in their
// order.
func SortDevices(p compat.Profile, host HostIdent, t *topology.Topology, devs []Device) {
	rank := map[string]int{}
	v := newView(p, host, t, nil)
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
		r, ok := rank[devName(d)]
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

// ListText writes `nvme list` as the profile's nvme-cli prints it: one
// line per device in the order given (see SortDevices), or in name order
// from 2.6 (compat.ListSorted); the Namespace column in hex from 2.4; from
// 2.16 a column widens to its widest value.
func ListText(w io.Writer, p compat.Profile, devs []Device) error {
	if p.Has(compat.ListSorted) {
		devs = slices.Clone(devs)
		slices.SortStableFunc(devs, func(a, b Device) int { return strings.Compare(devName(a), devName(b)) })
	}
	nsWidth := 9
	if p.Has(compat.ListNSHex) {
		nsWidth = 10
	}
	widths := []int{21, 21, 20, 40, nsWidth, 26, 16, 8}
	rows := make([][]string, len(devs))
	for i, d := range devs {
		ns := fmt.Sprint(d.NameSpace)
		if p.Has(compat.ListNSHex) {
			ns = fmt.Sprintf("%#x", d.NameSpace)
		}
		rows[i] = []string{textSafe(d.DevicePath), textSafe(d.GenericPath), textSafe(d.SerialNumber), textSafe(d.ModelNumber),
			ns, devUsage(d), devFormat(d), textSafe(d.Firmware)}
		if p.Has(compat.ListTable) {
			for c, v := range rows[i] {
				widths[c] = max(widths[c], len(v))
			}
		}
	}
	var b bytes.Buffer
	row := func(cols []string) {
		for i, c := range cols {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(pad(c, widths[i]))
		}
		b.WriteByte('\n')
	}
	row([]string{"Node", "Generic", "SN", "Model", "Namespace", "Usage", "Format", "FW Rev"})
	dash := make([]string, len(widths))
	for i, n := range widths {
		dash[i] = dashes(n)
	}
	row(dash)
	for _, r := range rows {
		row(r)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// ListJSON writes `nvme list -o json` as the profile's nvme-cli prints it:
// {"Devices":[{"NameSpace","DevicePath","GenericPath" (2.4),"Firmware",
// "ModelNumber","SerialNumber","UsedBytes","MaximumLBA","PhysicalSize",
// "SectorSize"}]}, in the order given (see SortDevices).
func ListJSON(w io.Writer, p compat.Profile, devs []Device) error {
	list := jsonArray{}
	for _, d := range devs {
		o := jsonObject{{"NameSpace", d.NameSpace}, {"DevicePath", d.DevicePath}}
		if p.Has(compat.ListGenericPath) {
			o = append(o, jsonField{"GenericPath", d.GenericPath})
		}
		list = append(list, append(o, jsonObject{
			{"Firmware", d.Firmware},
			{"ModelNumber", d.ModelNumber},
			{"SerialNumber", d.SerialNumber},
			{"UsedBytes", d.UsedBytes},
			{"MaximumLBA", d.MaximumLBA},
			{"PhysicalSize", d.PhysicalSize},
			{"SectorSize", d.SectorSize},
		}...))
	}
	return writeJSON(w, p, jsonObject{{"Devices", list}})
}

func devicesByName(devs []Device) map[string]Device {
	m := make(map[string]Device, len(devs))
	for _, d := range devs {
		m[devName(d)] = d
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

// TextSafe escapes control characters in strings that come from a target
// (NQNs, serial and model numbers …) so they cannot drive the terminal.
func textSafe(s string) string { return Escape(s) }
