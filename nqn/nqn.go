package nqn

import (
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/gonvme/gonvme/optstring"
)

// Well-known names.
const (
	// Discovery is the well-known discovery subsystem NQN.
	Discovery = "nqn.2014-08.org.nvmexpress.discovery"
	// UUIDPrefix starts every UUID-form NQN.
	UUIDPrefix = "nqn.2014-08.org.nvmexpress:uuid:"
	// MaxLen is the longest NQN the Linux host driver accepts, in bytes:
	// it refuses nqn= and hostnqn= values of NVMF_NQN_SIZE (223) bytes or
	// more.
	MaxLen = 222
)

// Error reports why a string is not an acceptable NQN.
type Error struct {
	NQN    string
	Reason string
	Err    error // the underlying cause, such as an *optstring.Error; may be nil
}

func (e *Error) Error() string {
	return fmt.Sprintf("invalid NQN %q: %s", e.NQN, e.Reason)
}

func (e *Error) Unwrap() error { return e.Err }

// Validate reports whether the kernel accepts s as a subsystem or host
// NQN: non-empty, at most MaxLen bytes, and safe in an option string (see
// package optstring). Any such name is valid: the kernel target serves
// subsystems named "toto" or "nvme-subsystem-name", and so gonvme connects
// to them. SpecForm tells whether s also follows the specification.
func Validate(s string) error {
	if err := optstring.Check(s, optstring.Plain); err != nil {
		return &Error{NQN: s, Reason: err.Error(), Err: err}
	}
	if len(s) > MaxLen {
		return &Error{NQN: s, Reason: fmt.Sprintf("is %d bytes long; the kernel accepts at most %d", len(s), MaxLen)}
	}
	return nil
}

// SpecForm reports whether s has one of the NVMe specification's forms,
// "nqn.yyyy-mm.reverse.domain[:name]" or UUIDPrefix followed by a UUID. It
// is advice only: nothing in gonvme refuses a name for failing it.
func SpecForm(s string) error {
	if s == Discovery {
		return nil
	}
	if strings.HasPrefix(s, UUIDPrefix) {
		if _, ok := UUIDOf(s); !ok {
			return &Error{NQN: s, Reason: "the text after " + UUIDPrefix + " is not a 36-character UUID"}
		}
		return nil
	}
	rest, ok := strings.CutPrefix(s, "nqn.")
	if !ok {
		return &Error{NQN: s, Reason: `does not start with "nqn." (the specification's form is nqn.yyyy-mm.reverse.domain:name)`}
	}
	if len(rest) < 8 || !isDate(rest[:7]) || rest[7] != '.' {
		return &Error{NQN: s, Reason: `does not continue with a date "yyyy-mm." after "nqn." (nqn.yyyy-mm.reverse.domain:name)`}
	}
	domain, _, _ := strings.Cut(rest[8:], ":")
	if !isDomain(domain) {
		return &Error{NQN: s, Reason: fmt.Sprintf("%q is not a reverse domain name (labels of letters, digits and '-', separated by '.')", domain)}
	}
	return nil
}

func isDate(s string) bool {
	for i, c := range []byte(s) {
		if i == 4 {
			if c != '-' {
				return false
			}
			continue
		}
		if c < '0' || c > '9' {
			return false
		}
	}
	month := (s[5]-'0')*10 + (s[6] - '0')
	return month >= 1 && month <= 12
}

func isDomain(s string) bool {
	if s == "" {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range []byte(label) {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// FromUUID returns the UUID-form NQN for u.
func FromUUID(u uuid.UUID) string { return UUIDPrefix + u.String() }

// UUIDOf returns the UUID inside a UUID-form NQN.
func UUIDOf(s string) (uuid.UUID, bool) {
	rest, ok := strings.CutPrefix(s, UUIDPrefix)
	if !ok || len(rest) != 36 {
		return uuid.UUID{}, false
	}
	u, err := uuid.Parse(rest)
	return u, err == nil
}

// ValidateHostID checks a host ID: a UUID in its 36-character text form.
func ValidateHostID(s string) error {
	if len(s) != 36 {
		return fmt.Errorf("invalid host ID %q: must be a 36-character UUID such as 6f2a1c0e-8a4b-4c55-9d3e-2b7f0c1a9e44", s)
	}
	if _, err := uuid.Parse(s); err != nil {
		return fmt.Errorf("invalid host ID %q: %w", s, err)
	}
	return nil
}
