package fabrics

import (
	"errors"
	"fmt"
	"strings"
)

// ErrMalformed marks a kernel answer (supported-options list or connect
// reply) that does not have the expected shape.
var ErrMalformed = errors.New("malformed answer from /dev/nvme-fabrics")

// Supported is the set of option tokens the running kernel lists, by name
// ("transport", "duplicate_connect", …). A nil Supported means the kernel
// could not be asked (before Linux 5.17) and allows everything.
type Supported map[string]bool

// ParseSupported parses what /dev/nvme-fabrics answers to a read before any
// write: comma-separated tokens, each a bare name or "name=<placeholder>",
// such as "instance=-1,cntlid=-1,transport=%s,…,duplicate_connect,…\n".
// Names are lower-case letters, digits and '_'; values printable ASCII. The list must name transport
// and nqn, which every kernel requires; anything else is ErrMalformed.
func ParseSupported(s string) (Supported, error) {
	line := strings.TrimSuffix(s, "\n")
	if line == "" {
		return nil, fmt.Errorf("%w: the supported-options list is empty", ErrMalformed)
	}
	sup := Supported{}
	for i, tok := range strings.Split(line, ",") {
		name, placeholder, hasValue := strings.Cut(tok, "=")
		if !isTokenName(name) || (hasValue && !isPlaceholder(placeholder)) {
			return nil, fmt.Errorf("%w: supported-options token %d %q is not \"name\" or \"name=value\"", ErrMalformed, i+1, tok)
		}
		sup[name] = true
	}
	for _, required := range []string{"transport", "nqn"} {
		if !sup[required] {
			return nil, fmt.Errorf("%w: the supported-options list %q does not name %q", ErrMalformed, s, required)
		}
	}
	return sup, nil
}

// isPlaceholder accepts the printable ASCII the kernel puts after '=':
// "%s", "%d", "-1".
func isPlaceholder(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c <= ' ' || c >= 0x7f || c == '=' {
			return false
		}
	}
	return true
}

func isTokenName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// UnsupportedError is an option the user asked for that the running kernel
// does not know. It matches errors.ErrUnsupported.
type UnsupportedError struct {
	Option string
}

func (e *UnsupportedError) Error() string {
	switch e.Option {
	case "tls", "tls_key", "keyring", "concat":
		return fmt.Sprintf("the running kernel does not support option %s: this kernel has no NVMe/TCP TLS "+
			"(Linux 6.7 and later built with CONFIG_NVME_TCP_TLS have it); leave it out or use such a kernel", e.Option)
	}
	return fmt.Sprintf("the running kernel does not support option %s; leave it out or use a newer kernel", e.Option)
}

func (e *UnsupportedError) Is(target error) bool { return target == errors.ErrUnsupported }

// Restrict fits the options to what the running kernel supports: a default
// (see Options.Defaults) the kernel does not list is dropped quietly; an
// option the user asked for is an *UnsupportedError. A nil Supported allows
// everything. The receiver is not modified.
func (o Options) Restrict(sup Supported) (Options, error) {
	if sup == nil {
		return o, nil
	}
	for _, p := range options {
		if !p.isSet(&o) || sup[p.name] {
			continue
		}
		if !o.Defaults[p.name] {
			return Options{}, &UnsupportedError{Option: p.name}
		}
		p.clear(&o)
	}
	return o, nil
}
