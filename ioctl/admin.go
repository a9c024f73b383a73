package ioctl

import (
	"errors"
	"fmt"
)

// Admin command opcodes used by gonvme.
const (
	OpcodeGetLogPage uint8 = 0x02
	OpcodeIdentify   uint8 = 0x06
)

// Command is one NVMe admin command, without its data buffer. The fields are
// the submission queue entry dwords the passthrough interface lets a caller
// set; a zero TimeoutMS means the kernel's default admin timeout.
type Command struct {
	Opcode, Flags                                                         uint8
	NSID, CDW2, CDW3, CDW10, CDW11, CDW12, CDW13, CDW14, CDW15, TimeoutMS uint32
}

// Admin submits admin commands to one controller. Submit transfers
// controller-to-host data into data (which may be empty) and returns
// completion dword 0. An NVMe error status is reported as a *StatusError.
type Admin interface {
	Submit(c Command, data []byte) (result uint32, err error)
}

// ErrBadTransfer reports a Get Log Page transfer the NVMe command cannot
// express: an empty buffer, a length or offset that is not a whole number
// of dwords, or more than 2^32 dwords.
var ErrBadTransfer = errors.New("invalid log page transfer")

// maxLogTransfer is the largest Get Log Page transfer: NUMD is a 32-bit
// count of dwords.
const maxLogTransfer = 4 << 32

// GetLogPage reads len(buf) bytes of log page lid, starting at byte offset,
// with one Get Log Page command (namespace 0). lsp is the log specific field;
// rae asks the controller to Retain the Asynchronous Event (leave it
// latched), as is done on every part of a multi-command read but the last.
func GetLogPage(a Admin, lid, lsp uint8, offset uint64, rae bool, buf []byte) error {
	n := uint64(len(buf))
	if n == 0 || n%4 != 0 || n > maxLogTransfer || offset%4 != 0 {
		return fmt.Errorf("log page 0x%02x: %d bytes at offset %d: %w (length and offset must be multiples of 4, length 4 B to 16 GiB)", lid, n, offset, ErrBadTransfer)
	}
	if _, err := a.Submit(getLogPageCommand(lid, lsp, offset, rae, n), buf); err != nil {
		return fmt.Errorf("get log page 0x%02x (%d bytes at offset %d): %w", lid, n, offset, err)
	}
	return nil
}

// getLogPageCommand encodes Get Log Page: NUMD (dwords to transfer, 0's
// based) is split into NUMDL (cdw10 bits 31:16) and NUMDU (cdw11 bits 15:0);
// the byte offset into LPOL/LPOU.
func getLogPageCommand(lid, lsp uint8, offset uint64, rae bool, n uint64) Command {
	numd := uint32(n/4 - 1)
	cdw10 := uint32(lid) | uint32(lsp&0x7f)<<8 | (numd&0xffff)<<16
	if rae {
		cdw10 |= 1 << 15
	}
	return Command{
		Opcode: OpcodeGetLogPage,
		CDW10:  cdw10,
		CDW11:  numd >> 16,
		CDW12:  uint32(offset),
		CDW13:  uint32(offset >> 32),
	}
}
