package netroute

import (
	"net/netip"
	"reflect"
	"testing"
)

// The guest's interfaces in seed 003's trap (seed003-ip-addr.txt).
var seed003 = []Interface{
	{Name: "lo", Index: 1, Up: true, Loopback: true, Prefixes: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/8"), netip.MustParsePrefix("::1/128")}},
	{Name: "veth1", Index: 2, Up: true, Prefixes: []netip.Prefix{netip.MustParsePrefix("fe80::80ed:b7ff:fe4a:e419/64")}},
	{Name: "veth0", Index: 3, Up: true, Prefixes: []netip.Prefix{netip.MustParsePrefix("169.254.99.1/16"), netip.MustParsePrefix("fe80::3496:baff:fe2d:4346/64")}},
	{Name: "veth3", Index: 4, Up: true, Prefixes: []netip.Prefix{netip.MustParsePrefix("fe80::4055:96ff:fef7:c3ae/64")}},
	{Name: "veth2", Index: 5, Up: true, Prefixes: []netip.Prefix{netip.MustParsePrefix("169.254.99.7/16"), netip.MustParsePrefix("fe80::4c73:dfff:fe55:9f27/64")}},
}

func TestSameSubnet(t *testing.T) {
	got := SameSubnet(seed003, "veth2", netip.MustParsePrefix("169.254.99.7/16"))
	want := []Sharer{{Iface: "veth0", Prefix: netip.MustParsePrefix("169.254.99.1/16")}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SameSubnet = %v, want %v", got, want)
	}
	if got := SameSubnet(seed003[:4], "veth0", netip.MustParsePrefix("169.254.99.1/16")); len(got) != 0 {
		t.Errorf("without veth2: %v", got)
	}
	if got := SameSubnet(seed003, "veth0", netip.MustParsePrefix("fe80::3496:baff:fe2d:4346/64")); len(got) != 0 {
		t.Errorf("link-local addresses are on every interface, not a clash: %v", got)
	}
	if got := SameSubnet(seed003, "veth0", netip.MustParsePrefix("127.0.0.2/8")); len(got) != 0 {
		t.Errorf("loopback: %v", got)
	}
}

func TestHolder(t *testing.T) {
	if i, ok := Holder(seed003, netip.MustParseAddr("169.254.99.7")); !ok || i.Name != "veth2" {
		t.Errorf("Holder(.7) = %v %v", i.Name, ok)
	}
	if i, ok := Holder(seed003, netip.MustParseAddr("::ffff:169.254.99.1")); !ok || i.Name != "veth0" {
		t.Errorf("Holder(mapped .1) = %v %v", i.Name, ok)
	}
	if _, ok := Holder(seed003, netip.MustParseAddr("169.254.99.2")); ok {
		t.Error("Holder found an address no interface has")
	}
}
