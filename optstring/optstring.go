package optstring

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Error says why a value is not safe in an option string.
type Error struct {
	Value  string
	Offset int  // byte offset of the offending character; -1 for the whole value
	Char   rune // the offending character, or utf8.RuneError
	Reason string
}

func (e *Error) Error() string { return e.Reason }

// Mode widens the rule for values whose own format needs it.
type Mode int

const (
	// Plain allows no '='.
	Plain Mode = iota
	// AllowEquals allows '=' inside the value: the kernel splits a token
	// on its first '=' only, and base64 secrets end in '=' padding.
	AllowEquals
)

// Check returns nil when s is non-empty, valid UTF-8 and free of ',',
// '=' (unless mode is AllowEquals), white space and control characters;
// otherwise an *Error naming the first offending byte.
func Check(s string, mode Mode) error {
	if s == "" {
		return &Error{Value: s, Offset: -1, Reason: "is empty"}
	}
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !validAt(s, i):
			return &Error{Value: s, Offset: i, Char: r, Reason: fmt.Sprintf("is not valid UTF-8 (byte %d)", i)}
		case r == ',' || (r == '=' && mode != AllowEquals):
			return &Error{Value: s, Offset: i, Char: r,
				Reason: fmt.Sprintf("contains %q at byte %d, which would split the kernel's option string", r, i)}
		case unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			return &Error{Value: s, Offset: i, Char: r,
				Reason: fmt.Sprintf("contains white space or a control character (%U) at byte %d", r, i)}
		}
	}
	return nil
}

// validAt reports whether the U+FFFD decoded at s[i] was really written
// there, rather than being the decoder's stand-in for an invalid byte.
func validAt(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size == 3
}
