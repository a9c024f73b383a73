package nvmftest

import "github.com/gonvme/gonvme/discovery"

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
		l.Entries = append(l.Entries, de)
	}
	return l
}
