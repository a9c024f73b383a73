package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/gonvme/gonvme/config"
	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/keyring"
	"github.com/gonvme/gonvme/nvmf"
)

// jsonConfig is config.json as one command read it: the hosts, without the
// ports that failed validation, and what was wrong.
type jsonConfig struct {
	hosts []config.Host
	errs  []error
}

// jsonHosts reads the JSON configuration at path (config.JSONConfigPath, or
// "none" for none) once per command. Every port is validated as its
// connects would be (its transport, address and settings, for its
// subsystem's NQN); a port that fails is dropped with an error naming it.
func (env *Env) jsonHosts(path string) *jsonConfig {
	if env.json != nil {
		return env.json
	}
	env.json = &jsonConfig{}
	if path == "none" {
		return env.json
	}
	hosts, err := env.readJSONConfig(path)
	if err != nil {
		env.json.errs = append(env.json.errs, err)
		return env.json
	}
	for hi := range hosts {
		for si := range hosts[hi].Subsystems {
			s := &hosts[hi].Subsystems[si]
			valid := s.Ports[:0]
			for _, p := range s.Ports {
				if err := checkPort(s.NQN, p); err != nil {
					env.json.errs = append(env.json.errs, fmt.Errorf("%s: %w", p.Where, err))
					continue
				}
				valid = append(valid, p)
			}
			s.Ports = valid
		}
	}
	env.json.hosts = hosts
	return env.json
}

// checkPort validates a port's settings the way a connect to subsystem
// subnqn through it would be validated.
func checkPort(subnqn string, p config.Port) error {
	o := p.Options()
	o.Transport, o.Traddr, o.Trsvcid, o.NQN = p.Transport, p.Traddr, p.Trsvcid, subnqn
	if o.Trsvcid == "" {
		o.Trsvcid = nvmf.DefaultTrsvcid(o.Transport, true)
	}
	if err := o.Validate(); err != nil {
		return &usageError{err}
	}
	return nil
}

// configure returns what adds config.json's settings to a connect, or nil
// when there is no configuration. With tls, a port's keyring and
// tls_key_identity are looked up as libnvme does: the keyring by its
// description (.nvme when only an identity is given), the PSK by its
// identity in that keyring; the serials go to the kernel as keyring= and
// tls_key=. A port's tls_key (a PSK) is inserted first (importPSK). A TLS
// key given on the command line wins.
func (env *Env) configure(path string) func(*fabrics.Options) error {
	hosts := env.jsonHosts(path).hosts
	if len(hosts) == 0 {
		return nil
	}
	return func(o *fabrics.Options) error {
		p := config.Configure(hosts, o)
		if err := withSecretFiles(nil, o); err != nil {
			return fmt.Errorf("config.json: %w", err)
		}
		if p == nil || !o.TLS || o.TLSKey != nil || env.psk.key != "" || (p.Keyring == "" && p.TLSKeyIdentity == "" && p.TLSKey == "") {
			return nil
		}
		if p.TLSKey != "" {
			if env.psk.deferPort {
				env.psk.port = p
				return nil
			}
			if err := env.importPSK(o, p.TLSKey, p.TLSKeyIdentity, p.Keyring, false); err != nil {
				return fmt.Errorf("%s: %w", p.Where, err)
			}
			return nil
		}
		if err := env.portKeys(o, *p); err != nil {
			return fmt.Errorf("%s: %w", p.Where, err)
		}
		return nil
	}
}

// portKeys sets o.Keyring and o.TLSKey from the names p gives.
func (env *Env) portKeys(o *fabrics.Options, p config.Port) error {
	name := p.Keyring
	if name == "" {
		name = defaultTLSKeyring
	}
	ring := 0
	switch {
	case o.Keyring != nil:
		ring = *o.Keyring
	default:
		var err error
		if ring, err = keyring.Find(env.FS, "keyring", name); err != nil {
			return fmt.Errorf("keyring %q: %w; load nvme-keyring or create the keyring, and run as root", name, err)
		}
	}
	o.Keyring = fabrics.Int(ring)
	if p.TLSKeyIdentity == "" {
		return nil
	}
	serial, err := env.Edge.SearchKey(ring, "psk", p.TLSKeyIdentity)
	if err != nil {
		return fmt.Errorf("tls_key_identity %q: %w; import the PSK first ('nvme tls-key --import')", p.TLSKeyIdentity, err)
	}
	o.TLSKey = fabrics.Int(serial)
	return nil
}

func (env *Env) readJSONConfig(path string) ([]config.Host, error) {
	if path == config.JSONConfigPath {
		return config.ReadJSONConfig(env.FS)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, usageErrorf("--config: %v", err)
		}
		return nil, err
	}
	return config.ParseJSONConfig(b, path)
}
