package nvmet

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/gonvme/gonvme/nqn"
)

// InvalidError reports input refused before configfs is touched.
type InvalidError struct {
	Item   string // what was refused: "subsystem toto", "port 1 addr traddr"
	Reason string
}

func (e *InvalidError) Error() string { return e.Item + ": " + e.Reason }

func invalid(item, format string, a ...any) error {
	return &InvalidError{Item: item, Reason: fmt.Sprintf(format, a...)}
}

// Value limits the kernel applies.
const (
	MaxNSID   = 0xfffffffe // NSID 0 and 0xffffffff (all namespaces) are refused
	MaxPortID = 0xffff     // port directory names are 16-bit numbers
)

// Transport types and address families nvmet's configfs accepts.
var (
	Trtypes = []string{"rdma", "tcp", "loop", "fc"}
	Adrfams = []string{"ipv4", "ipv6", "ib", "fc", "loop"}
	Treqs   = []string{"not specified", "required", "not required"}
)

// CheckSubsysNQN refuses a subsystem name nvmet would refuse or that
// would not survive a discovery log entry or a connect option string.
func CheckSubsysNQN(s string) error {
	if err := checkNQN("subsystem", s); err != nil {
		return err
	}
	if s == nqn.Discovery {
		return invalid("subsystem "+s, "the discovery NQN names nvmet's own discovery subsystem and cannot be created")
	}
	return nil
}

// CheckHostNQN refuses a host NQN nvmet or the host driver would refuse.
func CheckHostNQN(s string) error { return checkNQN("host", s) }

func checkNQN(kind, s string) error {
	if err := nqn.Validate(s); err != nil {
		return &InvalidError{Item: kind + " " + strconv.Quote(s), Reason: err.Error()}
	}
	if strings.Contains(s, "/") || s == "." || s == ".." {
		return invalid(kind+" "+strconv.Quote(s), "a configfs directory name cannot contain '/' or be . or ..")
	}
	return nil
}

// CheckName refuses a referral or other configfs item name that is not a
// plain file name of printable characters.
func CheckName(kind, s string) error {
	if s == "" || s == "." || s == ".." || strings.Contains(s, "/") || len(s) > 255 {
		return invalid(kind+" "+strconv.Quote(s), "must be a non-empty file name without '/'")
	}
	if err := checkValue(s); err != nil {
		return invalid(kind+" "+strconv.Quote(s), "%v", err)
	}
	return nil
}

// CheckNSID refuses namespace IDs the kernel refuses.
func CheckNSID(n int) error {
	if n < 1 || n > MaxNSID {
		return invalid("namespace "+strconv.Itoa(n), "namespace IDs run from 1 to %d", MaxNSID)
	}
	return nil
}

// CheckPortID refuses port IDs the kernel refuses.
func CheckPortID(n int) error {
	if n < 0 || n > MaxPortID {
		return invalid("port "+strconv.Itoa(n), "port IDs run from 0 to %d", MaxPortID)
	}
	return nil
}

// CheckID refuses a device_uuid or device_nguid that is not a UUID.
func CheckID(kind, s string) error {
	if _, err := uuid.Parse(s); err != nil || len(s) != 36 {
		return invalid(kind+" "+strconv.Quote(s), "want the form 01234567-89ab-cdef-0123-456789abcdef")
	}
	return nil
}

// CheckAddr refuses a port or referral address nvmet would refuse: an
// unknown transport or family, an address that does not parse for its
// family, a service ID that is not a port number.
func CheckAddr(item string, a Addr) error {
	if !oneOf(a.Trtype, Trtypes) {
		return invalid(item, "transport %q is not one of %s", a.Trtype, strings.Join(Trtypes, ", "))
	}
	if a.Adrfam != "" && !oneOf(a.Adrfam, Adrfams) {
		return invalid(item, "address family %q is not one of %s", a.Adrfam, strings.Join(Adrfams, ", "))
	}
	if a.Treq != "" && !oneOf(a.Treq, Treqs) {
		return invalid(item, "treq %q is not one of %q", a.Treq, Treqs)
	}
	for _, v := range []string{a.Traddr, a.Trsvcid} {
		if err := checkValue(v); err != nil {
			return invalid(item, "%v", err)
		}
	}
	switch a.Trtype {
	case "rdma", "tcp":
		ip := net.ParseIP(a.Traddr)
		switch {
		case ip == nil:
			return invalid(item, "address %q is not an IP address", a.Traddr)
		case a.Adrfam == "ipv4" && ip.To4() == nil, a.Adrfam == "ipv6" && ip.To4() != nil:
			return invalid(item, "address %q is not an %s address", a.Traddr, a.Adrfam)
		case a.Adrfam != "" && a.Adrfam != "ipv4" && a.Adrfam != "ipv6":
			return invalid(item, "%s ports take ipv4 or ipv6 addresses, not %s", a.Trtype, a.Adrfam)
		}
		if n, err := strconv.ParseUint(a.Trsvcid, 10, 16); err != nil || n == 0 {
			return invalid(item, "service %q is not a port number (1-65535)", a.Trsvcid)
		}
	case "loop":
		if a.Traddr != "" || (a.Adrfam != "" && a.Adrfam != "loop") {
			return invalid(item, "loop ports take no address")
		}
	}
	return nil
}

// checkValue refuses what a configfs attribute write would cut or the
// kernel would refuse: NUL, newlines and other control characters.
func checkValue(v string) error {
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("value %q holds a control character", v)
		}
	}
	return nil
}

func oneOf(s string, set []string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}

// IsInvalid reports whether err is input refused before configfs was
// touched.
func IsInvalid(err error) bool {
	var ie *InvalidError
	return errors.As(err, &ie)
}

// CheckValue refuses an attribute value a configfs write would cut or the
// kernel would refuse (control characters, NUL).
func CheckValue(item, v string) error {
	if err := checkValue(v); err != nil {
		return invalid(item, "%v", err)
	}
	return nil
}
