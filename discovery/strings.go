package discovery

// Transport types (TRTYPE).
const (
	TrTypeRDMA = 1
	TrTypeFC   = 2
	TrTypeTCP  = 3
	TrTypeLoop = 254
)

// Address families (ADRFAM).
const (
	AdrFamPCI  = 0
	AdrFamIPv4 = 1
	AdrFamIPv6 = 2
	AdrFamIB   = 3
	AdrFamFC   = 4
	AdrFamLoop = 254
)

// Subsystem types (SUBTYPE).
const (
	SubTypeReferral         = 1 // another discovery controller
	SubTypeNVMe             = 2 // an NVM subsystem, to connect for I/O
	SubTypeCurrentDiscovery = 3 // the discovery subsystem being read
)

// Transport requirements (TREQ): bits 1:0 secure channel, bit 2 SQ flow
// control disable.
const (
	TReqSecureChannelMask = 0x3
	TReqNotSpecified      = 0
	TReqRequired          = 1
	TReqNotRequired       = 2
	TReqDisableSQFlow     = 1 << 2
)

// Entry flags (EFLAGS).
const (
	EFlagDuplicateReturnedInfo = 1 << 0
	EFlagExplicitPersistent    = 1 << 1
	EFlagNoCDCConnectivity     = 1 << 2
)

// RDMA TSAS values.
const (
	QPTypeConnected = 1
	QPTypeDatagram  = 2

	PRTypeNotSpecified = 1
	PRTypeIB           = 2
	PRTypeRoCE         = 3
	PRTypeRoCEv2       = 4
	PRTypeIWARP        = 5

	CMSRDMACM = 1
)

// TCP security types (TSAS SECTYPE).
const (
	SecTypeNone  = 0
	SecTypeTLS12 = 1
	SecTypeTLS13 = 2
)

// Unrecognized is the name nvme-cli prints for a value outside its tables.
const Unrecognized = "unrecognized"

var (
	trTypeNames = map[uint8]string{
		TrTypeRDMA: "rdma",
		TrTypeFC:   "fc",
		TrTypeTCP:  "tcp",
		TrTypeLoop: "loop",
	}
	adrFamNames = map[uint8]string{
		AdrFamPCI:  "pci",
		AdrFamIPv4: "ipv4",
		AdrFamIPv6: "ipv6",
		AdrFamIB:   "infiniband",
		AdrFamFC:   "fibre-channel",
	}
	subTypeNames = map[uint8]string{
		SubTypeReferral:         "discovery subsystem referral",
		SubTypeNVMe:             "nvme subsystem",
		SubTypeCurrentDiscovery: "current discovery subsystem",
	}
	// nvme-cli 2.3 names only these four TREQ values: a secure channel
	// requirement combined with the SQ flow control bit is unrecognized.
	tReqNames = map[uint8]string{
		TReqNotSpecified:  "not specified",
		TReqRequired:      "required",
		TReqNotRequired:   "not required",
		TReqDisableSQFlow: "not specified, sq flow control disable supported",
	}
	eFlagsNames = map[uint16]string{
		0:                          "none",
		EFlagExplicitPersistent:    "explicit discovery connections",
		EFlagDuplicateReturnedInfo: "duplicate discovery information",
		EFlagExplicitPersistent | EFlagDuplicateReturnedInfo:                          "explicit discovery connections, duplicate discovery information",
		EFlagNoCDCConnectivity:                                                        "no cdc connectivity",
		EFlagExplicitPersistent | EFlagNoCDCConnectivity:                              "explicit discovery connections, no cdc connectivity",
		EFlagDuplicateReturnedInfo | EFlagNoCDCConnectivity:                           "duplicate discovery information, no cdc connectivity",
		EFlagExplicitPersistent | EFlagDuplicateReturnedInfo | EFlagNoCDCConnectivity: "explicit discovery connections, duplicate discovery information, no cdc connectivity",
	}
	qpTypeNames = map[uint8]string{
		QPTypeConnected: "connected",
		QPTypeDatagram:  "datagram",
	}
	prTypeNames = map[uint8]string{
		PRTypeNotSpecified: "not specified",
		PRTypeIB:           "infiniband",
		PRTypeRoCE:         "roce",
		PRTypeRoCEv2:       "roce-v2",
		PRTypeIWARP:        "iwarp",
	}
	cmsNames = map[uint8]string{
		CMSRDMACM: "rdma-cm",
	}
	secTypeNames = map[uint8]string{
		SecTypeNone:  "none",
		SecTypeTLS12: "tls",
		SecTypeTLS13: "tls13",
	}
)

func name[K comparable](names map[K]string, v K) string {
	if s, ok := names[v]; ok {
		return s
	}
	return Unrecognized
}

// TrTypeString names a transport type: "rdma", "fc", "tcp", "loop".
func TrTypeString(v uint8) string { return name(trTypeNames, v) }

// AdrFamString names an address family: "pci", "ipv4", "ipv6",
// "infiniband", "fibre-channel". nvme-cli has no name for the loop family.
func AdrFamString(v uint8) string { return name(adrFamNames, v) }

// SubTypeString names a subsystem type: "discovery subsystem referral",
// "nvme subsystem", "current discovery subsystem".
func SubTypeString(v uint8) string { return name(subTypeNames, v) }

// TReqString names transport requirements as nvme-cli 2.3 does.
func TReqString(v uint8) string { return name(tReqNames, v) }

// EFlagsString names the entry flags as nvme-cli 2.3 does.
func EFlagsString(v uint16) string { return name(eFlagsNames, v) }

// QPTypeString names an RDMA queue pair type.
func QPTypeString(v uint8) string { return name(qpTypeNames, v) }

// PRTypeString names an RDMA provider type.
func PRTypeString(v uint8) string { return name(prTypeNames, v) }

// CMSString names an RDMA connection management service.
func CMSString(v uint8) string { return name(cmsNames, v) }

// SecTypeString names a TCP security type: "none", "tls", "tls13".
func SecTypeString(v uint8) string { return name(secTypeNames, v) }
