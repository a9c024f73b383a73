package nvmftest

import (
	"fmt"

	"github.com/gonvme/gonvme/discovery"
	"github.com/gonvme/gonvme/nqn"
)

func discoveryLog(genctr uint64, entries []Entry) *discovery.Log {
	l := &discovery.Log{Genctr: genctr}
	for _, e := range entries {
		de := discovery.Entry{
			TrType: trtypes[e.Transport], AdrFam: 1, SubType: e.SubType, TReq: e.TReq,
			PortID: 1, CntlID: 0xffff, ASQSZ: 32, TrSvcID: e.Trsvcid, SubNQN: e.NQN, TrAddr: e.Traddr,
		}
		if e.Transport == "rdma" {
			de.TSAS = discovery.RDMATSAS{QPType: 1, CMS: 1}.TSAS()
		}
		if e.Transport == "tcp" {
			de.TSAS[0] = e.SecType
		}
		l.Entries = append(l.Entries, de)
	}
	return l
}

// Page builds a discovery log page from entries (genctr 1).
func Page(entries ...Entry) []byte {
	return PageGen(1, entries...)
}

// PageGen builds a discovery log page with the given generation counter.
func PageGen(genctr uint64, entries ...Entry) []byte {
	l := discoveryLog(genctr, entries)
	return l.Encode()
}

// Entry is the part of a discovery log entry the tests vary.
type Entry struct {
	Transport string // "rdma", "tcp"
	SubType   uint8  // 1 referral, 2 NVMe subsystem, 3 current discovery subsystem
	TReq      uint8
	SecType   uint8 // tcp: the TSAS security type (2 TLS 1.3)
	Traddr    string
	Trsvcid   string
	NQN       string
}

// Sub is an NVMe subsystem entry.
func Sub(transport, traddr, trsvcid, subnqn string) Entry {
	return Entry{Transport: transport, SubType: 2, Traddr: traddr, Trsvcid: trsvcid, NQN: subnqn}
}

// Referral is a referral to another discovery controller.
func Referral(transport, traddr, trsvcid string) Entry {
	return Entry{Transport: transport, SubType: 1, Traddr: traddr, Trsvcid: trsvcid, NQN: nqn.Discovery}
}

// Current is the current discovery subsystem's own entry.
func Current(transport, traddr, trsvcid string) Entry {
	return Entry{Transport: transport, SubType: 3, Traddr: traddr, Trsvcid: trsvcid, NQN: nqn.Discovery}
}

var trtypes = map[string]uint8{"rdma": 1, "fc": 2, "tcp": 3, "loop": 254}

func (e Entry) String() string {
	return fmt.Sprintf("%s %s:%s subtype %d %s", e.Transport, e.Traddr, e.Trsvcid, e.SubType, e.NQN)
}
