package dhchap

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"strings"
)

// Parse decodes a secret representation as the kernel does
// (nvme_auth_extract_key): the "DHHC-1:" prefix, a two-digit hash 00 to
// 03, base64 of a 32, 48 or 64-byte key followed by its little-endian
// CRC-32, and a closing ':'. Key.CheckStrict adds nvme-cli's rule on the
// key's length. Failures are *Error values that do not contain s.
func Parse(s string) (Key, error) {
	rest, ok := strings.CutPrefix(s, Prefix)
	if !ok {
		return Key{}, &Error{Reason: `it does not start with "DHHC-1:"; 'gonvme gen-dhchap-key' makes one`}
	}
	if len(rest) < 3 || rest[2] != ':' || !isHexDigit(rest[0]) || !isHexDigit(rest[1]) {
		return Key{}, &Error{Reason: `"DHHC-1:" must be followed by a two-digit hash identifier and ':', such as "DHHC-1:00:"`}
	}
	var h int
	fmt.Sscanf(rest[:2], "%02x", &h)
	if !Hash(h).Valid() {
		return Key{}, (Key{Hash: Hash(h)}).Check()
	}
	encoded, ok := strings.CutSuffix(rest[3:], ":")
	if !ok || strings.Contains(encoded, ":") {
		return Key{}, &Error{Reason: `it must end with the base64 key and a single ':'`}
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(encoded)
	if err != nil {
		return Key{}, &Error{Reason: "the key is not valid base64", Err: err}
	}
	n := len(raw) - 4
	if !validLength(n) {
		return Key{}, &Error{Reason: fmt.Sprintf("the key decodes to %d bytes; it must be 32, 48 or 64 bytes plus a 4-byte CRC-32 (36, 52 or 68)", len(raw))}
	}
	k := Key{Hash: Hash(h), Secret: raw[:n]}
	if got, want := binary.LittleEndian.Uint32(raw[n:]), crc32.ChecksumIEEE(raw[:n]); got != want {
		return Key{}, &Error{Reason: fmt.Sprintf("the CRC-32 it carries (%08x) does not match its key (%08x): the secret was mistyped or cut short", got, want), Err: ErrCRC}
	}
	if err := k.Check(); err != nil {
		return Key{}, err
	}
	return k, nil
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// Redacted replaces the base64 part of a secret in redacted text.
const Redacted = "<redacted>"

// Redact replaces the key part of every "DHHC-1:" secret in s with
// Redacted, keeping the hash identifier: "DHHC-1:01:<redacted>:". It
// hides whatever follows the prefix up to the next white space, comma or
// quote, so a truncated or malformed secret is hidden as well.
func Redact(s string) string {
	if !strings.Contains(s, Prefix) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, Prefix)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i+len(Prefix)])
		s = s[i+len(Prefix):]
		end := strings.IndexFunc(s, func(r rune) bool {
			return r <= ' ' || r == ',' || r == '"' || r == '\'' || r == 0x7f
		})
		if end < 0 {
			end = len(s)
		}
		tok := s[:end]
		if len(tok) >= 3 && tok[2] == ':' {
			b.WriteString(tok[:3])
		}
		b.WriteString(Redacted)
		if strings.HasSuffix(tok, ":") && len(tok) > 3 {
			b.WriteByte(':')
		}
		s = s[end:]
	}
}
