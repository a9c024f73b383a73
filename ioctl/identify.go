package ioctl

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// IdentifySize is the size of every Identify data structure.
const IdentifySize = 4096

// CNSNamespace is the Controller or Namespace Structure (CNS) value of
// Identify Namespace.
const CNSNamespace = 0x00

// ErrShortData reports an Identify data structure shorter than IdentifySize.
var ErrShortData = errors.New("identify data shorter than 4096 bytes")

// LBAFormat is one LBA Format entry of Identify Namespace.
type LBAFormat struct {
	MS    uint16 // metadata bytes per LBA
	LBADS uint8  // LBA data size, a power of two
	RP    uint8  // relative performance, 0 best to 3 degraded
}

// IdentifyNamespaceData holds the Identify Namespace fields gonvme uses. LBAF
// lists the NLBAF+1 formats the namespace supports.
type IdentifyNamespaceData struct {
	NSZE, NCAP, NUSE uint64 // size, capacity and utilization, in logical blocks
	NSFEAT           uint8
	NLBAF            uint8 // number of LBA formats, 0's based
	FLBAS            uint8 // formatted LBA size: the format in use
	DPS              uint8
	NMIC             uint8
	ANAGRPID         uint32
	NGUID            [16]byte
	EUI64            [8]byte
	LBAF             []LBAFormat
}

// FormatIndex returns the index of the LBA format in use: FLBAS bits 3:0,
// extended by bits 6:5 for namespaces with more than 16 formats.
func (n *IdentifyNamespaceData) FormatIndex() int {
	return int(n.FLBAS&0x60)>>1 | int(n.FLBAS&0x0f)
}

// LBASize returns the logical block size in bytes of the format in use, or
// 0 when FLBAS names a format the namespace does not list or its size
// cannot be represented.
func (n *IdentifyNamespaceData) LBASize() uint32 {
	i := n.FormatIndex()
	if i >= len(n.LBAF) || n.LBAF[i].LBADS >= 32 {
		return 0
	}
	return 1 << n.LBAF[i].LBADS
}

// DecodeIdentifyNamespace decodes an Identify Namespace data structure.
func DecodeIdentifyNamespace(b []byte) (*IdentifyNamespaceData, error) {
	if len(b) < IdentifySize {
		return nil, fmt.Errorf("identify namespace: %d bytes: %w", len(b), ErrShortData)
	}
	le := binary.LittleEndian
	n := &IdentifyNamespaceData{
		NSZE:     le.Uint64(b[0:]),
		NCAP:     le.Uint64(b[8:]),
		NUSE:     le.Uint64(b[16:]),
		NSFEAT:   b[24],
		NLBAF:    b[25],
		FLBAS:    b[26],
		DPS:      b[29],
		NMIC:     b[30],
		ANAGRPID: le.Uint32(b[92:]),
	}
	copy(n.NGUID[:], b[104:120])
	copy(n.EUI64[:], b[120:128])
	formats := min(int(n.NLBAF)+1, 64)
	n.LBAF = make([]LBAFormat, formats)
	for i := range n.LBAF {
		f := b[128+4*i:]
		n.LBAF[i] = LBAFormat{MS: le.Uint16(f), LBADS: f[2], RP: f[3] & 0x3}
	}
	return n, nil
}

// IdentifyNamespace sends Identify (CNS 0) for namespace nsid and decodes
// the answer.
func IdentifyNamespace(a Admin, nsid uint32) (*IdentifyNamespaceData, error) {
	b, err := identify(a, CNSNamespace, nsid)
	if err != nil {
		return nil, err
	}
	return DecodeIdentifyNamespace(b)
}

func identify(a Admin, cns uint8, nsid uint32) ([]byte, error) {
	b := make([]byte, IdentifySize)
	if _, err := a.Submit(Command{Opcode: OpcodeIdentify, NSID: nsid, CDW10: uint32(cns)}, b); err != nil {
		return nil, fmt.Errorf("identify (CNS %d, namespace %d): %w", cns, nsid, err)
	}
	return b, nil
}

// paddedString returns the text of a fixed-size field: up to its first NUL,
// without trailing spaces.
func paddedString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(bytes.TrimRight(b, " "))
}
