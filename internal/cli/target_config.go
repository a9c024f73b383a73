package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/internal/nvmetsys"
	"github.com/gonvme/gonvme/nvmet"
)

// DefaultTargetConfig is nvmetcli's save file, which restore reads at boot.
const DefaultTargetConfig = "/etc/nvmet/config.json"

func targetListCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name: "list", Usage: "show the target configuration as a tree (-o json: nvmetcli's format, secrets hidden)",
		Flags: []cli.Flag{targetFormatFlag()},
		Action: env.targetRun("list", targetAction{readOnly: true,
			run: func(c *cli.Context, t *nvmet.Target, _ []string, out *targetOut) error {
				cfg, err := t.Read()
				if err != nil {
					return err
				}
				hideSecrets(cfg)
				if out.json {
					b, err := cfg.Marshal()
					if err != nil {
						return err
					}
					_, err = env.Stdout.Write(b)
					return err
				}
				return renderTargetTree(env.Stdout, cfg)
			}}),
	}
}

// hasSecrets reports whether a host has a DH-HMAC-CHAP key.
func hasSecrets(c *nvmet.Config) bool {
	for _, h := range c.Hosts {
		if h.DHCHAP["key"] != "" || h.DHCHAP["ctrl_key"] != "" {
			return true
		}
	}
	return false
}

// hideSecrets replaces DH-HMAC-CHAP keys by a mark.
func hideSecrets(c *nvmet.Config) {
	for _, h := range c.Hosts {
		for _, k := range []string{"key", "ctrl_key"} {
			if h.DHCHAP[k] != "" {
				h.DHCHAP[k] = "(set)"
			}
		}
	}
}

func targetClearCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name: "clear", Usage: "remove every port, subsystem and host of the target, in the order the kernel needs",
		Flags: []cli.Flag{targetFormatFlag()},
		Action: env.targetRun("clear", targetAction{
			run: func(c *cli.Context, t *nvmet.Target, _ []string, out *targetOut) error {
				if err := t.Clear(); err != nil {
					return err
				}
				out.did("cleared", "target", "configuration")
				return nil
			}}),
	}
}

func targetSaveCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name: "save", Usage: "write the target configuration to FILE (default " + DefaultTargetConfig + ", - for standard output) in nvmetcli's JSON format",
		ArgsUsage: "[FILE]",
		Flags:     []cli.Flag{targetFormatFlag()},
		Action: env.targetRun("save", targetAction{args: []string{"FILE"}, optional: 1, readOnly: true,
			run: func(c *cli.Context, t *nvmet.Target, a []string, out *targetOut) error {
				cfg, err := t.Read()
				if err != nil {
					return err
				}
				b, err := cfg.Marshal()
				if err != nil {
					return err
				}
				file := DefaultTargetConfig
				if len(a) > 0 {
					file = a[0]
				}
				if file == "-" {
					if hasSecrets(cfg) {
						return fmt.Errorf("the configuration holds DH-HMAC-CHAP keys, which gonvme does not print: save it to a file (written with mode 0600)")
					}
					_, err := env.Stdout.Write(b)
					return err
				}
				if err := env.requireTargetRoot("save"); err != nil && len(a) == 0 {
					return err
				}
				if err := writeFileAtomic(env.hostPath(file), b); err != nil {
					return err
				}
				out.did("saved", "configuration", "to "+file)
				return nil
			}}),
	}
}

// writeFileAtomic writes b to a temporary file beside path, then renames
// it, so that a crash leaves the old file or the new one. The mode is 0600:
// the file holds DH-HMAC-CHAP keys when hosts have them.
func writeFileAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".gonvme-target-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func targetRestoreCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name: "restore", Usage: "replace the target configuration by FILE's (default " + DefaultTargetConfig + "), validated first; on failure the previous one is put back",
		ArgsUsage: "[FILE]",
		Flags:     []cli.Flag{targetFormatFlag()},
		Action: func(c *cli.Context) error {
			file := DefaultTargetConfig
			if c.NArg() > 0 {
				file = c.Args().First()
			}
			raw, err := os.ReadFile(env.hostPath(file))
			if errors.Is(err, fs.ErrNotExist) && c.NArg() == 0 {
				fmt.Fprintf(env.Stderr, "gonvme: note: no %s: nothing to restore\n", file)
				return nil
			}
			if err != nil {
				return usageErrorf("reading %s: %w", file, err)
			}
			cfg, err := nvmet.ParseConfig(bytes.NewReader(raw))
			if err != nil {
				return usageErrorf("%s: %w", file, err)
			}
			if err := cfg.Validate(func(p string) error { return nvmetsys.CheckDevice(env.FS, p) }); err != nil {
				return usageErrorf("%s: %w; nothing was changed", file, err)
			}
			var trs []string
			for _, p := range cfg.Ports {
				trs = append(trs, p.Addr["trtype"])
			}
			return env.targetRun("restore", targetAction{args: []string{"FILE"}, optional: 1,
				transport: func(*cli.Context, *nvmet.Target) []string { return trs },
				run: func(c *cli.Context, t *nvmet.Target, _ []string, out *targetOut) error {
					if err := t.Restore(cfg, nil); err != nil {
						return env.explainRestore(t, cfg, err)
					}
					out.did("restored", "configuration", "from "+file)
					return nil
				}})(c)
		},
	}
}

// hostPath maps an absolute file name under the host root; relative names
// are the caller's, from the current directory.
func (env *Env) hostPath(file string) string {
	if filepath.IsAbs(file) {
		return env.FS.Path(file)
	}
	return file
}
