package netroute

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"syscall"
)

// Route is the kernel's decision for one destination.
type Route struct {
	Dst     netip.Addr `json:"dst"`
	Type    string     `json:"type"` // "unicast", "local", "unreachable", …
	Table   int        `json:"table"`
	IfIndex int        `json:"ifindex"`
	Iface   string     `json:"iface"`
	Src     netip.Addr `json:"src,omitzero"` // the source address the kernel picks
	Gateway netip.Addr `json:"gateway,omitzero"`
}

// Query is one route question: the destination, and optionally the
// source address and outgoing interface a connection is pinned to.
type Query struct {
	Dst     netip.Addr
	Src     netip.Addr // zero: any
	IfIndex int        // 0: any
}

// Linux netlink numbers (include/uapi/linux/netlink.h, rtnetlink.h).
const (
	nlmsgHdrLen  = 16
	rtmsgLen     = 12
	nlmsgError   = 2
	rtmNewRoute  = 24
	rtmGetRoute  = 26
	nlmFRequest  = 1
	rtaDst       = 1
	rtaSrc       = 2
	rtaOIF       = 4
	rtaGateway   = 5
	rtaPrefSrc   = 7
	rtaTable     = 15
	afInet       = 2
	afInet6      = 10
	rtmFLookupTb = 0x1000 // RTM_F_LOOKUP_TABLE: report the table that matched
)

var routeTypes = []string{"unspec", "unicast", "local", "broadcast", "anycast", "multicast",
	"blackhole", "unreachable", "prohibit", "throw", "nat", "xresolve"}

// Request encodes q as an RTM_GETROUTE message with sequence number seq.
func Request(q Query, seq uint32) ([]byte, error) {
	if !q.Dst.IsValid() {
		return nil, errors.New("route query without a destination")
	}
	dst := q.Dst.Unmap()
	fam, bits := byte(afInet), byte(32)
	if dst.Is6() {
		fam, bits = afInet6, 128
	}
	b := make([]byte, nlmsgHdrLen+rtmsgLen)
	rt := b[nlmsgHdrLen:]
	rt[0], rt[1] = fam, bits
	binary.NativeEndian.PutUint32(rt[8:], rtmFLookupTb)
	src := q.Src.Unmap()
	if src.IsValid() {
		if src.Is4() != dst.Is4() {
			return nil, fmt.Errorf("source %s and destination %s are of different address families", q.Src, q.Dst)
		}
		rt[2] = bits
	}
	b = appendAttr(b, rtaDst, dst.AsSlice())
	if src.IsValid() {
		b = appendAttr(b, rtaSrc, src.AsSlice())
	}
	if q.IfIndex > 0 {
		b = appendAttr(b, rtaOIF, binary.NativeEndian.AppendUint32(nil, uint32(q.IfIndex)))
	}
	binary.NativeEndian.PutUint32(b[0:], uint32(len(b)))
	binary.NativeEndian.PutUint16(b[4:], rtmGetRoute)
	binary.NativeEndian.PutUint16(b[6:], nlmFRequest)
	binary.NativeEndian.PutUint32(b[8:], seq)
	return b, nil
}

func appendAttr(b []byte, typ uint16, v []byte) []byte {
	n := 4 + len(v)
	b = binary.NativeEndian.AppendUint16(b, uint16(n))
	b = binary.NativeEndian.AppendUint16(b, typ)
	b = append(b, v...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// ParseReply decodes the kernel's answer to Request: one RTM_NEWROUTE
// message, or an error message whose errno is returned as a
// syscall.Errno (ENETUNREACH when there is no route).
func ParseReply(b []byte) (Route, error) {
	if len(b) < nlmsgHdrLen {
		return Route{}, fmt.Errorf("netlink reply of %d bytes, shorter than its header", len(b))
	}
	n := int(binary.NativeEndian.Uint32(b[0:]))
	typ := binary.NativeEndian.Uint16(b[4:])
	if n < nlmsgHdrLen || n > len(b) {
		return Route{}, fmt.Errorf("netlink reply length %d of %d bytes read", n, len(b))
	}
	body := b[nlmsgHdrLen:n]
	switch typ {
	case nlmsgError:
		if len(body) < 4 {
			return Route{}, errors.New("netlink error message without an errno")
		}
		code := int32(binary.NativeEndian.Uint32(body))
		if code == 0 {
			return Route{}, errors.New("netlink acknowledged the route request without answering it")
		}
		return Route{}, syscall.Errno(-code)
	case rtmNewRoute:
	default:
		return Route{}, fmt.Errorf("netlink reply of type %d, want a route (%d)", typ, rtmNewRoute)
	}
	if len(body) < rtmsgLen {
		return Route{}, errors.New("route message shorter than its header")
	}
	var r Route
	r.Table = int(body[4])
	r.Type = fmt.Sprintf("type %d", body[7])
	if int(body[7]) < len(routeTypes) {
		r.Type = routeTypes[body[7]]
	}
	for a := body[rtmsgLen:]; len(a) >= 4; {
		l := int(binary.NativeEndian.Uint16(a))
		if l < 4 || l > len(a) {
			return Route{}, fmt.Errorf("route attribute of length %d in %d bytes", l, len(a))
		}
		v := a[4:l]
		switch binary.NativeEndian.Uint16(a[2:]) & 0x3fff {
		case rtaDst:
			r.Dst, _ = netip.AddrFromSlice(v)
		case rtaOIF:
			if len(v) == 4 {
				r.IfIndex = int(binary.NativeEndian.Uint32(v))
			}
		case rtaPrefSrc:
			r.Src, _ = netip.AddrFromSlice(v)
		case rtaGateway:
			r.Gateway, _ = netip.AddrFromSlice(v)
		case rtaTable:
			if len(v) == 4 {
				r.Table = int(binary.NativeEndian.Uint32(v))
			}
		}
		l = (l + 3) &^ 3
		if l > len(a) {
			break
		}
		a = a[l:]
	}
	return r, nil
}
