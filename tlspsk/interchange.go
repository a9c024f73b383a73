package tlspsk

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"strconv"
	"strings"
)

// Hash names the hash of a PSK: its interchange form's "xx" field and the
// hash of the TLS cipher suite it is for.
type Hash byte

// The hashes of the interchange format. None means the key is used as the
// retained PSK as it is.
const (
	None   Hash = 0
	SHA256 Hash = 1
	SHA384 Hash = 2
)

// Len is the key length the hash goes with: 32 for SHA-256, 48 for
// SHA-384, 0 for None (which takes either).
func (h Hash) Len() int {
	switch h {
	case SHA256:
		return 32
	case SHA384:
		return 48
	}
	return 0
}

// ErrFormat says a string is not a PSK in interchange form.
var ErrFormat = errors.New("not a PSK in interchange form")

// ErrCRC says the key's CRC-32 does not match its bytes.
var ErrCRC = errors.New("CRC-32 mismatch")

// Key is a PSK with the hash its interchange form names.
type Key struct {
	Hash   Hash
	Secret []byte
}

// validLen reports whether n bytes suit hash h.
func validLen(h Hash, n int) bool {
	if h == None {
		return n == 32 || n == 48
	}
	return h.Len() == n && n != 0
}

// Format writes the interchange form "NVMeTLSkey-<version>:<hash>:<base64
// of secret and its CRC-32, little endian>:". nvme-cli writes version 1
// for configured keys and the identity's version for derived ones.
func Format(version int, h Hash, secret []byte) (string, error) {
	if version < 0 || version > 15 {
		return "", fmt.Errorf("interchange version %d: %w", version, ErrFormat)
	}
	if !validLen(h, len(secret)) {
		return "", fmt.Errorf("a %d-byte key with hash %02x: %w", len(secret), byte(h), ErrFormat)
	}
	raw := binary.LittleEndian.AppendUint32(append([]byte(nil), secret...), crc32.ChecksumIEEE(secret))
	return fmt.Sprintf("NVMeTLSkey-%x:%02x:%s:", version, byte(h), base64.StdEncoding.EncodeToString(raw)), nil
}

// Configured returns k in the interchange form of a configured PSK:
// version 1, hash SHA-256 for 32 bytes and SHA-384 for 48, as nvme-cli's
// gen-tls-key prints it.
func Configured(secret []byte) (string, error) {
	h := SHA384
	if len(secret) == 32 {
		h = SHA256
	}
	return Format(1, h, secret)
}

// Parse reads a PSK in interchange form, version 1, hash 00, 01 or 02,
// checking its length against the hash and its CRC-32.
func Parse(s string) (Key, error) {
	k, v, err := ParseVersioned(s)
	if err == nil && v != 1 {
		return Key{}, fmt.Errorf("it does not start with %q: %w", "NVMeTLSkey-1:", ErrFormat)
	}
	return k, err
}

// ParseVersioned reads a PSK in interchange form of version 0 or 1 and
// returns the version too: nvme-cli writes a derived TLS PSK with its
// identity's version, 0 for an NVMe0R… identity.
func ParseVersioned(s string) (Key, int, error) {
	const prefix = "NVMeTLSkey-"
	if !strings.HasPrefix(s, prefix) || len(s) < len(prefix)+2 || (s[len(prefix)] != '0' && s[len(prefix)] != '1') || s[len(prefix)+1] != ':' {
		return Key{}, 0, fmt.Errorf("it does not start with %q: %w", prefix+"1:", ErrFormat)
	}
	version := int(s[len(prefix)] - '0')
	rest := s[len(prefix)+2:]
	if len(rest) < 4 || rest[2] != ':' || !strings.HasSuffix(rest, ":") {
		return Key{}, 0, fmt.Errorf("expected %s%d:xx:<base64>: : %w", prefix, version, ErrFormat)
	}
	hv, err := strconv.ParseUint(rest[:2], 16, 8)
	if err != nil || hv > uint64(SHA384) {
		return Key{}, 0, fmt.Errorf("hash %q is not 00 (none), 01 (SHA-256) or 02 (SHA-384): %w", rest[:2], ErrFormat)
	}
	h := Hash(hv)
	raw, err := base64.StdEncoding.Strict().DecodeString(rest[3 : len(rest)-1])
	if err != nil {
		return Key{}, 0, fmt.Errorf("bad base64: %w: %w", ErrFormat, err)
	}
	n := len(raw) - 4
	if !validLen(h, n) {
		return Key{}, 0, fmt.Errorf("%d key bytes with hash %02x (SHA-256 keys have 32, SHA-384 keys 48): %w", max(n, 0), byte(h), ErrFormat)
	}
	secret, sum := raw[:n], binary.LittleEndian.Uint32(raw[n:])
	if crc32.ChecksumIEEE(secret) != sum {
		return Key{}, 0, fmt.Errorf("the key was mistyped or cut: %w", ErrCRC)
	}
	return Key{Hash: h, Secret: secret}, version, nil
}
