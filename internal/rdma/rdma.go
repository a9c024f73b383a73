package rdma

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/gonvme/gonvme/hostfs"
)

// ClassDir is where the kernel lists RDMA devices.
const ClassDir = "/sys/class/infiniband"

// Device is one RDMA device, such as mlx5_0, rxe0 or siw0.
type Device struct {
	Name     string `json:"name"`
	NodeType string `json:"node_type"` // "CA", "RNIC" (iWARP), …
	Ports    []Port `json:"ports"`
}

// Port is one port of an RDMA device.
type Port struct {
	Number    int      `json:"port"`
	State     string   `json:"state"`      // "ACTIVE", "DOWN", …
	PhysState string   `json:"phys_state"` // "LinkUp", "Disabled", …
	LinkLayer string   `json:"link_layer"` // "Ethernet" or "InfiniBand"
	Netdevs   []Netdev `json:"netdevs"`
	GIDs      []GID    `json:"gids"`
	// ActiveMTU and MaxMTU (bytes) come from the kernel's uverbs device,
	// not sysfs (ReadMTUs); 0 when unknown, and MTUErr says why.
	ActiveMTU int   `json:"active_mtu,omitempty"`
	MaxMTU    int   `json:"max_mtu,omitempty"`
	MTUErr    error `json:"-"`
}

// Netdev is a network interface behind an RDMA port.
type Netdev struct {
	Name  string `json:"name"`
	State string `json:"state"` // operstate: "up", "down", …
	MTU   int    `json:"mtu"`
}

// Up reports whether the interface can carry traffic.
func (n Netdev) Up() bool { return n.State == "up" || n.State == "unknown" }

// GID is one used entry of a port's GID table.
type GID struct {
	Device string     `json:"device"`
	Port   int        `json:"port"`
	Index  int        `json:"index"`
	GID    string     `json:"gid"`            // as sysfs prints it, eight groups of four hex digits
	IPv4   netip.Addr `json:"ipv4,omitzero"`  // the address inside an IPv4-mapped GID
	Type   string     `json:"type,omitempty"` // "v1" or "v2" (RoCE), "" when the kernel does not say
	Netdev string     `json:"netdev,omitempty"`
}

// Addr returns the GID as an IP address: the IPv4 address of an
// IPv4-mapped GID, else the IPv6 address.
func (g GID) Addr() netip.Addr {
	if g.IPv4.IsValid() {
		return g.IPv4
	}
	a, _ := netip.ParseAddr(g.GID)
	return a
}

