package tlspsk

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrIdentity says a key description is not a TLS PSK identity
// ("NVMe<version><type><hash> …").
var ErrIdentity = errors.New("not a TLS PSK identity")

// MaxIdentity is the kernel's limit on a key description.
const MaxIdentity = 4095

// IdentityParams reads the version digit and the hash of an identity
// "NVMe<v><R|G><hh> …", as nvme-cli reads them when it exports a key
// (sscanf "NVMe%01d%c%02d").
func IdentityParams(identity string) (version int, h Hash, err error) {
	s := identity
	if !strings.HasPrefix(s, "NVMe") || len(s) < 7 || !isDigit(s[4]) {
		return 0, 0, fmt.Errorf("%q: %w", identity, ErrIdentity)
	}
	version = int(s[4] - '0')
	digits := s[6:]
	n := 0
	for n < 2 && n < len(digits) && isDigit(digits[n]) {
		n++
	}
	if n == 0 {
		return 0, 0, fmt.Errorf("%q has no hash after NVMe%d%c: %w", identity, version, s[5], ErrIdentity)
	}
	hv := 0
	for _, c := range digits[:n] {
		hv = hv*10 + int(c-'0')
	}
	return version, Hash(hv), nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// KeyFileLine is one line of nvme-cli's TLS key file (/etc/nvme/tls-keys):
// the identity, a space, the TLS PSK in interchange form of the
// identity's version and hash, as 'nvme tls-key --export' writes it. It
// fails as nvme-cli skips a key: an identity it cannot read, or a PSK
// whose length does not suit the identity's hash.
func KeyFileLine(identity string, psk []byte) (string, error) {
	v, h, err := IdentityParams(identity)
	if err != nil {
		return "", err
	}
	s, err := Format(v, h, psk)
	if err != nil {
		return "", fmt.Errorf("the key of %q: %w", identity, err)
	}
	return identity + " " + s + "\n", nil
}

// FileKey is one key read from a TLS key file.
type FileKey struct {
	Line     int // 1-based
	Identity string
	PSK      []byte
}

// LineError is a line of a TLS key file that holds no key; it never
// quotes the line, which may hold a PSK.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// ParseKeyFile reads a TLS key file: on each line an identity, a space
// and a PSK in interchange form (version 0 or 1, as nvme-cli writes them);
// the identity is everything before the last space. A trailing CR is
// dropped; empty lines and lines starting with '#' are skipped. It returns
// the keys of the good lines and an error for each bad one.
func ParseKeyFile(b []byte) ([]FileKey, []*LineError) {
	var keys []FileKey
	var bad []*LineError
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fail := func(format string, a ...any) { bad = append(bad, &LineError{n, fmt.Errorf(format, a...)}) }
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			fail("no space between the identity and the key: %w", ErrFormat)
			continue
		}
		id, enc := line[:i], line[i+1:]
		switch {
		case id == "":
			fail("empty identity: %w", ErrIdentity)
			continue
		case len(id) > MaxIdentity:
			fail("the identity is %d bytes long, the kernel's limit on a key description is %d: %w", len(id), MaxIdentity, ErrIdentity)
			continue
		case !utf8.ValidString(id) || strings.ContainsFunc(id, func(r rune) bool { return r < 0x20 || r == 0x7f }):
			fail("the identity has a control character or invalid UTF-8: %w", ErrIdentity)
			continue
		}
		k, _, err := ParseVersioned(enc)
		if err != nil {
			fail("the key of %q: %w", id, err)
			continue
		}
		keys = append(keys, FileKey{Line: n, Identity: id, PSK: k.Secret})
	}
	if err := sc.Err(); err != nil {
		bad = append(bad, &LineError{n + 1, fmt.Errorf("reading: %w", err)})
	}
	return keys, bad
}
