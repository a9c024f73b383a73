package netroute

import (
	"net"
	"net/netip"
	"sort"
)

// Interface is one network interface with its addresses.
type Interface struct {
	Name     string         `json:"name"`
	Index    int            `json:"index"`
	Up       bool           `json:"up"`
	Loopback bool           `json:"loopback"`
	Prefixes []netip.Prefix `json:"prefixes"` // each address with its prefix length, 169.254.99.1/16
}

// Interfaces lists the host's interfaces and their addresses.
func Interfaces() ([]Interface, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	var out []Interface
	for _, i := range ifs {
		it := Interface{Name: i.Name, Index: i.Index, Up: i.Flags&net.FlagUp != 0, Loopback: i.Flags&net.FlagLoopback != 0}
		addrs, err := i.Addrs()
		if err != nil {
			return nil, err
		}
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok {
				ip, _ := netip.AddrFromSlice(n.IP)
				ones, _ := n.Mask.Size()
				ip = ip.Unmap()
				it.Prefixes = append(it.Prefixes, netip.PrefixFrom(ip, ones))
			}
		}
		out = append(out, it)
	}
	return out, nil
}

// Holder returns the interface that holds address a.
func Holder(ifs []Interface, a netip.Addr) (Interface, bool) {
	a = a.Unmap()
	for _, i := range ifs {
		for _, p := range i.Prefixes {
			if p.Addr() == a {
				return i, true
			}
		}
	}
	return Interface{}, false
}

// ByName returns the interface called name.
func ByName(ifs []Interface, name string) (Interface, bool) {
	for _, i := range ifs {
		if i.Name == name {
			return i, true
		}
	}
	return Interface{}, false
}

// Sharer is an interface with an address in a subnet another interface
// also has.
type Sharer struct {
	Iface  string
	Prefix netip.Prefix // its address in the shared subnet
}

// SameSubnet returns the interfaces other than iface with an address whose
// subnet overlaps the subnet of iface's address in p's family and range:
// the configuration in which the kernel may route a subnet's traffic
// through either. Loopback interfaces are left out; so are IPv6
// link-local addresses, which every interface has.
func SameSubnet(ifs []Interface, iface string, p netip.Prefix) []Sharer {
	var out []Sharer
	if p.Addr().Is6() && p.Addr().IsLinkLocalUnicast() {
		return nil
	}
	mine := p.Masked()
	for _, i := range ifs {
		if i.Name == iface || i.Loopback {
			continue
		}
		for _, q := range i.Prefixes {
			if q.Addr().Is4() != p.Addr().Is4() || q.Addr().IsLinkLocalUnicast() && q.Addr().Is6() {
				continue
			}
			if q.Masked().Overlaps(mine) {
				out = append(out, Sharer{Iface: i.Name, Prefix: q})
			}
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Iface < out[b].Iface })
	return out
}

// PrefixOf returns the prefix of iface's address a.
func PrefixOf(i Interface, a netip.Addr) (netip.Prefix, bool) {
	for _, p := range i.Prefixes {
		if p.Addr() == a.Unmap() {
			return p, true
		}
	}
	return netip.Prefix{}, false
}

// Host is the edge to the host's network stack; the zero value is the
// running kernel's.
type Host struct {
	Route      func(Query) (Route, error)
	Interfaces func() ([]Interface, error)
}

// WithDefaults fills in the running kernel's functions for nil ones.
func (h Host) WithDefaults() Host {
	if h.Route == nil {
		h.Route = Get
	}
	if h.Interfaces == nil {
		h.Interfaces = Interfaces
	}
	return h
}
