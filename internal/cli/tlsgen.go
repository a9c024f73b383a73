package cli

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"unicode"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/nqn"
	"github.com/gonvme/gonvme/tlspsk"
)

// The flags gen-tls-key and check-tls-key share, as nvme-cli 2.16 names
// them.
func tlsKeyFlags(insertUsage string) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "keyring", Aliases: []string{"k"}, Value: defaultTLSKeyring, Usage: "with --insert: the keyring (by description) the TLS PSK goes into"},
		&cli.StringFlag{Name: "keytype", Aliases: []string{"t"}, Value: "psk", Usage: "with --insert: the key type of the TLS PSK"},
		&cli.StringFlag{Name: "hostnqn", Aliases: []string{"n"}, Usage: "the host NQN the PSK is for (default: LIBNVME_HOSTNQN, else /etc/nvme/hostnqn)"},
		&cli.StringFlag{Name: "subsysnqn", Aliases: []string{"c"}, Usage: "the subsystem NQN the PSK is for"},
		&cli.StringFlag{Name: "keyfile", Aliases: []string{"f"}, Usage: "with --insert: append the TLS PSK's identity and interchange form to `FILE` (mode 0600)"},
		&cli.IntFlag{Name: "identity", Aliases: []string{"I"}, Usage: "TLS identity version: 0 (NVMe TCP 1.0c) or 1 (NVMe TCP 2.0, with the PSK digest)"},
		&cli.BoolFlag{Name: "insert", Aliases: []string{"i"}, Usage: insertUsage},
		&cli.BoolFlag{Name: "compat", Aliases: []string{"C"}, Usage: "derive as nvme-cli before 2.14 did (HKDF labels not RFC 8446's), for older peers"},
	}
}

func genTLSKeyCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "gen-tls-key",
		Usage: "print a new TLS PSK in NVMe PSK interchange form; with --insert derive its TLS PSK and put it in the keyring",
		Flags: append(tlsKeyFlags("derive the retained and TLS PSK for --hostnqn/--subsysnqn and insert the TLS PSK into --keyring"),
			&cli.StringFlag{Name: "secret", Aliases: []string{"s"}, Usage: "the key as `HEX` (32 bytes for --hmac 1, 48 for 2) instead of a random one"},
			&cli.IntFlag{Name: "hmac", Aliases: []string{"m"}, Value: 1, Usage: "hash of the retained key: 1 (SHA-256) or 2 (SHA-384)"}),
		Action: func(c *cli.Context) error {
			if err := noArgs(c); err != nil {
				return err
			}
			h := tlspsk.Hash(c.Int("hmac"))
			if c.Int("hmac") < 1 || c.Int("hmac") > 2 {
				return usageErrorf("--hmac: %d is not 1 (SHA-256) or 2 (SHA-384)", c.Int("hmac"))
			}
			p, err := env.tlsParams(c, c.Bool("insert"))
			if err != nil {
				return err
			}
			secret := make([]byte, h.Len())
			if c.IsSet("secret") {
				if secret, err = parseSecret(c.String("secret"), h.Len()); err != nil {
					return err
				}
			} else if _, err := rand.Read(secret); err != nil {
				return fmt.Errorf("reading random bytes: %w", err)
			}
			s, err := tlspsk.Configured(secret)
			if err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout, s)
			if !c.Bool("insert") {
				return nil
			}
			return env.insertTLSKey(c, tlspsk.Key{Hash: h, Secret: secret}, p)
		},
	}
}

func checkTLSKeyCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "check-tls-key",
		Usage: "check a TLS PSK in interchange form and print its TLS identity for --hostnqn/--subsysnqn; with --insert put its TLS PSK in the keyring",
		Flags: append(tlsKeyFlags("insert the TLS PSK into --keyring instead of printing the identity"),
			&cli.StringFlag{Name: "keydata", Aliases: []string{"d"}, Usage: "the PSK in interchange form (NVMeTLSkey-1:xx:...:)"}),
		Action: func(c *cli.Context) error {
			if err := noArgs(c); err != nil {
				return err
			}
			if !c.IsSet("keydata") {
				return usageErrorf("--keydata: give the PSK to check (NVMeTLSkey-1:xx:...:)")
			}
			k, err := tlspsk.Parse(c.String("keydata"))
			if err != nil {
				return usageErrorf("--keydata: %w", err)
			}
			p, err := env.tlsParams(c, true)
			if err != nil {
				return err
			}
			if c.Bool("insert") {
				return env.insertTLSKey(c, k, p)
			}
			d, err := tlspsk.Derive(k, p)
			if err != nil {
				return usageErrorf("%w", err)
			}
			fmt.Fprintln(env.Stdout, d.Identity)
			return nil
		},
	}
}

