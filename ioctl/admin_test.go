package ioctl

import (
	"errors"
	"fmt"
	"testing"
)

// fakeAdmin records the commands it receives and answers each with respond.
type fakeAdmin struct {
	cmds    []Command
	lens    []int
	respond func(c Command, data []byte) (uint32, error)
}

func (f *fakeAdmin) Submit(c Command, data []byte) (uint32, error) {
	f.cmds = append(f.cmds, c)
	f.lens = append(f.lens, len(data))
	if f.respond == nil {
		return 0, nil
	}
	return f.respond(c, data)
}

func TestGetLogPageEncoding(t *testing.T) {
	cases := []struct {
		name         string
		lid, lsp     uint8
		offset       uint64
		rae          bool
		n            int
		cdw10, cdw11 uint32
		cdw12, cdw13 uint32
	}{
		{"discovery header", 0x70, 0, 0, false, 1024, 0x00ff0070, 0, 0, 0},
		{"retain event", 0x70, 0, 1024, true, 4096, 0x03ff8070, 0, 1024, 0},
		{"log specific field", 0x70, 0x01, 0, false, 4, 0x00000170, 0, 0, 0},
		{"lsp keeps 7 bits", 0x02, 0xff, 0, false, 4, 0x00007f02, 0, 0, 0},
		{"numd above 16 bits", 0x70, 0, 0, false, 0x40000 * 4, 0xffff0070, 0x0003, 0, 0},
		{"offset above 4 GiB", 0x70, 0, 0x1_0000_0400, false, 8, 0x00010070, 0, 0x400, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := &fakeAdmin{}
			if err := GetLogPage(a, c.lid, c.lsp, c.offset, c.rae, make([]byte, c.n)); err != nil {
				t.Fatalf("GetLogPage: %v", err)
			}
			want := Command{Opcode: OpcodeGetLogPage, CDW10: c.cdw10, CDW11: c.cdw11, CDW12: c.cdw12, CDW13: c.cdw13}
			if len(a.cmds) != 1 || a.cmds[0] != want || a.lens[0] != c.n {
				t.Fatalf("submitted %+v (data %v), want one %+v with %d bytes", a.cmds, a.lens, want, c.n)
			}
		})
	}
}

func TestGetLogPageRejectsBadTransfer(t *testing.T) {
	cases := []struct {
		name   string
		n      int
		offset uint64
	}{
		{"empty", 0, 0},
		{"not dwords", 1022, 0},
		{"unaligned offset", 1024, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := &fakeAdmin{}
			err := GetLogPage(a, 0x70, 0, c.offset, false, make([]byte, c.n))
			if !errors.Is(err, ErrBadTransfer) {
				t.Fatalf("error = %v, want ErrBadTransfer", err)
			}
			if len(a.cmds) != 0 {
				t.Fatalf("submitted %d commands for an invalid transfer", len(a.cmds))
			}
		})
	}
}

func TestGetLogPageWrapsAdminError(t *testing.T) {
	a := &fakeAdmin{respond: func(Command, []byte) (uint32, error) {
		return 0, &StatusError{Status: 0x4109}
	}}
	err := GetLogPage(a, 0x70, 0, 0, false, make([]byte, 1024))
	var se *StatusError
	if !errors.As(err, &se) || se.Status != 0x4109 {
		t.Fatalf("error = %v, want a wrapped *StatusError 0x4109", err)
	}
	if want := "get log page 0x70 (1024 bytes at offset 0): NVMe status Invalid Log Page (0x4109, do not retry)"; err.Error() != want {
		t.Fatalf("error text\n got %q\nwant %q", err, want)
	}
}

func TestStatusError(t *testing.T) {
	cases := []struct {
		status  uint16
		sct, sc uint8
		dnr     bool
		text    string
	}{
		{0x0002, 0, 0x02, false, "NVMe status Invalid Field in Command (0x0002)"},
		{0x4002, 0, 0x02, true, "NVMe status Invalid Field in Command (0x4002, do not retry)"},
		{0x0371, 3, 0x71, false, "NVMe status Command Aborted By Host (0x0371)"},
		{0x2109, 1, 0x09, false, "NVMe status Invalid Log Page (0x2109)"},
		{0x02c5, 2, 0xc5, false, "NVMe status SCT 0x2 SC 0xc5 (0x02c5)"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("0x%04x", c.status), func(t *testing.T) {
			e := &StatusError{Status: c.status}
			if e.SCT() != c.sct || e.SC() != c.sc || e.DNR() != c.dnr {
				t.Errorf("SCT, SC, DNR = %d, 0x%02x, %v; want %d, 0x%02x, %v", e.SCT(), e.SC(), e.DNR(), c.sct, c.sc, c.dnr)
			}
			if e.Error() != c.text {
				t.Errorf("Error()\n got %q\nwant %q", e.Error(), c.text)
			}
		})
	}
}
