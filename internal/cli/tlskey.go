package cli

import (
	"errors"
	"fmt"
	"unicode"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/keyring"
	"github.com/gonvme/gonvme/nvmf"
)

// defaultTLSKeyring is the keyring the kernel and nvme-cli keep NVMe TLS
// PSKs in.
const defaultTLSKeyring = nvmf.DefaultTLSKeyring

// maxKeyDescription is the kernel's limit on a key description.
const maxKeyDescription = 4095

func tlsKeyIdentityFlag() cli.Flag {
	return &cli.StringFlag{Name: "tls-key-identity", Usage: "with --tls: use the TLS PSK whose identity (key description) is `IDENTITY`, " +
		"looked up in --keyring or the .nvme keyring; the kernel gets its serial as tls_key"}
}

// withTLSKeyIdentity resolves --tls-key-identity to the serial of that PSK
// and sets it as o.TLSKey, and the keyring searched as o.Keyring. nvme-cli 2.16 does the same lookup (in the
// session keyring after linking the keyring into it), but only on the way
// to importing a PSK given in interchange form with --tls-key; gonvme's
// --tls-key takes a serial, so the identity names a key already in the
// keyring (nvme tls-key --import, nvme gen-tls-key --insert).
func (env *Env) withTLSKeyIdentity(c *cli.Context, o fabrics.Options) (fabrics.Options, error) {
	id := c.String("tls-key-identity")
	if !c.IsSet("tls-key-identity") {
		return o, nil
	}
	switch {
	case id == "":
		return o, usageErrorf("--tls-key-identity: empty; give the identity of a PSK in the keyring")
	case len(id) > maxKeyDescription:
		return o, usageErrorf("--tls-key-identity: %d bytes long, the kernel's limit on a key description is %d", len(id), maxKeyDescription)
	case o.Transport != "tcp":
		return o, usageErrorf("--tls-key-identity: TLS is for --transport tcp only, not %q", o.Transport)
	case !o.TLS:
		return o, usageErrorf("--tls-key-identity needs --tls: it names the PSK of a TLS connection")
	case o.TLSKey != nil:
		return o, usageErrorf("--tls-key-identity and --tls-key both name the TLS key: give one")
	}
	for i, r := range id {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return o, usageErrorf("--tls-key-identity: %q has a control character or invalid UTF-8 at byte %d", id, i)
		}
	}
	sup, err := env.Edge.Kernel.Probe()
	if err != nil {
		return o, err
	}
	if sup != nil && !sup["tls_key"] {
		return o, usageErrorf("--tls-key-identity: the running kernel does not support TLS keys (%s lists no tls_key; Linux 6.7 and later have it); nothing was written",
			env.FS.Path(fabrics.DevicePath))
	}
	if env.psk.key != "" {
		// The identity names the PSK --tls-key gives (importPSK).
		return o, nil
	}
	ring := 0
	if o.Keyring != nil {
		ring = *o.Keyring
	} else if ring, err = keyring.Find(env.FS, "keyring", defaultTLSKeyring); err != nil {
		if errors.Is(err, keyring.ErrNotFound) {
			return o, fmt.Errorf("--tls-key-identity: no %s keyring is visible in %s: load the nvme-keyring module (modprobe nvme-keyring) and run as root, or name the keyring with --keyring: %w",
				defaultTLSKeyring, env.FS.Path(keyring.ProcKeys), err)
		}
		return o, fmt.Errorf("--tls-key-identity: %w", err)
	}
	serial, err := env.Edge.SearchKey(ring, "psk", id)
	if errors.Is(err, keyring.ErrNotFound) {
		return o, fmt.Errorf("--tls-key-identity: no TLS PSK with identity %q in keyring %d: import it first (nvme tls-key --import, or nvme gen-tls-key --insert): %w",
			id, ring, err)
	}
	if err != nil {
		return o, fmt.Errorf("--tls-key-identity: %w", err)
	}
	// libnvme names the keyring it found the key in too.
	o.Keyring, o.TLSKey = fabrics.Int(ring), fabrics.Int(serial)
	return o, nil
}
