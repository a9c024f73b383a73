package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/config"
	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/tlspsk"
)

// pskImport is a --tls-key given as a PSK in interchange form, inserted
// once per identity in a run by ins (connect-all connects paths
// concurrently, and replacing a key would revoke the one an earlier
// path's controller uses).
type pskImport struct {
	key string
	ins *nvmf.PSKInserter
	// deferPort makes the configure hook keep a port's tls_key in port
	// for connect to insert after its checks (importPSKs).
	deferPort bool
	port      *config.Port
}

// importPSKs inserts connect's PSK, the command line's or else its
// config.json port's, after the options passed their checks, and checks
// them again with the serials (v is the checked o).
func (env *Env) importPSKs(c *cli.Context, o fabrics.Options, v fabrics.Validated, dry bool) (fabrics.Validated, error) {
	var err error
	switch {
	case env.psk.key != "":
		err = env.importPSK(&o, env.psk.key, c.String("tls-key-identity"), "", dry)
	case env.psk.port != nil && o.TLSKey == nil:
		p := env.psk.port
		if err = env.importPSK(&o, p.TLSKey, p.TLSKeyIdentity, p.Keyring, dry); err != nil {
			err = fmt.Errorf("%s: %w", p.Where, err)
		}
	default:
		return v, nil
	}
	if err != nil {
		return v, err
	}
	if v, err = o.Check(); err != nil {
		return v, &usageError{err}
	}
	return v, nil
}

// pskFromFlag takes --tls-key out of lookup when its value is a PSK in
// interchange form rather than a key serial, checks it and keeps it.
func (env *Env) pskFromFlag(lookup func(string) (string, bool)) (func(string) (string, bool), error) {
	v, ok := lookup("tls-key")
	if !ok || !strings.HasPrefix(strings.TrimSpace(v), "NVMeTLSkey-") {
		return lookup, nil
	}
	if _, err := tlspsk.Parse(v); err != nil {
		return nil, usageErrorf("--tls-key: neither a key serial nor a valid PSK in interchange form (NVMeTLSkey-1:xx:<base64>:): %w", err)
	}
	env.psk.key = v
	return func(long string) (string, bool) {
		if long == "tls-key" {
			return "", false
		}
		return lookup(long)
	}, nil
}

// importPSK puts a PSK in interchange form into the keyring for o's host
// and subsystem and sets o.Keyring and o.TLSKey to the serials
// (nvmf.PSKInserter.Insert). ringName is a config.json port's keyring. With
// dry, nothing is inserted, and a note says what a connect would insert.
func (env *Env) importPSK(o *fabrics.Options, psk, identity, ringName string, dry bool) error {
	if env.psk.ins == nil {
		env.psk.ins = &nvmf.PSKInserter{Edge: env.Edge}
	}
	pending, err := env.psk.ins.Insert(o, nvmf.PSK{Key: psk, Identity: identity, Keyring: ringName}, dry)
	var unsupported *fabrics.UnsupportedError
	if errors.Is(err, nvmf.ErrBadPSK) || errors.As(err, &unsupported) {
		return &usageError{err}
	}
	if err != nil {
		return err
	}
	if pending != nil {
		fmt.Fprintf(env.Stderr, "--dry-run: a connect would first insert the TLS PSK %q into keyring %08x and send its serial as tls_key\n", pending.Identity, pending.Keyring)
	}
	return nil
}

// pskConfigure adds the command line's PSK to each TLS connect of a
// connect-all or connect -n, after config.json's settings (hook).
func (env *Env) pskConfigure(hook func(*fabrics.Options) error) func(*fabrics.Options) error {
	if env.psk.key == "" {
		return hook
	}
	return func(o *fabrics.Options) error {
		if hook != nil {
			if err := hook(o); err != nil {
				return err
			}
		}
		if !o.TLS || o.Transport != "tcp" {
			return nil
		}
		return env.importPSK(o, env.psk.key, "", "", false)
	}
}

// pskTargets gives the discovery controllers that connect with --tls the
// command line's PSK, derived for their NQN.
func (env *Env) pskTargets(targets []nvmf.Target) error {
	if env.psk.key == "" {
		return nil
	}
	for i := range targets {
		o := &targets[i].Options
		if !o.TLS || o.Transport != "tcp" || targets[i].Device != "" {
			continue
		}
		if err := env.importPSK(o, env.psk.key, "", "", false); err != nil {
			return fmt.Errorf("%s: %w", o.Target(), err)
		}
	}
	return nil
}
