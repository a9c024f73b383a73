package nvmf

import (
	"fmt"
	"strings"

	"github.com/gonvme/gonvme/discovery"
)

// entryAddress reads the address of a discovery log entry the way libnvme
// connects one: rdma and tcp entries need the IPv4 or IPv6 family and keep
// their trsvcid; fc entries need the Fibre Channel family, have no trsvcid,
// and their "nn-0x…,pn-0x…" addresses (as some targets write them) become
// "nn-0x…:pn-0x…"; loop entries have no trsvcid. An entry that cannot be
// connected this way comes back with the reason it is skipped.
func entryAddress(e discovery.Entry) (transport, traddr, trsvcid, skip string) {
	transport = discovery.TrTypeString(e.TrType)
	switch e.TrType {
	case discovery.TrTypeRDMA, discovery.TrTypeTCP:
		if e.AdrFam != discovery.AdrFamIPv4 && e.AdrFam != discovery.AdrFamIPv6 {
			return transport, e.TrAddr, e.TrSvcID, adrFamSkip(e, "ipv4 or ipv6")
		}
		return transport, e.TrAddr, e.TrSvcID, ""
	case discovery.TrTypeFC:
		if e.AdrFam != discovery.AdrFamFC {
			return transport, e.TrAddr, "", adrFamSkip(e, "fibre-channel")
		}
		return transport, strings.Replace(e.TrAddr, ",", ":", 1), "", ""
	case discovery.TrTypeLoop:
		return transport, e.TrAddr, "", ""
	}
	return fmt.Sprintf("trtype %d", e.TrType), e.TrAddr, e.TrSvcID,
		fmt.Sprintf("with transport type %d, which gonvme does not know (rdma 1, fc 2, tcp 3, loop 254)", e.TrType)
}

func adrFamSkip(e discovery.Entry, want string) string {
	return fmt.Sprintf("with address family %s (%d), which does not fit the %s transport, which takes %s",
		discovery.AdrFamString(e.AdrFam), e.AdrFam, discovery.TrTypeString(e.TrType), want)
}

// transportSkip is the reason an entry of another transport than the
// discovery controller's is skipped, as nvme-cli skips it.
func transportSkip(entry, via string, referral bool) string {
	cmd := "connect"
	if referral {
		cmd = "connect-all"
	}
	return fmt.Sprintf("listed for %s by a discovery controller reached over %s: only paths of its own transport are followed (use 'gonvme %s -t %s')",
		entry, via, cmd, entry)
}