// Read lists the RDMA devices, sorted by name. A host without any has no
// ClassDir; that is no error.
func Read(root hostfs.FS) ([]Device, error) {
	ents, err := root.ReadDir(ClassDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing RDMA devices: %w", err)
	}
	var out []Device
	for _, e := range ents {
		d, err := readDevice(root, e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func readDevice(root hostfs.FS, name string) (Device, error) {
	dir := ClassDir + "/" + name
	d := Device{Name: name}
	if nt, err := root.ReadAttr(dir + "/node_type"); err == nil {
		d.NodeType = afterNumber(nt)
	}
	ents, err := root.ReadDir(dir + "/ports")
	if err != nil {
		return d, fmt.Errorf("RDMA device %s: listing ports: %w", name, err)
	}
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		d.Ports = append(d.Ports, readPort(root, name, n, d.NodeType == "RNIC"))
	}
	sort.Slice(d.Ports, func(i, j int) bool { return d.Ports[i].Number < d.Ports[j].Number })
	return d, nil
}

// afterNumber turns sysfs's "4: ACTIVE" into "ACTIVE".
func afterNumber(s string) string {
	if _, rest, ok := strings.Cut(s, ": "); ok {
		return rest
	}
	return s
}

func readPort(root hostfs.FS, dev string, n int, iwarp bool) Port {
	dir := fmt.Sprintf("%s/%s/ports/%d", ClassDir, dev, n)
	p := Port{Number: n}
	attr := func(name string) string {
		v, _ := root.ReadAttr(dir + "/" + name)
		return v
	}
	p.State = afterNumber(attr("state"))
	p.PhysState = afterNumber(attr("phys_state"))
	p.LinkLayer = attr("link_layer")
	p.GIDs = readGIDs(root, dev, n)
	seen := map[string]bool{}
	for _, g := range p.GIDs {
		if g.Netdev != "" && !seen[g.Netdev] {
			seen[g.Netdev] = true
			p.Netdevs = append(p.Netdevs, readNetdev(root, g.Netdev))
		}
	}
	// Hardware devices name their netdev through the PCI device even when
	// the GID table is empty (port down).
	if len(p.Netdevs) == 0 {
		for _, nd := range pciNetdevs(root, dev) {
			p.Netdevs = append(p.Netdevs, readNetdev(root, nd))
		}
	}
	// iWARP GIDs name no netdev (reading gid_attrs/ndevs fails): they
	// start with the interface's MAC address (siw, irdma in iWARP mode).
	if len(p.Netdevs) == 0 && iwarp && len(p.GIDs) > 0 {
		for _, nd := range macNetdevs(root, p.GIDs[0].GID) {
			p.Netdevs = append(p.Netdevs, readNetdev(root, nd))
		}
	}
	return p
}

// macNetdevs lists the interfaces whose MAC address opens gid.
func macNetdevs(root hostfs.FS, gid string) []string {
	a, err := netip.ParseAddr(gid)
	if err != nil {
		return nil
	}
	b := a.As16()
	mac := fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5])
	var out []string
	ents, _ := root.ReadDir("/sys/class/net")
	for _, e := range ents {
		if v, err := root.ReadAttr("/sys/class/net/" + e.Name() + "/address"); err == nil && v == mac {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// readGIDs returns the used entries of a port's GID table: not the zero
// GID nor the bare link-local prefix, which mark empty slots.
func readGIDs(root hostfs.FS, dev string, port int) []GID {
	dir := fmt.Sprintf("%s/%s/ports/%d", ClassDir, dev, port)
	ents, _ := root.ReadDir(dir + "/gids")
	var out []GID
	for _, e := range ents {
		i, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		v, err := root.ReadAttr(dir + "/gids/" + e.Name())
		if err != nil || emptyGID(v) {
			continue
		}
		g := GID{Device: dev, Port: port, Index: i, GID: v}
		if a, err := netip.ParseAddr(v); err == nil && a.Is4In6() {
			g.IPv4 = a.Unmap()
		}
		if t, err := root.ReadAttr(dir + "/gid_attrs/types/" + e.Name()); err == nil {
			g.Type = roceVersion(t)
		}
		if nd, err := root.ReadAttr(dir + "/gid_attrs/ndevs/" + e.Name()); err == nil {
			g.Netdev = nd
		}
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

func emptyGID(v string) bool {
	return v == "0000:0000:0000:0000:0000:0000:0000:0000" || v == "fe80:0000:0000:0000:0000:0000:0000:0000"
}

// roceVersion turns sysfs's "IB/RoCE v1" or "RoCE v2" into "v1" or "v2".
func roceVersion(t string) string {
	if i := strings.LastIndexAny(t, "vV"); i >= 0 {
		return strings.ToLower(t[i:])
	}
	return ""
}

// pciNetdevs lists the interfaces whose device directory holds dev, the way
// ibdev2netdev pairs a PCI function's RDMA device and netdev.
func pciNetdevs(root hostfs.FS, dev string) []string {
	var out []string
	ents, _ := root.ReadDir("/sys/class/net")
	for _, e := range ents {
		if _, err := root.ReadDir("/sys/class/net/" + e.Name() + "/device/infiniband/" + dev); err == nil {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

func readNetdev(root hostfs.FS, name string) Netdev {
	n := Netdev{Name: name}
	n.State, _ = root.ReadAttr("/sys/class/net/" + name + "/operstate")
	if v, err := root.ReadAttr("/sys/class/net/" + name + "/mtu"); err == nil {
		n.MTU, _ = strconv.Atoi(v)
	}
	return n
}

// GIDs flattens the GID tables of devs.
func GIDs(devs []Device) []GID {
	var out []GID
	for _, d := range devs {
		for _, p := range d.Ports {
			out = append(out, p.GIDs...)
		}
	}
	return out
}

// OnNetdev returns the ports (as "rxe0/1") whose GID table or PCI device
// names the interface.
func OnNetdev(devs []Device, iface string) []string {
	var out []string
	for _, d := range devs {
		for _, p := range d.Ports {
			for _, n := range p.Netdevs {
				if n.Name == iface {
					out = append(out, fmt.Sprintf("%s/%d", d.Name, p.Number))
					break
				}
			}
		}
	}
	return out
}
