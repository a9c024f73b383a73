package nvmftest

import (
	"sync"

	"github.com/gonvme/gonvme/kmsg"
)

// Journal is a fake kernel log: Log appends a record (sequence numbers
// from 1), Read returns the records not read yet, as a kmsg.Journal does.
type Journal struct {
	mu   sync.Mutex
	recs []kmsg.Record
	read int
}

// Log appends a record with message msg.
func (j *Journal) Log(msg string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.recs = append(j.recs, kmsg.Record{Priority: 3, Seq: uint64(len(j.recs) + 1), Message: msg})
}

// Read returns the records logged since the last Read.
func (j *Journal) Read() []kmsg.Record {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := append([]kmsg.Record(nil), j.recs[j.read:]...)
	j.read = len(j.recs)
	return out
}

// Close does nothing.
func (j *Journal) Close() error { return nil }
