package topology

import "strings"

// Address is a controller's transport address, parsed from the sysfs
// "address" attribute.
type Address struct {
	Traddr     string // traddr=: the target's address
	Trsvcid    string // trsvcid=: the target's port
	HostTraddr string // host_traddr=: the local address asked for at connect
	HostIface  string // host_iface=: the local interface asked for (TCP)
	SrcAddr    string // src_addr=: the local address in use (TCP, kernel ≥ 6.1)
}

// ParseAddress parses a sysfs "address" attribute such as
// "traddr=169.254.99.1,trsvcid=4420,src_addr=169.254.99.2". Unknown keys are
// ignored. A string without any "key=value" item is a PCIe controller's
// address ("0000:00:04.0") and becomes Traddr.
func ParseAddress(s string) Address {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "=") {
		return Address{Traddr: s}
	}
	var a Address
	for _, item := range strings.Split(s, ",") {
		key, value, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok {
			continue
		}
		switch key {
		case "traddr":
			a.Traddr = value
		case "trsvcid":
			a.Trsvcid = value
		case "host_traddr":
			a.HostTraddr = value
		case "host_iface":
			a.HostIface = value
		case "src_addr":
			a.SrcAddr = value
		}
	}
	return a
}
