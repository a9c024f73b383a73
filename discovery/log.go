package discovery

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// LogPageID is the discovery log page identifier.
const LogPageID = 0x70

// Wire sizes: the log is a header followed by fixed-size records.
const (
	HeaderSize = 1024
	EntrySize  = 1024
)

// Field offsets inside a record.
const (
	offTrSvcID = 32
	offSubNQN  = 256
	offTrAddr  = 512
	offTSAS    = 768

	trSvcIDSize = 32
	nqnSize     = 256
	trAddrSize  = 256
	tsasSize    = 256
)

// Log is a decoded discovery log page.
type Log struct {
	Genctr  uint64 // generation counter, changed by the target on every update
	Numrec  uint64 // number of records the header announces
	Recfmt  uint16 // record format, 0 in every published version
	Entries []Entry
}

// Entry is one discovery log record. The strings hold the field bytes up to
// the first NUL, without trailing spaces.
type Entry struct {
	TrType, AdrFam, SubType, TReq uint8
	PortID, CntlID, ASQSZ, EFlags uint16
	TrSvcID, SubNQN, TrAddr       string
	TSAS                          [256]byte // transport specific address subtype
}

// RDMATSAS is the RDMA transport specific address subtype.
type RDMATSAS struct {
	QPType, PRType, CMS uint8
	PKey                uint16
}

// RDMA decodes the entry's TSAS as RDMA attributes; meaningful when TrType
// is TrTypeRDMA.
func (e Entry) RDMA() RDMATSAS {
	return RDMATSAS{
		QPType: e.TSAS[0],
		PRType: e.TSAS[1],
		CMS:    e.TSAS[2],
		PKey:   binary.LittleEndian.Uint16(e.TSAS[8:]),
	}
}

// TSAS encodes r as a TSAS field.
func (r RDMATSAS) TSAS() [256]byte {
	var t [256]byte
	t[0], t[1], t[2] = r.QPType, r.PRType, r.CMS
	binary.LittleEndian.PutUint16(t[8:], r.PKey)
	return t
}

// TCPSecType returns the TCP security type from the entry's TSAS;
// meaningful when TrType is TrTypeTCP.
func (e Entry) TCPSecType() uint8 { return e.TSAS[0] }

// ErrTruncated is matched (with errors.Is) by every *TruncatedError.
var ErrTruncated = errors.New("discovery log page truncated")

// TruncatedError reports a log page shorter than its header says.
type TruncatedError struct {
	Len      int    // bytes available
	Numrec   uint64 // records the header announces; 0 when the header itself is cut
	Complete int    // complete records present
}

func (e *TruncatedError) Error() string {
	if e.Len < HeaderSize {
		return fmt.Sprintf("discovery log page truncated: %d bytes, shorter than the %d-byte header", e.Len, HeaderSize)
	}
	return fmt.Sprintf("discovery log page truncated: the header announces %d records but its %d bytes hold %d complete ones", e.Numrec, e.Len, e.Complete)
}

// Is makes errors.Is(err, ErrTruncated) true.
func (e *TruncatedError) Is(target error) bool { return target == ErrTruncated }

// Decode decodes a discovery log page: a header and exactly the records it
// announces (bytes past them are ignored). A page with fewer records than
// announced is a *TruncatedError.
func Decode(b []byte) (*Log, error) {
	l, err := DecodePartial(b)
	if err != nil {
		return nil, err
	}
	return l, nil
}

// DecodePartial decodes the complete records present. When the page holds
// fewer than its header announces it returns them together with a
// *TruncatedError; Numrec keeps the announced count. It returns a nil Log
// only when the header itself is cut.
func DecodePartial(b []byte) (*Log, error) {
	if len(b) < HeaderSize {
		return nil, &TruncatedError{Len: len(b)}
	}
	le := binary.LittleEndian
	l := &Log{
		Genctr: le.Uint64(b[0:]),
		Numrec: le.Uint64(b[8:]),
		Recfmt: le.Uint16(b[16:]),
	}
	present := uint64(len(b)-HeaderSize) / EntrySize
	n := min(l.Numrec, present)
	l.Entries = make([]Entry, n)
	for i := range l.Entries {
		l.Entries[i] = decodeEntry(b[HeaderSize+i*EntrySize:][:EntrySize])
	}
	if n < l.Numrec {
		return l, &TruncatedError{Len: len(b), Numrec: l.Numrec, Complete: int(n)}
	}
	return l, nil
}

func decodeEntry(b []byte) Entry {
	le := binary.LittleEndian
	e := Entry{
		TrType:  b[0],
		AdrFam:  b[1],
		SubType: b[2],
		TReq:    b[3],
		PortID:  le.Uint16(b[4:]),
		CntlID:  le.Uint16(b[6:]),
		ASQSZ:   le.Uint16(b[8:]),
		EFlags:  le.Uint16(b[10:]),
		TrSvcID: paddedString(b[offTrSvcID:][:trSvcIDSize]),
		SubNQN:  paddedString(b[offSubNQN:][:nqnSize]),
		TrAddr:  paddedString(b[offTrAddr:][:trAddrSize]),
	}
	copy(e.TSAS[:], b[offTSAS:][:tsasSize])
	return e
}

// paddedString returns the text of a fixed-size field: up to its first NUL,
// without trailing spaces.
func paddedString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(bytes.TrimRight(b, " "))
}

// Encode returns the wire form of l: the header, with Numrec set to the
// number of entries, then every entry. Strings are NUL-padded; a string
// longer than its field is cut to fit. Reserved bytes are zero.
func (l *Log) Encode() []byte {
	b := make([]byte, HeaderSize+EntrySize*len(l.Entries))
	le := binary.LittleEndian
	le.PutUint64(b[0:], l.Genctr)
	le.PutUint64(b[8:], uint64(len(l.Entries)))
	le.PutUint16(b[16:], l.Recfmt)
	for i, e := range l.Entries {
		e.encode(b[HeaderSize+i*EntrySize:][:EntrySize])
	}
	return b
}

func (e Entry) encode(b []byte) {
	le := binary.LittleEndian
	b[0], b[1], b[2], b[3] = e.TrType, e.AdrFam, e.SubType, e.TReq
	le.PutUint16(b[4:], e.PortID)
	le.PutUint16(b[6:], e.CntlID)
	le.PutUint16(b[8:], e.ASQSZ)
	le.PutUint16(b[10:], e.EFlags)
	copy(b[offTrSvcID:][:trSvcIDSize], e.TrSvcID)
	copy(b[offSubNQN:][:nqnSize], e.SubNQN)
	copy(b[offTrAddr:][:trAddrSize], e.TrAddr)
	copy(b[offTSAS:][:tsasSize], e.TSAS[:])
}
