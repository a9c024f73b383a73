package cli

import (
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/fabrics"
)

// maxSecretFile bounds what a secret file may hold: a 64-byte key is 103
// characters in its representation.
const maxSecretFile = 4096

// secretValue returns v, or the content of FILE when v is "@FILE": one
// line, trailing white space dropped. Errors name what (the flag or key)
// and the file, never the content.
func secretValue(what, v string) (string, error) {
	path, ok := strings.CutPrefix(v, "@")
	if !ok {
		return v, nil
	}
	return readSecretFile(what, path)
}

func readSecretFile(what, path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", usageErrorf("%s: %w", what, err)
	}
	if !fi.Mode().IsRegular() || fi.Size() > maxSecretFile {
		return "", usageErrorf("%s: %s is not a regular file of at most %d bytes", what, path, maxSecretFile)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", usageErrorf("%s: %w", what, err)
	}
	s := strings.TrimRight(string(b), " \t\r\n")
	switch {
	case s == "":
		return "", usageErrorf("%s: %s is empty", what, path)
	case strings.ContainsAny(s, "\n\r"):
		return "", usageErrorf("%s: %s holds more than one line; it must hold only the key", what, path)
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
