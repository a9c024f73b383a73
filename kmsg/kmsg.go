package kmsg

import (
	"strconv"
	"strings"
)

// Record is one kernel log record.
type Record struct {
	Priority int // syslog priority (facility<<3 | level)
	Seq      uint64
	Message  string
}

// ParseRecord parses one /dev/kmsg record:
// "PRI,SEQ,TIMESTAMP,FLAGS[,…];MESSAGE\n" followed by optional
// " KEY=VALUE" dictionary lines, which are dropped. Escaped bytes in the
// message (\xNN) are kept as written.
func ParseRecord(b []byte) (Record, bool) {
	s := string(b)
	head, msg, ok := strings.Cut(s, ";")
	if !ok {
		return Record{}, false
	}
	fields := strings.Split(head, ",")
	if len(fields) < 3 {
		return Record{}, false
	}
	pri, err1 := strconv.Atoi(fields[0])
	seq, err2 := strconv.ParseUint(fields[1], 10, 64)
	if err1 != nil || err2 != nil || pri < 0 {
		return Record{}, false
	}
	msg, _, _ = strings.Cut(msg, "\n")
	return Record{Priority: pri, Seq: seq, Message: msg}, true
}

// Relevant reports whether a kernel message concerns NVMe over Fabrics:
// the nvme host and target drivers and the RDMA and TCP pieces under them.
func Relevant(msg string) bool {
	for _, p := range []string{"nvme", "rdma", "rxe", "ib_", "infiniband"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
