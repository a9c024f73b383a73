package cli

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/dhchap"
	"github.com/gonvme/gonvme/nqn"
)

func genDHCHAPKeyCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "gen-dhchap-key",
		Usage: "print a new DH-HMAC-CHAP key for NVMe in-band authentication, as nvme-cli 2.16 does",
		Description: "The key is random unless --secret gives its bytes; with --hmac 1 to 3 it is transformed with\n" +
			"the host NQN (--nqn, else " + nqn.HostNQNEnv + " or " + nqn.HostNQNFile + ") and must be as long as the hash.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "secret", Aliases: []string{"s"}, Usage: "the key's bytes in `HEX` instead of random ones (@FILE reads them from FILE)"},
			&cli.UintFlag{Name: "key-length", Aliases: []string{"l"}, Usage: "key length in bytes: 32, 48 or 64 (default: the hash's, else 32)"},
			&cli.StringFlag{Name: "nqn", Aliases: []string{"n"}, Usage: "host `NQN` the key is transformed with"},
			&cli.UintFlag{Name: "hmac", Aliases: []string{"m"}, Usage: "transformation hash: 0 none, 1 SHA-256, 2 SHA-384, 3 SHA-512"},
		},
		Action: func(c *cli.Context) error {
			if err := noArgs(c); err != nil {
				return err
			}
			h := dhchap.Hash(c.Uint("hmac"))
			if !h.Valid() {
				return usageErrorf("--hmac %d: must be 0 (none), 1 (SHA-256), 2 (SHA-384) or 3 (SHA-512)", c.Uint("hmac"))
			}
			n, err := keyLength(h, int(c.Uint("key-length")))
			if err != nil {
				return err
			}
			secret, err := env.keyBytes(c, n)
			if err != nil {
				return err
			}
			hostNQN, err := env.keyHostNQN(c.String("nqn"))
			if err != nil {
				return err
			}
			k, err := dhchap.Transform(secret, h, hostNQN)
			if err != nil {
				return &usageError{err}
			}
			fmt.Fprintln(env.Stdout, k.Encode())
			return nil
		},
	}
}

// keyLength applies nvme-cli's defaults and rule: the hash's digest
// length, else 32; a hash other than none takes only its own.
func keyLength(h dhchap.Hash, n int) (int, error) {
	switch {
	case n == 0 && h.Size() != 0:
		return h.Size(), nil
	case n == 0:
		return 32, nil
	case h.Size() != 0 && n != h.Size():
		return 0, usageErrorf("--key-length %d: --hmac %d (%s) takes a %d-byte key; leave --key-length out", n, int(h), h, h.Size())
	case n != 32 && n != 48 && n != 64:
		return 0, usageErrorf("--key-length %d: must be 32, 48 or 64", n)
	}
	return n, nil
}

// keyBytes returns --secret decoded, or n random bytes.
func (env *Env) keyBytes(c *cli.Context, n int) ([]byte, error) {
	if !c.IsSet("secret") {
		r := env.Random
		if r == nil {
			r = rand.Reader
		}
		return dhchap.Generate(r, n)
	}
	v, err := secretValue("--secret", c.String("secret"))
	if err != nil {
		return nil, err
	}
	b, err := hex.DecodeString(v)
	if err != nil {
		return nil, usageErrorf("--secret: not an even number of hexadecimal digits (value not shown)")
	}
	if len(b) != n {
		return nil, usageErrorf("--secret: %d bytes, but the key is %d bytes long (--key-length)", len(b), n)
	}
	return b, nil
}

// keyHostNQN is the NQN the key is transformed with: nqnFlag, else
// LIBNVME_HOSTNQN, else /etc/nvme/hostnqn, as nvme-cli reads it.
func (env *Env) keyHostNQN(nqnFlag string) (string, error) {
	if nqnFlag != "" {
		return nqnFlag, nil
	}
	lookup := env.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	if v, ok := lookup(nqn.HostNQNEnv); ok && v != "" {
		return v, nil
	}
	s, err := nqn.ReadHostNQN(env.FS)
	if errors.Is(err, os.ErrNotExist) {
		return "", usageErrorf("no host NQN to bind the key to: give --nqn, or create %s ('gonvme gen-hostnqn > %s')", nqn.HostNQNFile, nqn.HostNQNFile)
	}
	return s, err
}

func checkDHCHAPKeyCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "check-dhchap-key",
		Usage: "check a DH-HMAC-CHAP key and print its hash, length and CRC, as nvme-cli 2.16 does",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "key", Aliases: []string{"k"}, Usage: "the `KEY` \"DHHC-1:…\" (@FILE reads it from FILE)"},
		},
		Action: func(c *cli.Context) error {
			if err := noArgs(c); err != nil {
				return err
			}
			if !c.IsSet("key") {
				return usageErrorf("required argument --key (-k) not given")
			}
			v, err := secretValue("--key", c.String("key"))
			if err != nil {
				return err
			}
			k, err := dhchap.Parse(v)
			if err == nil {
				err = k.CheckStrict()
			}
			if err != nil {
				return &usageError{fmt.Errorf("--key: %w", err)}
			}
			fmt.Fprintf(env.Stdout, "Key is valid (HMAC %d, length %d, CRC %08x)\n", int(k.Hash), len(k.Secret), k.CRC())
			return nil
		},
	}
}
