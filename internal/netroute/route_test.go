package netroute

import (
	"bytes"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Answers of the 6.1 guest's kernel to Request, captured by
// internal/vmtest/capture-rdma.sh.
const fixtures = "../../testdata/kernel/6.1/rdma/route"

func reply(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseReply(t *testing.T) {
	tests := []struct {
		file string
		want Route
	}{
		// The target on this host: local, through lo (ifindex 1).
		{"local-169.254.99.1.bin", Route{Dst: netip.MustParseAddr("169.254.99.1"), Type: "local", Table: 254, IfIndex: 1, Src: netip.MustParseAddr("169.254.99.1")}},
		{"local6-1.bin", Route{Dst: netip.MustParseAddr("::1"), Type: "local", Table: 255, IfIndex: 1, Src: netip.MustParseAddr("::1")}},
		// Seed 003: a policy rule sends it through veth2 (ifindex 5),
		// from veth2's address in the same subnet.
		{"seed003-169.254.99.1.bin", Route{Dst: netip.MustParseAddr("169.254.99.1"), Type: "unicast", Table: 100, IfIndex: 5, Src: netip.MustParseAddr("169.254.99.7")}},
		{"seed003-from-169.254.99.1.bin", Route{Dst: netip.MustParseAddr("169.254.99.1"), Type: "unicast", Table: 100, IfIndex: 5}},
	}
	for _, tt := range tests {
		r, err := ParseReply(reply(t, tt.file))
		if err != nil || r != tt.want {
			t.Errorf("%s: %+v, %v; want %+v", tt.file, r, err, tt.want)
		}
	}
	for _, f := range []string{"unreachable-10.1.2.3.bin", "unreachable-2001-db8--1.bin"} {
		if _, err := ParseReply(reply(t, f)); !errors.Is(err, syscall.ENETUNREACH) {
			t.Errorf("%s: %v, want ENETUNREACH", f, err)
		}
	}
}

func TestParseReplyRefusesBrokenMessages(t *testing.T) {
	good := reply(t, "seed003-169.254.99.1.bin")
	bad := map[string][]byte{
		"empty":         nil,
		"short header":  good[:10],
		"truncated":     good[:len(good)-8],
		"no rtmsg":      append(append([]byte{}, good[:16]...)[:0:0], good[:16]...),
		"bad attribute": append(append([]byte{}, good[:28]...), 0xff, 0x00, 0x01, 0x00),
	}
	for name, b := range bad {
		if len(b) >= 4 && name != "truncated" {
			b = append([]byte{}, b...)
			b[0], b[1], b[2], b[3] = byte(len(b)), 0, 0, 0
		}
		if _, err := ParseReply(b); err == nil {
			t.Errorf("%s: ParseReply accepted %x", name, b)
		}
	}
}

func TestRequest(t *testing.T) {
	b, err := Request(Query{Dst: netip.MustParseAddr("169.254.99.1"), Src: netip.MustParseAddr("169.254.99.1"), IfIndex: 3}, 7)
	if err != nil {
		t.Fatal(err)
	}
	// header 16, rtmsg 12, RTA_DST 8, RTA_SRC 8, RTA_OIF 8
	if len(b) != 52 || b[0] != 52 || b[4] != rtmGetRoute || b[16] != afInet || b[17] != 32 || b[18] != 32 {
		t.Errorf("request %x", b)
	}
	if !bytes.Contains(b, []byte{8, 0, rtaDst, 0, 169, 254, 99, 1}) || !bytes.Contains(b, []byte{8, 0, rtaOIF, 0, 3, 0, 0, 0}) {
		t.Errorf("request %x lacks RTA_DST or RTA_OIF", b)
	}
	if _, err := Request(Query{}, 1); err == nil {
		t.Error("a query without destination was encoded")
	}
	if _, err := Request(Query{Dst: netip.MustParseAddr("::1"), Src: netip.MustParseAddr("127.0.0.1")}, 1); err == nil {
		t.Error("mixed address families were encoded")
	}
}

func FuzzParseReply(f *testing.F) {
	for _, n := range []string{"local-169.254.99.1.bin", "seed003-169.254.99.1.bin", "unreachable-10.1.2.3.bin"} {
		b, err := os.ReadFile(filepath.Join(fixtures, n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseReply(b)
		if err == nil && r.Type == "" {
			t.Fatalf("route without type from %x", b)
		}
	})
}