// parseSecret reads --secret: exactly n bytes in hexadecimal.
func parseSecret(s string, n int) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, usageErrorf("--secret: not hexadecimal (%s); give %d bytes as %d hex digits", hexProblem(err), n, 2*n)
	}
	if len(b) != n {
		return nil, usageErrorf("--secret: %d bytes; this --hmac takes %d (%d hex digits)", len(b), n, 2*n)
	}
	return b, nil
}

// hexProblem says what is wrong with a hex string without quoting it.
func hexProblem(err error) string {
	var ie hex.InvalidByteError
	if errors.As(err, &ie) {
		return "a character that is not a hex digit"
	}
	return "an odd number of digits"
}

// tlsParams reads the identity version, compat and the NQNs; the
// subsystem NQN (and through it the host NQN) only when needed.
func (env *Env) tlsParams(c *cli.Context, needNQNs bool) (tlspsk.Params, error) {
	p := tlspsk.Params{Version: c.Int("identity"), Compat: c.Bool("compat")}
	if p.Version != 0 && p.Version != 1 {
		return p, usageErrorf("--identity: %d is not 0 (NVMe TCP 1.0c) or 1 (NVMe TCP 2.0)", p.Version)
	}
	for _, f := range []string{"keyring", "keytype"} {
		if v := c.String(f); v == "" || !noControl(v) {
			return p, usageErrorf("--%s: %q is empty or has a control character", f, v)
		}
	}
	if c.IsSet("keyfile") && !c.Bool("insert") {
		return p, usageErrorf("--keyfile needs --insert: it records the inserted TLS PSK")
	}
	if !needNQNs {
		return p, nil
	}
	p.SubsysNQN = c.String("subsysnqn")
	if p.SubsysNQN == "" {
		return p, usageErrorf("--subsysnqn: give the subsystem NQN the PSK is for")
	}
	if err := nqn.Validate(p.SubsysNQN); err != nil {
		return p, usageErrorf("--subsysnqn: %w", err)
	}
	p.HostNQN = c.String("hostnqn")
	if p.HostNQN == "" {
		lookup := env.LookupEnv
		if lookup == nil {
			lookup = os.LookupEnv
		}
		v, ok := lookup("LIBNVME_HOSTNQN")
		var err error
		if p.HostNQN = v; !ok {
			p.HostNQN, err = nqn.ReadHostNQN(env.FS)
		}
		if err != nil || p.HostNQN == "" {
			return p, usageErrorf("no host NQN: give --hostnqn, or write one with 'gonvme gen-hostnqn > %s' (%v)", nqn.HostNQNFile, err)
		}
	}
	if err := nqn.Validate(p.HostNQN); err != nil {
		return p, usageErrorf("--hostnqn: %w", err)
	}
	return p, nil
}

func noControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return false
		}
	}
	return true
}

// insertTLSKey derives k's TLS PSK and puts it into --keyring under its
// identity, printing its serial as nvme-cli does, and with --keyfile
// appends the identity and the TLS PSK in interchange form to the file.
func (env *Env) insertTLSKey(c *cli.Context, k tlspsk.Key, p tlspsk.Params) error {
	d, err := tlspsk.Derive(k, p)
	if err != nil {
		return usageErrorf("%w", err)
	}
	ring, err := env.findTLSKeyring(c.String("keyring"), true)
	if err != nil {
		return err
	}
	serial, err := env.Edge.UpdateKey(ring, c.String("keytype"), d.Identity, d.PSK)
	if err != nil {
		return fmt.Errorf("inserting the TLS PSK %q: %w", d.Identity, err)
	}
	fmt.Fprintf(env.Stdout, "Inserted TLS key %08x\n", serial)
	if !c.IsSet("keyfile") {
		return nil
	}
	exported, err := tlspsk.Format(p.Version, d.Hash, d.PSK)
	if err != nil {
		return err
	}
	return appendKeyFile(env.FS.Path(c.String("keyfile")), d.Identity+" "+exported+"\n")
}

func appendKeyFile(path, line string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("--keyfile: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("--keyfile: %w", err)
	}
	if _, err := f.WriteString(line); err != nil {
		f.Close()
		return fmt.Errorf("--keyfile: %w", err)
	}
	return f.Close()
}
