package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/keyring"
	"github.com/gonvme/gonvme/tlspsk"
)

func tlsKeyCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "tls-key",
		Usage: "export the TLS PSKs of a keyring to a key file, import a key file's PSKs into it, or revoke one",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "keyring", Aliases: []string{"k"}, Value: defaultTLSKeyring, Usage: "the keyring (by description) of the TLS PSKs"},
			&cli.StringFlag{Name: "keytype", Aliases: []string{"t"}, Value: "psk", Usage: "the key type of the TLS PSKs"},
			&cli.StringFlag{Name: "keyfile", Aliases: []string{"f"}, Usage: "the key file (`FILE`; default: stdin for --import, stdout for --export), " +
				"one '<identity> <PSK in interchange form>' a line, as /etc/nvme/tls-keys"},
			&cli.BoolFlag{Name: "import", Aliases: []string{"i"}, Usage: "put the key file's PSKs into the keyring, replacing keys of the same identity"},
			&cli.BoolFlag{Name: "export", Aliases: []string{"e"}, Usage: "write the keyring's TLS PSKs to the key file (mode 0600)"},
			&cli.StringFlag{Name: "revoke", Aliases: []string{"r"}, Usage: "revoke the key with identity `IDENTITY` from the keyring"},
			verboseFlag(),
		},
		Action: func(c *cli.Context) error {
			if err := noArgs(c); err != nil {
				return err
			}
			n := 0
			for _, f := range []string{"import", "export", "revoke"} {
				if c.IsSet(f) && (f == "revoke" || c.Bool(f)) {
					n++
				}
			}
			if n != 1 {
				return usageErrorf("give one of --import, --export or --revoke IDENTITY")
			}
			for _, f := range []string{"keyring", "keytype"} {
				if v := c.String(f); v == "" || !noControl(v) || len(v) > maxKeyDescription {
					return usageErrorf("--%s: %q is empty, too long or has a control character", f, v)
				}
			}
			switch {
			case c.Bool("export"):
				return env.exportTLSKeys(c)
			case c.Bool("import"):
				return env.importTLSKeys(c)
			}
			return env.revokeTLSKey(c)
		},
	}
}

// exportTLSKeys writes every key of --keytype in --keyring (and the
// keyrings it links) whose description is a TLS PSK identity, with its
// payload in interchange form, as nvme-cli's 'tls-key --export' does; keys
// it cannot read or format are left out, as there.
func (env *Env) exportTLSKeys(c *cli.Context) error {
	name, typ := c.String("keyring"), c.String("keytype")
	ring, err := env.findTLSKeyring(name, false)
	if err != nil {
		return fmt.Errorf("--export: %w", err)
	}
	keys, err := env.keys().List(ring)
	if err != nil {
		return fmt.Errorf("--export: %w", err)
	}
	var b strings.Builder
	n := 0
	for _, k := range keys {
		if k.Type != typ {
			continue
		}
		if _, _, err := tlspsk.IdentityParams(k.Description); err != nil {
			continue
		}
		payload, err := env.keys().Read(ring, k.Serial)
		if err != nil {
			if c.Bool("verbose") {
				fmt.Fprintf(env.Stderr, "skipping key %08x: %v\n", k.Serial, err)
			}
			continue
		}
		line, err := tlspsk.KeyFileLine(k.Description, payload)
		if err != nil {
			if c.Bool("verbose") {
				fmt.Fprintf(env.Stderr, "skipping key %08x: %v\n", k.Serial, err)
			}
			continue
		}
		b.WriteString(line)
		n++
	}
	dest := "stdout"
	if c.IsSet("keyfile") {
		dest = c.String("keyfile")
		if err := writeKeyFile(env.FS.Path(dest), b.String()); err != nil {
			return err
		}
	} else if _, err := io.WriteString(env.Stdout, b.String()); err != nil {
		return err
	}
	if c.Bool("verbose") {
		fmt.Fprintf(env.Stderr, "exported %d TLS PSK(s) of keyring %s (%08x) to %s\n", n, name, ring, dest)
	}
	return nil
}

