package netroute

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/gonvme/gonvme/internal/hostfs"
)

// Route is one row of the IPv4 routing table.
type Route struct {
	Iface  string
	Dest   netip.Prefix
	Metric int
}

const rtfUp = 0x1

// ParseRoutes parses the text of /proc/net/route, keeping the routes that
// are up.
func ParseRoutes(text string) ([]Route, error) {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "Iface") {
		return nil, errors.New("not a /proc/net/route table: missing header")
	}
	var out []Route
	for i, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) < 8 {
			return nil, fmt.Errorf("line %d: %d fields, want at least 8", i+2, len(f))
		}
		dst, err1 := hexIPv4(f[1])
		mask, err2 := hexIPv4(f[7])
		flags, err3 := strconv.ParseUint(f[3], 16, 32)
		metric, err4 := strconv.Atoi(f[6])
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			return nil, fmt.Errorf("line %d: %w", i+2, err)
		}
		if flags&rtfUp == 0 {
			continue
		}
		bits := 0
		for m := binary.BigEndian.Uint32(mask.AsSlice()); m&0x80000000 != 0; m <<= 1 {
			bits++
		}
		out = append(out, Route{Iface: f[0], Dest: netip.PrefixFrom(dst, bits).Masked(), Metric: metric})
	}
	return out, nil
}

// hexIPv4 decodes the kernel's little-endian hex form, "0163FEA9" for
// 169.254.99.1.
func hexIPv4(s string) (netip.Addr, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 4 {
		return netip.Addr{}, fmt.Errorf("bad IPv4 field %q", s)
	}
	return netip.AddrFrom4([4]byte{b[3], b[2], b[1], b[0]}), nil
}

// Lookup returns the route the kernel would pick for addr: the longest
// prefix, then the lowest metric.
func Lookup(routes []Route, addr netip.Addr) (Route, bool) {
	best, found := Route{}, false
	for _, r := range routes {
		if !r.Dest.Contains(addr) {
			continue
		}
		if !found || r.Dest.Bits() > best.Dest.Bits() || (r.Dest.Bits() == best.Dest.Bits() && r.Metric < best.Metric) {
			best, found = r, true
		}
	}
	return best, found
}

// InterfaceFor returns the interface the route to addr leaves through.
// Only IPv4 is looked up; other addresses return an error saying so.
func InterfaceFor(fs hostfs.FS, addr string) (string, error) {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return "", err
	}
	if !a.Is4() {
		return "", fmt.Errorf("route lookup covers IPv4 only; run 'ip route get %s'", addr)
	}
	b, err := fs.ReadFile("/proc/net/route")
	if err != nil {
		return "", err
	}
	routes, err := ParseRoutes(string(b))
	if err != nil {
		return "", fmt.Errorf("%s: %w", fs.Path("/proc/net/route"), err)
	}
	r, ok := Lookup(routes, a)
	if !ok {
		return "", fmt.Errorf("no route to %s", addr)
	}
	return r.Iface, nil
}

// RDMADevices lists the RDMA devices (with port) whose GID table names the
// network interface iface, such as "rxe0/1" or "mlx5_0/1".
func RDMADevices(fs hostfs.FS, iface string) []string {
	var out []string
	devs, _ := fs.ReadDir("/sys/class/infiniband")
	for _, d := range devs {
		base := "/sys/class/infiniband/" + d.Name() + "/ports"
		ports, _ := fs.ReadDir(base)
		for _, p := range ports {
			ndevs, _ := fs.ReadDir(base + "/" + p.Name() + "/gid_attrs/ndevs")
			for _, n := range ndevs {
				if v, err := fs.ReadAttr(base + "/" + p.Name() + "/gid_attrs/ndevs/" + n.Name()); err == nil && v == iface {
					out = append(out, d.Name()+"/"+p.Name())
					break
				}
			}
		}
	}
	sort.Strings(out)
	return out
}
