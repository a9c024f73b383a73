package fabrics

import (
	"fmt"
	"strconv"
	"strings"
)

// Reply is the kernel's answer to a successful connect.
type Reply struct {
	Instance int // the controller is /dev/nvme<Instance>
	CntlID   int // the controller ID the target assigned
}

// Device is the controller's name, e.g. "nvme3".
func (r Reply) Device() string { return "nvme" + strconv.Itoa(r.Instance) }

// ParseReply parses the line /dev/nvme-fabrics returns after a connect,
// exactly "instance=<n>,cntlid=<m>" with an optional final newline: decimal
// numbers without sign or leading zeros, the instance up to 2³¹−1 and the
// controller ID up to 65535. Anything else is ErrMalformed.
func ParseReply(s string) (Reply, error) {
	bad := func(why string) (Reply, error) {
		return Reply{}, fmt.Errorf("%w: connect reply %q: %s", ErrMalformed, s, why)
	}
	inst, cntlid, ok := strings.Cut(strings.TrimSuffix(s, "\n"), ",")
	if !ok {
		return bad(`want "instance=N,cntlid=M"`)
	}
	var r Reply
	var err error
	if r.Instance, err = replyField(inst, "instance", maxInt); err != nil {
		return bad(err.Error())
	}
	if r.CntlID, err = replyField(cntlid, "cntlid", 0xffff); err != nil {
		return bad(err.Error())
	}
	return r, nil
}

func replyField(field, name string, max uint64) (int, error) {
	digits, ok := strings.CutPrefix(field, name+"=")
	if !ok {
		return 0, fmt.Errorf("field %q is not %s=N", field, name)
	}
	if digits == "" || digits[0] < '0' || digits[0] > '9' || (digits[0] == '0' && len(digits) > 1) {
		return 0, fmt.Errorf("%s %q is not a plain decimal number", name, digits)
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || n > max {
		return 0, fmt.Errorf("%s %q is out of range 0 to %d", name, digits, max)
	}
	return int(n), nil
}