// writeKeyFile replaces path's content with s, mode 0600 (nvme-cli leaves
// an exported file world-readable).
func writeKeyFile(path, s string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("--keyfile: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("--keyfile: %w", err)
	}
	if _, err := f.WriteString(s); err != nil {
		f.Close()
		return fmt.Errorf("--keyfile: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("--keyfile: %w", err)
	}
	return nil
}

// importTLSKeys puts each key of the key file into --keyring as a
// --keytype key described by its identity, replacing one of that
// identity. Every good line is imported; each bad line and failed insert
// is reported (never quoting a PSK) and makes the exit status 1.
func (env *Env) importTLSKeys(c *cli.Context) error {
	name, typ := c.String("keyring"), c.String("keytype")
	src := "stdin"
	var b []byte
	var err error
	if c.IsSet("keyfile") {
		src = c.String("keyfile")
		b, err = os.ReadFile(env.FS.Path(src))
	} else {
		b, err = io.ReadAll(os.Stdin)
	}
	if err != nil {
		return fmt.Errorf("--import: reading the key file: %w", err)
	}
	keys, bad := tlspsk.ParseKeyFile(b)
	var failed []error
	inserted := 0
	for _, e := range bad {
		failed = append(failed, fmt.Errorf("%s: %w", src, e))
	}
	if len(keys) > 0 {
		ring, err := env.findTLSKeyring(name, true)
		if err != nil {
			return fmt.Errorf("--import: %w", err)
		}
		for _, k := range keys {
			serial, err := env.Edge.UpdateKey(ring, typ, k.Identity, k.PSK)
			if err != nil {
				failed = append(failed, fmt.Errorf("%s: line %d: inserting %q: %w", src, k.Line, k.Identity, err))
				continue
			}
			inserted++
			if c.Bool("verbose") {
				fmt.Fprintf(env.Stderr, "%s: line %d: inserted TLS key %08x %s\n", src, k.Line, serial, k.Identity)
			}
		}
	}
	if len(failed) == 0 {
		if c.Bool("verbose") {
			fmt.Fprintf(env.Stderr, "imported %d TLS PSK(s) from %s into keyring %s\n", len(keys), src, name)
		}
		return nil
	}
	for _, e := range failed {
		fmt.Fprintln(env.Stderr, e)
	}
	fmt.Fprintf(env.Stderr, "imported %d of %d TLS PSK(s) from %s; fix the lines named above and import again\n", inserted, len(keys)+len(bad), src)
	return errReported
}

// revokeTLSKey revokes the --keytype key with the identity --revoke names
// in --keyring.
func (env *Env) revokeTLSKey(c *cli.Context) error {
	name, typ, id := c.String("keyring"), c.String("keytype"), c.String("revoke")
	switch {
	case c.IsSet("keyfile"):
		return usageErrorf("--keyfile is for --import and --export; --revoke takes the identity only")
	case id == "":
		return usageErrorf("--revoke: empty; give the identity of the key to revoke")
	case len(id) > maxKeyDescription:
		return usageErrorf("--revoke: %d bytes long, the kernel's limit on a key description is %d", len(id), maxKeyDescription)
	case !noControl(id):
		return usageErrorf("--revoke: %q has a control character or invalid UTF-8", id)
	}
	ring, err := env.findTLSKeyring(name, false)
	if err != nil {
		return fmt.Errorf("--revoke: %w", err)
	}
	serial, err := env.keys().Revoke(ring, typ, id)
	if errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("--revoke: no %s key %q in keyring %s (list them with 'gonvme tls-key --export'): %w", typ, id, name, err)
	}
	if err != nil {
		return fmt.Errorf("--revoke: %w", err)
	}
	if c.Bool("verbose") {
		fmt.Fprintf(env.Stderr, "revoked key %08x %s\n", serial, id)
	}
	return nil
}
