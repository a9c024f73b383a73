package discovery

import (
	"encoding/binary"
	"fmt"

	"github.com/gonvme/gonvme/ioctl"
)

// DefaultRetries is how many times nvme-cli reads the log before giving up
// on a generation counter that keeps changing.
const DefaultRetries = 10

// MaxRecords bounds the records Fetch reads (4 MiB of log), so a faulty or
// hostile target cannot make it allocate without limit.
const MaxRecords = 4096

// Transfer sizes of the Get Log Page commands. The records are read first
// in wideChunk commands (64 records each: one or two commands for most
// logs, where 4 KiB commands would need one per four records); a
// controller or host that refuses so large a transfer gets chunkSize
// commands, the smallest maximum transfer size a controller may have.
const (
	chunkSize = 4096
	wideChunk = 64 * 1024
)

// UnstableError reports a log whose header changed while it was being read,
// on every try.
type UnstableError struct {
	Tries       int
	First, Last uint64 // generation counters seen first and last
}

func (e *UnstableError) Error() string {
	return fmt.Sprintf("discovery log kept changing while it was read (generation counter %d to %d over %d tries): the target's configuration is being updated; try again later", e.First, e.Last, e.Tries)
}

// TooManyRecordsError reports a header announcing more than MaxRecords
// records.
type TooManyRecordsError struct {
	Numrec uint64
}

func (e *TooManyRecordsError) Error() string {
	return fmt.Sprintf("discovery log announces %d records, more than the %d gonvme reads: the target is faulty, or its discovery service needs narrowing (referrals, fewer ports per host)", e.Numrec, MaxRecords)
}

// Fetch reads the discovery log from a discovery controller. It reads the
// header, then the records it announces, then the header again, and starts
// over from that header when the generation counter or record count moved,
// up to maxRetries reads of the records (at least one); a log that never
// settles is an *UnstableError. It returns the decoded log and its raw
// bytes (header and records), as saved by discover --raw.
func Fetch(a ioctl.Admin, maxRetries int) (*Log, []byte, error) {
	header := make([]byte, HeaderSize)
	if err := readLog(a, 0, header); err != nil {
		return nil, nil, fmt.Errorf("read discovery log header: %w", err)
	}
	first := binary.LittleEndian.Uint64(header)
	tries := max(maxRetries, 1)
	for try := 1; ; try++ {
		genctr, numrec := headerCounts(header)
		if numrec == 0 {
			l, err := Decode(header)
			return l, header, err
		}
		if numrec > MaxRecords {
			return nil, nil, &TooManyRecordsError{Numrec: numrec}
		}
		page := make([]byte, HeaderSize+int(numrec)*EntrySize)
		if err := readRecords(a, page[HeaderSize:]); err != nil {
			return nil, nil, fmt.Errorf("read %d discovery log records: %w", numrec, err)
		}
		header = page[:HeaderSize]
		if err := readLog(a, 0, header); err != nil {
			return nil, nil, fmt.Errorf("read discovery log header again: %w", err)
		}
		if g, n := headerCounts(header); g == genctr && n == numrec {
			l, err := Decode(page)
			return l, page, err
		}
		if try == tries {
			return nil, nil, &UnstableError{Tries: tries, First: first, Last: binary.LittleEndian.Uint64(header)}
		}
	}
}

func headerCounts(h []byte) (genctr, numrec uint64) {
	return binary.LittleEndian.Uint64(h), binary.LittleEndian.Uint64(h[8:])
}

// readRecords reads the records after the header: in wide commands, and
// again in small ones when a wide one fails.
func readRecords(a ioctl.Admin, buf []byte) error {
	if len(buf) > chunkSize {
		if err := readLogIn(a, HeaderSize, buf, wideChunk); err == nil {
			return nil
		}
	}
	return readLog(a, HeaderSize, buf)
}

// readLog reads buf from the discovery log starting at offset, in chunkSize
// commands that retain the asynchronous event on all but the last.
func readLog(a ioctl.Admin, offset uint64, buf []byte) error {
	return readLogIn(a, offset, buf, chunkSize)
}

func readLogIn(a ioctl.Admin, offset uint64, buf []byte, chunk int) error {
	for start := 0; start < len(buf); start += chunk {
		end := min(start+chunk, len(buf))
		last := end == len(buf)
		if err := ioctl.GetLogPage(a, LogPageID, 0, offset+uint64(start), !last, buf[start:end]); err != nil {
			return err
		}
	}
	return nil
}
