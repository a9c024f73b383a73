package discovery

import (
	"fmt"
	"testing"
)

func TestStrings(t *testing.T) {
	cases := []struct {
		fn   string
		v    int
		got  string
		want string
	}{
		{"TrType", 0, TrTypeString(0), "unrecognized"},
		{"TrType", 1, TrTypeString(1), "rdma"},
		{"TrType", 2, TrTypeString(2), "fc"},
		{"TrType", 3, TrTypeString(3), "tcp"},
		{"TrType", 4, TrTypeString(4), "unrecognized"},
		{"TrType", 254, TrTypeString(254), "loop"},
		{"TrType", 255, TrTypeString(255), "unrecognized"},
		{"AdrFam", 0, AdrFamString(0), "pci"},
		{"AdrFam", 1, AdrFamString(1), "ipv4"},
		{"AdrFam", 2, AdrFamString(2), "ipv6"},
		{"AdrFam", 3, AdrFamString(3), "infiniband"},
		{"AdrFam", 4, AdrFamString(4), "fibre-channel"},
		{"AdrFam", 5, AdrFamString(5), "unrecognized"},
		{"AdrFam", 254, AdrFamString(254), "unrecognized"},
		{"SubType", 0, SubTypeString(0), "unrecognized"},
		{"SubType", 1, SubTypeString(1), "discovery subsystem referral"},
		{"SubType", 2, SubTypeString(2), "nvme subsystem"},
		{"SubType", 3, SubTypeString(3), "current discovery subsystem"},
		{"SubType", 4, SubTypeString(4), "unrecognized"},
		{"TReq", 0, TReqString(0), "not specified"},
		{"TReq", 1, TReqString(1), "required"},
		{"TReq", 2, TReqString(2), "not required"},
		{"TReq", 3, TReqString(3), "unrecognized"},
		{"TReq", 4, TReqString(4), "not specified, sq flow control disable supported"},
		{"TReq", 5, TReqString(5), "unrecognized"},
		{"TReq", 6, TReqString(6), "unrecognized"},
		{"EFlags", 0, EFlagsString(0), "none"},
		{"EFlags", 1, EFlagsString(1), "duplicate discovery information"},
		{"EFlags", 2, EFlagsString(2), "explicit discovery connections"},
		{"EFlags", 3, EFlagsString(3), "explicit discovery connections, duplicate discovery information"},
		{"EFlags", 4, EFlagsString(4), "no cdc connectivity"},
		{"EFlags", 5, EFlagsString(5), "duplicate discovery information, no cdc connectivity"},
		{"EFlags", 6, EFlagsString(6), "explicit discovery connections, no cdc connectivity"},
		{"EFlags", 7, EFlagsString(7), "explicit discovery connections, duplicate discovery information, no cdc connectivity"},
		{"EFlags", 8, EFlagsString(8), "unrecognized"},
		{"EFlags", 0x100, EFlagsString(0x100), "unrecognized"},
		{"QPType", 0, QPTypeString(0), "unrecognized"},
		{"QPType", 1, QPTypeString(1), "connected"},
		{"QPType", 2, QPTypeString(2), "datagram"},
		{"QPType", 3, QPTypeString(3), "unrecognized"},
		{"PRType", 0, PRTypeString(0), "unrecognized"},
		{"PRType", 1, PRTypeString(1), "not specified"},
		{"PRType", 2, PRTypeString(2), "infiniband"},
		{"PRType", 3, PRTypeString(3), "roce"},
		{"PRType", 4, PRTypeString(4), "roce-v2"},
		{"PRType", 5, PRTypeString(5), "iwarp"},
		{"PRType", 6, PRTypeString(6), "unrecognized"},
		{"CMS", 0, CMSString(0), "unrecognized"},
		{"CMS", 1, CMSString(1), "rdma-cm"},
		{"CMS", 2, CMSString(2), "unrecognized"},
		{"SecType", 0, SecTypeString(0), "none"},
		{"SecType", 1, SecTypeString(1), "tls"},
		{"SecType", 2, SecTypeString(2), "tls13"},
		{"SecType", 3, SecTypeString(3), "unrecognized"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s(%d)", c.fn, c.v), func(t *testing.T) {
			if c.got != c.want {
				t.Fatalf("%sString(%d) = %q, want %q", c.fn, c.v, c.got, c.want)
			}
		})
	}
}
