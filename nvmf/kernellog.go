package nvmf

import (
	"regexp"
	"sync"

	"github.com/gonvme/gonvme/dhchap"
	"github.com/gonvme/gonvme/kmsg"
)

// RecordReader follows the kernel log: Read returns the records logged
// since the previous Read (kmsg.Journal).
type RecordReader interface {
	Read() []kmsg.Record
}

// KernelLog hands each kernel operation the kernel log lines logged while
// it ran, so that a failure carries its own lines and not those of the
// operations before it. Operations that overlap in time (the discoveries
// of one referral level) can see each other's lines, except the lines that
// name a controller another operation created. A nil *KernelLog hands out
// nothing.
type KernelLog struct {
	mu    sync.Mutex
	src   RecordReader
	recs  []kmsg.Record
	last  uint64
	owner map[string]int // controller name → operation that created it
	next  int
}

// maxKeptRecords bounds the records a KernelLog keeps for operations still
// running.
const maxKeptRecords = 4096

// NewKernelLog returns a KernelLog reading from src.
func NewKernelLog(src RecordReader) *KernelLog {
	return &KernelLog{src: src, owner: map[string]int{}}
}

// span is one operation's view of the log: the records logged after start.
type span struct {
	l     *KernelLog
	id    int
	start uint64
}

// begin starts the span of one operation.
func (l *KernelLog) begin() span {
	if l == nil {
		return span{}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.drain()
	l.next++
	return span{l: l, id: l.next, start: l.last}
}

func (l *KernelLog) drain() {
	for _, r := range l.src.Read() {
		l.recs = append(l.recs, r)
		l.last = max(l.last, r.Seq)
	}
	if n := len(l.recs) - maxKeptRecords; n > 0 {
		l.recs = append(l.recs[:0], l.recs[n:]...)
	}
}

// created records that the span's operation created controller name.
func (s span) created(name string) {
	if s.l == nil || name == "" {
		return
	}
	s.l.mu.Lock()
	defer s.l.mu.Unlock()
	s.l.owner[name] = s.id
}

// lines returns the messages logged since the span began, less those that
// name a controller another operation created.
func (s span) lines() []string {
	if s.l == nil {
		return nil
	}
	s.l.mu.Lock()
	defer s.l.mu.Unlock()
	s.l.drain()
	var out []string
	for _, r := range s.l.recs {
		if r.Seq <= s.start {
			continue
		}
		if m := namedController.FindStringSubmatch(r.Message); m != nil {
			if id, ok := s.l.owner[m[1]]; ok && id != s.id {
				continue
			}
		}
		out = append(out, dhchap.Redact(r.Message)) // the kernel logs "Invalid DH-CHAP secret DHHC-1:…"
	}
	return out
}

// wrap attaches the span's lines to err (nil stays nil).
func (s span) wrap(err error) error {
	if err == nil {
		return nil
	}
	lines := s.lines()
	if len(lines) == 0 {
		return err
	}
	return &KernelLogError{Err: err, Lines: lines}
}

// namedController matches the prefix the nvme host driver gives the lines
// about one controller: "nvme nvme3: ...".
var namedController = regexp.MustCompile(`^nvme (nvme[0-9]+): `)

// KernelLogError is a failed operation with the kernel log lines logged
// while it ran. It prints as the failure alone; the lines are for the
// explanation.
type KernelLogError struct {
	Err   error
	Lines []string
}

func (e *KernelLogError) Error() string { return e.Err.Error() }
func (e *KernelLogError) Unwrap() error { return e.Err }
