package cli

import (
	"fmt"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nvmet"
)

func targetHostCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "host",
		Usage: "add or remove a host entry (nvmet/hosts), which subsystems can then allow",
		Subcommands: []*cli.Command{{
			Name: "add", Usage: "create a host entry, optionally with its DH-HMAC-CHAP keys", ArgsUsage: "HOSTNQN",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "dhchap-key", Usage: "the host's DH-HMAC-CHAP `SECRET` (dhchap_key), as 'nvme gen-dhchap-key' prints it"},
				&cli.StringFlag{Name: "dhchap-ctrl-key", Usage: "the controller's `SECRET` for bidirectional authentication (dhchap_ctrl_key)"},
				targetFormatFlag(),
			},
			Action: env.targetRun("host add", targetAction{args: []string{"HOSTNQN"},
				run: func(c *cli.Context, t *nvmet.Target, a []string, out *targetOut) error {
					if err := nvmet.CheckHostNQN(a[0]); err != nil {
						return &usageError{err}
					}
					keys := [][2]string{}
					for _, k := range []string{"dhchap-key", "dhchap-ctrl-key"} {
						if !c.IsSet(k) {
							continue
						}
						if err := fabrics.CheckSecret(c.String(k)); err != nil {
							return usageErrorf("--%s %w", k, err)
						}
						keys = append(keys, [2]string{k, c.String(k)})
					}
					if t.HasHost(a[0]) {
						return fmt.Errorf("host %s exists already; remove it first with 'gonvme target host remove %s'", a[0], a[0])
					}
					if err := t.AddHost(a[0]); err != nil {
						return err
					}
					for _, k := range keys {
						attr := map[string]string{"dhchap-key": "dhchap_key", "dhchap-ctrl-key": "dhchap_ctrl_key"}[k[0]]
						if err := t.SetHostAttr(a[0], attr, k[1]); err != nil {
							_ = t.RemoveHost(a[0])
							return fmt.Errorf("--%s: %w (this kernel may lack NVMe in-band authentication, CONFIG_NVME_TARGET_AUTH)", k[0], err)
						}
					}
					out.did("added", "host", a[0])
					return nil
				}}),
		}, {
			Name: "remove", Usage: "remove a host entry; refused while a subsystem allows it", ArgsUsage: "HOSTNQN",
			Flags: []cli.Flag{targetFormatFlag()},
			Action: env.targetRun("host remove", targetAction{args: []string{"HOSTNQN"},
				run: func(c *cli.Context, t *nvmet.Target, a []string, out *targetOut) error {
					if err := nvmet.CheckHostNQN(a[0]); err != nil {
						return &usageError{err}
					}
					if !t.HasHost(a[0]) {
						return fmt.Errorf("host %s %w (see 'gonvme target list')", a[0], errTargetMissing)
					}
					if err := t.RemoveHost(a[0]); err != nil {
						return fmt.Errorf("%w: disallow it first ('gonvme target disallow NQN %s')", err, a[0])
					}
					out.did("removed", "host", a[0])
					return nil
				}}),
		}},
	}
}

func targetAllowCommand(env *Env, name string) *cli.Command {
	usage := "let a host connect to a subsystem (creates the host entry when missing)"
	if name == "disallow" {
		usage = "stop allowing a host on a subsystem (its existing connections stay)"
	}
	return &cli.Command{
		Name: name, Usage: usage, ArgsUsage: "NQN HOSTNQN",
		Flags: []cli.Flag{targetFormatFlag()},
		Action: env.targetRun(name, targetAction{args: []string{"NQN", "HOSTNQN"},
			run: func(c *cli.Context, t *nvmet.Target, a []string, out *targetOut) error {
				if err := needSubsys(t, a[0]); err != nil {
					return err
				}
				if err := nvmet.CheckHostNQN(a[1]); err != nil {
					return &usageError{err}
				}
				cfg, err := t.Read()
				if err != nil {
					return err
				}
				var allowed []string
				anyHost := false
				for _, s := range cfg.Subsystems {
					if s.NQN == a[0] {
						allowed, anyHost = s.AllowedHosts, s.Attr["allow_any_host"] == "1"
					}
				}
				if name == "allow" {
					if anyHost {
						return fmt.Errorf("subsystem %s allows any host: the kernel takes allowed hosts only from subsystems made without --allow-any-host", a[0])
					}
					if slices.Contains(allowed, a[1]) {
						return fmt.Errorf("subsystem %s allows %s already", a[0], a[1])
					}
					if err := t.AllowHost(a[0], a[1]); err != nil {
						return err
					}
					out.did("allowed", "host", a[1]+" on "+a[0])
					return nil
				}
				if !slices.Contains(allowed, a[1]) {
					return fmt.Errorf("subsystem %s does not allow %s", a[0], a[1])
				}
				if err := t.DisallowHost(a[0], a[1]); err != nil {
					return err
				}
				out.did("disallowed", "host", a[1]+" on "+a[0])
				return nil
			}}),
	}
}
