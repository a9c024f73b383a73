package nqn

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Well-known names.
const (
	// Discovery is the well-known discovery subsystem NQN.
	Discovery = "nqn.2014-08.org.nvmexpress.discovery"
	// UUIDPrefix starts every UUID-form NQN.
	UUIDPrefix = "nqn.2014-08.org.nvmexpress:uuid:"
	// MaxLen is the longest NQN the specification allows, in bytes.
	MaxLen = 223
)

// Error reports why a string is not an acceptable NQN.
type Error struct {
	NQN    string
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("invalid NQN %q: %s", e.NQN, e.Reason)
}

// CheckSafe reports whether s can travel inside a kernel option string or a
// comma-separated list: non-empty, at most MaxLen bytes of valid UTF-8, and
// free of ',', '=', white space and control characters. It does not check the
// NQN format; see Validate.
func CheckSafe(s string) error {
	if s == "" {
		return &Error{s, "empty"}
	}
	if len(s) > MaxLen {
		return &Error{s, fmt.Sprintf("%d bytes long, the limit is %d", len(s), MaxLen)}
	}
	if !utf8.ValidString(s) {
		return &Error{s, "not valid UTF-8"}
	}
	for i, r := range s {
		switch {
		case r == ',' || r == '=':
			return &Error{s, fmt.Sprintf("contains %q at byte %d (it would split the kernel option string)", r, i)}
		case r <= ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' || r == '\u00a0':
			return &Error{s, fmt.Sprintf("contains white space or a control character (%U) at byte %d", r, i)}
		}
	}
	return nil
}

// Validate checks that s is a well-formed NQN that is safe to pass to the
// kernel.
func Validate(s string) error {
	if err := CheckSafe(s); err != nil {
		return err
	}
	if s == Discovery {
		return nil
	}
	if strings.HasPrefix(s, UUIDPrefix) {
		if _, ok := UUIDOf(s); !ok {
			return &Error{s, "the text after " + UUIDPrefix + " must be a 36-character UUID"}
		}
		return nil
	}
	rest, ok := strings.CutPrefix(s, "nqn.")
	if !ok {
		return &Error{s, `must start with "nqn." (nqn.yyyy-mm.reverse.domain:name)`}
	}
	if len(rest) < 8 || !isDate(rest[:7]) || rest[7] != '.' {
		return &Error{s, `must continue with a date "yyyy-mm." after "nqn." (nqn.yyyy-mm.reverse.domain:name)`}
	}
	domain, _, _ := strings.Cut(rest[8:], ":")
	if !isDomain(domain) {
		return &Error{s, fmt.Sprintf("%q is not a reverse domain name (labels of letters, digits and '-', separated by '.')", domain)}
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

// IsDiscovery reports whether s is the well-known discovery NQN.
func IsDiscovery(s string) bool { return s == Discovery }

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
