package topology

import (
	"strings"
	"testing"
)

func TestParseAddress(t *testing.T) {
	cases := []struct {
		in   string
		want Address
	}{
		{"traddr=169.254.99.1,trsvcid=4420", Address{Traddr: "169.254.99.1", Trsvcid: "4420"}},
		{"traddr=10.0.0.1,trsvcid=4420,src_addr=10.0.0.2\n", Address{Traddr: "10.0.0.1", Trsvcid: "4420", SrcAddr: "10.0.0.2"}},
		{"traddr=fe80::1%eth0,trsvcid=4420,host_traddr=fe80::2,host_iface=eth0",
			Address{Traddr: "fe80::1%eth0", Trsvcid: "4420", HostTraddr: "fe80::2", HostIface: "eth0"}},
		{"traddr=nn-0x20000090fa942779:pn-0x10000090fa942779,host_traddr=nn-0x20000090fa94277a:pn-0x10000090fa94277a",
			Address{Traddr: "nn-0x20000090fa942779:pn-0x10000090fa942779", HostTraddr: "nn-0x20000090fa94277a:pn-0x10000090fa94277a"}},
		{"0000:00:04.0", Address{Traddr: "0000:00:04.0"}},
		{"", Address{}},
		{"traddr=a=b,unknown=x,junk,trsvcid=", Address{Traddr: "a=b"}},
	}
	for _, c := range cases {
		if got := ParseAddress(c.in); got != c.want {
			t.Errorf("ParseAddress(%q)\n got %+v\nwant %+v", c.in, got, c.want)
		}
	}
}

func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{
		"traddr=169.254.99.1,trsvcid=4420",
		"traddr=10.0.0.1,trsvcid=4420,src_addr=10.0.0.2",
		"traddr=fe80::1,trsvcid=4420,host_traddr=fe80::2,host_iface=eth0",
		"0000:00:04.0",
		"",
		",,=,traddr==",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a := ParseAddress(s)
		if !strings.Contains(s, "=") {
			if a != (Address{Traddr: strings.TrimSpace(s)}) {
				t.Fatalf("ParseAddress(%q) = %+v, want the whole string as Traddr", s, a)
			}
			return
		}
		for _, v := range []string{a.Traddr, a.Trsvcid, a.HostTraddr, a.HostIface, a.SrcAddr} {
			if strings.Contains(v, ",") || !strings.Contains(s, v) {
				t.Fatalf("ParseAddress(%q) = %+v: field %q is not one item of the input", s, a, v)
			}
		}
	})
}
