package nvmf

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gonvme/gonvme/topology"
)

// Identifiers are a namespace's stable names: the IDs the controller
// reports and the /dev/disk/by-id links systemd-udev's
// 60-persistent-storage.rules would create for it.
type Identifiers struct {
	Name  string // "nvme1n1"
	NSID  uint32
	NGUID string // "" when the namespace reports none
	UUID  string
	EUI64 string
	WWID  string // the kernel's choice among them ("uuid.…", "eui.…", "nvme.…")
	// ByID are the link names under /dev/disk/by-id: "nvme-<wwid>",
	// "nvme-<model>_<serial>" and, as systemd 254 and later add it,
	// "nvme-<model>_<serial>_<nsid>".
	ByID []string
}

// NamespaceIdentifiers reads the identifiers of the namespace block
// device name ("nvme1n1") from sysfs; model and serial come from its
// subsystem (multipath) or its controller.
func (e *Edge) NamespaceIdentifiers(name string) (Identifiers, error) {
	ns, err := topology.ReadNamespace(e.FS, name)
	if err != nil {
		return Identifiers{}, fmt.Errorf("namespace %s: %w", name, err)
	}
	id := Identifiers{Name: name, NSID: ns.NSID}
	for _, a := range []struct {
		attr string
		dst  *string
	}{{"nguid", &id.NGUID}, {"uuid", &id.UUID}, {"eui", &id.EUI64}, {"wwid", &id.WWID}} {
		v, _ := e.FS.ReadAttr("/sys/block/" + name + "/" + a.attr)
		*a.dst = zeroIsNone(v)
	}
	model, _ := e.FS.ReadAttr("/sys/block/" + name + "/device/model")
	serial, _ := e.FS.ReadAttr("/sys/block/" + name + "/device/serial")
	id.ByID = byIDNames(id.WWID, model, serial, ns.NSID)
	return id, nil
}

// zeroIsNone maps the all-zero identifiers the kernel shows for "not
// reported" to "".
func zeroIsNone(v string) string {
	if strings.Trim(v, "0-:") == "" {
		return ""
	}
	return v
}

// byIDNames builds the by-id link names from the sysfs values as udev
// substitutes them: trailing white space trimmed, other white space and
// characters udev does not allow in a link name replaced by '_'.
func byIDNames(wwid, model, serial string, nsid uint32) []string {
	var out []string
	if w := udevSafe(wwid); w != "" {
		out = append(out, "nvme-"+w)
	}
	m, s := udevSafe(model), udevSafe(serial)
	if m != "" && s != "" {
		out = append(out, "nvme-"+m+"_"+s, fmt.Sprintf("nvme-%s_%s_%d", m, s, nsid))
	}
	return out
}

func udevSafe(v string) string {
	v = strings.TrimRightFunc(strings.TrimLeftFunc(v, unicode.IsSpace), unicode.IsSpace)
	var b strings.Builder
	for _, r := range v {
		switch {
		case r == utf8.RuneError, unicode.IsSpace(r), r == '/', r == '\\', r < 0x20, r == 0x7f:
			b.WriteByte('_')
		case r < 0x80 && !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("#+-.:=@_", r)):
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
