package tlspsk

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
)

// ErrInput says the NQNs, the identity version or the key cannot be
// derived from.
var ErrInput = errors.New("cannot derive a TLS PSK")

// Derived is what a configured PSK gives for one host and subsystem: the
// TLS PSK identity (the key's description in the keyring) and the TLS PSK.
type Derived struct {
	Identity string
	PSK      []byte
	// Hash is the hash of the identity's cipher suite.
	Hash Hash
}

// Params selects the derivation.
type Params struct {
	HostNQN, SubsysNQN string
	// Version is the identity version: 0 (NVMe TCP 1.0c) or 1 (NVMe TCP
	// 2.0, with the PSK digest).
	Version int
	// Compat is the derivation of nvme-cli before 2.14 (and SPDK of that
	// time), whose HKDF labels are not RFC 8446 HkdfLabel structures.
	Compat bool
}

func newHash(h Hash) func() hash.Hash {
	if h == SHA384 {
		return sha512.New384
	}
	return sha256.New
}

// hkdfLabel is RFC 8446's HkdfLabel: length (16 bits, big endian), the
// label "tls13 "+label and the context, each after its length byte. The
// compat form has the length little endian and no length bytes.
func hkdfLabel(length int, label, context string, compat bool) ([]byte, error) {
	if limit := 255 + b2i(compat); len(context) > limit {
		return nil, fmt.Errorf("HKDF context of %d bytes (at most %d): %w", len(context), limit, ErrInput)
	}
	l := "tls13 " + label
	if compat {
		b := binary.LittleEndian.AppendUint16(nil, uint16(length))
		return append(append(b, l...), context...), nil
	}
	b := binary.BigEndian.AppendUint16(nil, uint16(length))
	b = append(append(b, byte(len(l))), l...)
	return append(append(b, byte(len(context))), context...), nil
}

// Derive turns a configured PSK into the retained PSK (HKDF with label
// "HostNQN" and the host NQN, unless k.Hash is None), the identity
// "NVMe<v>R<hh> <hostnqn> <subsysnqn>[ <digest>]" and the TLS PSK (HKDF
// with label "nvme-tls-psk" and the identity, or for version 1 the hash
// and the digest, as context).
func Derive(k Key, p Params) (Derived, error) {
	if !validLen(k.Hash, len(k.Secret)) {
		return Derived{}, fmt.Errorf("a %d-byte key with hash %02x: %w", len(k.Secret), byte(k.Hash), ErrInput)
	}
	if p.Version != 0 && p.Version != 1 {
		return Derived{}, fmt.Errorf("identity version %d (0 or 1): %w", p.Version, ErrInput)
	}
	if p.HostNQN == "" || p.SubsysNQN == "" {
		return Derived{}, fmt.Errorf("both the host and the subsystem NQN are needed: %w", ErrInput)
	}
	n := len(k.Secret)
	cipher := k.Hash
	retained := append([]byte(nil), k.Secret...)
	if k.Hash == None {
		cipher = SHA256
		if n == 48 {
			cipher = SHA384
		}
	} else {
		info, err := hkdfLabel(n, "HostNQN", p.HostNQN, p.Compat)
		if err != nil {
			return Derived{}, err
		}
		if retained, err = hkdf.Key(newHash(k.Hash), k.Secret, nil, string(info), n); err != nil {
			return Derived{}, fmt.Errorf("retained PSK: %w", err)
		}
	}
	id := fmt.Sprintf("NVMe%dR%02d %s %s", p.Version, byte(cipher), p.HostNQN, p.SubsysNQN)
	context := id
	if p.Version == 1 {
		m := hmac.New(newHash(cipher), retained)
		m.Write([]byte(p.HostNQN + " " + p.SubsysNQN + " NVMe-over-Fabrics"))
		digest := base64.StdEncoding.EncodeToString(m.Sum(nil))
		id += " " + digest
		context = fmt.Sprintf("%02d %s", byte(cipher), digest)
	}
	info, err := hkdfLabel(n, "nvme-tls-psk", context, p.Compat)
	if err != nil {
		return Derived{}, err
	}
	psk, err := hkdf.Key(newHash(cipher), retained, nil, string(info), n)
	if err != nil {
		return Derived{}, fmt.Errorf("TLS PSK: %w", err)
	}
	return Derived{Identity: id, PSK: psk, Hash: cipher}, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
