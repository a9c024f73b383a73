package cli

import (
	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/config"
	"github.com/gonvme/gonvme/fabrics"
)

// secretValue is config.SecretValue with its errors as usage errors.
func secretValue(what, v string) (string, error) {
	s, err := config.SecretValue(what, v)
	if err != nil {
		return "", &usageError{err}
	}
	return s, nil
}

func readSecretFile(what, path string) (string, error) {
	s, err := config.ReadSecretFile(what, path)
	if err != nil {
		return "", &usageError{err}
	}
	return s, nil
}

// secretFileFlags are --dhchap-secret-file and, with ctrl,
// --dhchap-ctrl-secret-file.
func secretFileFlags(ctrl bool) []cli.Flag {
	fl := []cli.Flag{&cli.StringFlag{Name: "dhchap-secret-file", Usage: "read the DH-HMAC-CHAP host key from `FILE` (same as -S @FILE), keeping it out of the process arguments"}}
	if ctrl {
		fl = append(fl, &cli.StringFlag{Name: "dhchap-ctrl-secret-file", Usage: "read the DH-HMAC-CHAP controller key from `FILE` (same as -C @FILE)"})
	}
	return fl
}

// withSecretFiles resolves the secrets of o given as @FILE or through the
// --dhchap-*-file flags of c (nil for a discovery.conf line).
func withSecretFiles(c *cli.Context, o *fabrics.Options) error {
	for _, s := range []struct {
		flag, fileFlag string
		dst            *string
	}{
		{"-S/--dhchap-secret", "dhchap-secret-file", &o.DHCHAPSecret},
		{"-C/--dhchap-ctrl-secret", "dhchap-ctrl-secret-file", &o.DHCHAPCtrlSecret},
	} {
		if c != nil && c.IsSet(s.fileFlag) {
			if *s.dst != "" {
				return usageErrorf("%s and --%s both give the key; give one", s.flag, s.fileFlag)
			}
			v, err := readSecretFile("--"+s.fileFlag, c.String(s.fileFlag))
			if err != nil {
				return err
			}
			*s.dst = v
			continue
		}
		v, err := secretValue(s.flag, *s.dst)
		if err != nil {
			return err
		}
		*s.dst = v
	}
	return nil
}

// noDiscoverySecret refuses -S on discover: discovery controllers are
// never sent a key (libnvme leaves it out too), and discover connects
// nothing else, so the key would be accepted and unused.
func noDiscoverySecret(c *cli.Context) error {
	for _, f := range []string{"dhchap-secret", "dhchap-secret-file"} {
		if c.IsSet(f) {
			return usageErrorf("--%s: discover sends no key (discovery controllers do not authenticate); it is for connect and connect-all", f)
		}
	}
	return nil
}
