package dhchap

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
)

// Hash is the transformation hash of a secret, the <hh> of its
// representation.
type Hash int

// The transformation hashes; None means the key is used as it is.
const (
	None   Hash = 0
	SHA256 Hash = 1
	SHA384 Hash = 2
	SHA512 Hash = 3
)

// String names the hash as nvme-cli's messages do: "none", "SHA-256", …
func (h Hash) String() string {
	switch h {
	case None:
		return "none"
	case SHA256:
		return "SHA-256"
	case SHA384:
		return "SHA-384"
	case SHA512:
		return "SHA-512"
	}
	return fmt.Sprintf("hash %d", int(h))
}

// Size is the key length the hash requires, in bytes, or 0 for None,
// which takes any of KeyLengths.
func (h Hash) Size() int {
	switch h {
	case SHA256:
		return 32
	case SHA384:
		return 48
	case SHA512:
		return 64
	}
	return 0
}

// Valid reports whether h is one of None, SHA256, SHA384 and SHA512.
func (h Hash) Valid() bool { return h >= None && h <= SHA512 }

func (h Hash) new() func() hash.Hash {
	switch h {
	case SHA256:
		return sha256.New
	case SHA384:
		return sha512.New384
	case SHA512:
		return sha512.New
	}
	return nil
}

// KeyLengths are the key sizes the specification allows, in bytes.
var KeyLengths = []int{32, 48, 64}

func validLength(n int) bool { return n == 32 || n == 48 || n == 64 }

// Key is a DH-HMAC-CHAP secret: the key bytes and the hash that the host
// NQN transforms them with before use.
type Key struct {
	Hash   Hash
	Secret []byte
}

// Prefix starts every secret representation.
const Prefix = "DHHC-1:"

// Encode returns the representation "DHHC-1:<hh>:<base64>:", the secret
// in clear.
func (k Key) Encode() string {
	b := make([]byte, len(k.Secret), len(k.Secret)+4)
	copy(b, k.Secret)
	b = binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(k.Secret))
	return fmt.Sprintf("%s%02x:%s:", Prefix, int(k.Hash), base64.StdEncoding.EncodeToString(b))
}

// String is the representation with the key hidden, safe to print.
func (k Key) String() string { return fmt.Sprintf("%s%02x:%s:", Prefix, int(k.Hash), Redacted) }

// CRC is the CRC-32 of the key bytes, which the representation carries.
func (k Key) CRC() uint32 { return crc32.ChecksumIEEE(k.Secret) }

// Check reports whether the kernel can use the key: a known hash and a
// key of 32, 48 or 64 bytes. Kernels since 6.7 take any of these lengths
// with any hash.
func (k Key) Check() error {
	switch {
	case !k.Hash.Valid():
		return &Error{Reason: fmt.Sprintf("the transformation hash %02x is unknown: it must be 00 (none), 01 (SHA-256), 02 (SHA-384) or 03 (SHA-512)", int(k.Hash))}
	case !validLength(len(k.Secret)):
		return &Error{Reason: fmt.Sprintf("the key is %d bytes long; it must be 32, 48 or 64", len(k.Secret))}
	}
	return nil
}

// CheckStrict is Check plus the rule of nvme-cli's key commands and of
// kernels before 6.7: a hash other than None needs a key as long as its
// digest.
func (k Key) CheckStrict() error {
	if err := k.Check(); err != nil {
		return err
	}
	if k.Hash != None && len(k.Secret) != k.Hash.Size() {
		return &Error{Reason: fmt.Sprintf("the key is %d bytes long, but hash %02x (%s) needs a %d-byte key", len(k.Secret), int(k.Hash), k.Hash, k.Hash.Size())}
	}
	return nil
}

// Error says why a secret or a request for one is not usable. It never
// holds the secret.
type Error struct {
	Reason string
	Err    error // the cause, if any
}

func (e *Error) Error() string { return "DH-HMAC-CHAP secret: " + e.Reason }
func (e *Error) Unwrap() error { return e.Err }

// ErrCRC marks a secret whose CRC-32 does not match its key.
var ErrCRC = errors.New("CRC mismatch")

// Generate returns length random bytes read from r (crypto/rand.Reader
// in production), for a new key.
func Generate(r io.Reader, length int) ([]byte, error) {
	if !validLength(length) {
		return nil, &Error{Reason: fmt.Sprintf("key length %d: it must be 32, 48 or 64 bytes", length)}
	}
	b := make([]byte, length)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("reading random bytes: %w", err)
	}
	return b, nil
}

// hmacSeed follows the host NQN in the transformation's HMAC input.
const hmacSeed = "NVMe-over-Fabrics"

// Transform makes the key that gen-dhchap-key prints for secret, hash h
// and host NQN hostNQN: the secret itself for None, else
// HMAC-h(secret, hostNQN || "NVMe-over-Fabrics"). The secret must be as
// long as h's digest.
func Transform(secret []byte, h Hash, hostNQN string) (Key, error) {
	k := Key{Hash: h, Secret: append([]byte(nil), secret...)}
	if err := k.CheckStrict(); err != nil {
		return Key{}, err
	}
	if h == None {
		return k, nil
	}
	m := hmac.New(h.new(), secret)
	io.WriteString(m, hostNQN)
	io.WriteString(m, hmacSeed)
	k.Secret = m.Sum(nil)
	return k, nil
}
