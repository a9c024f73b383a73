package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/internal/nvmetsys"
	"github.com/gonvme/gonvme/nvmet"
)

func targetSubsystemCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "subsystem",
		Usage: "add or remove an NVM subsystem",
		Subcommands: []*cli.Command{{
			Name:      "add",
			Usage:     "create a subsystem; without --allow-any-host it admits only the hosts allowed with 'gonvme target allow'",
			ArgsUsage: "NQN",
			Flags: []cli.Flag{
				&cli.BoolFlag{Name: "allow-any-host", Usage: "admit every host (attr_allow_any_host=1)"},
				&cli.StringFlag{Name: "serial", Usage: "serial number `S` (attr_serial; default: the kernel's random one)"},
				&cli.StringFlag{Name: "model", Usage: "model number `M` (attr_model; default: Linux)"},
				targetFormatFlag(),
			},
			Action: env.targetRun("subsystem add", targetAction{args: []string{"NQN"},
				run: func(c *cli.Context, t *nvmet.Target, a []string, out *targetOut) error {
					if err := nvmet.CheckSubsysNQN(a[0]); err != nil {
						return &usageError{err}
					}
					for _, f := range []string{"serial", "model"} {
						if err := nvmet.CheckValue("--"+f, c.String(f)); err != nil {
							return &usageError{err}
						}
					}
					if t.HasSubsystem(a[0]) {
						return fmt.Errorf("subsystem %s exists already (the NQN is in use); remove it first with 'gonvme target subsystem remove %s'", a[0], a[0])
					}
					err := t.CreateSubsystem(nvmet.Subsystem{NQN: a[0], AllowAnyHost: c.Bool("allow-any-host"),
						Serial: c.String("serial"), Model: c.String("model")})
					if err != nil {
						return err
					}
					out.did("added", "subsystem", a[0])
					return nil
				}}),
		}, {
			Name:      "remove",
			Usage:     "remove a subsystem with its namespaces and allowed hosts; refused while a port exposes it",
			ArgsUsage: "NQN",
			Flags:     []cli.Flag{targetFormatFlag()},
			Action: env.targetRun("subsystem remove", targetAction{args: []string{"NQN"},
				run: func(c *cli.Context, t *nvmet.Target, a []string, out *targetOut) error {
					if err := needSubsys(t, a[0]); err != nil {
						return err
					}
					ports, err := t.ExposedOn(a[0])
					if err != nil {
						return err
					}
					if len(ports) > 0 {
						return fmt.Errorf("subsystem %s is still exposed on port %s: run 'gonvme target unexpose %d %s' first; nothing was removed",
							a[0], joinInts(ports), ports[0], a[0])
					}
					if err := t.RemoveSubsystem(a[0]); err != nil {
						return err
					}
					out.did("removed", "subsystem", a[0])
					return nil
				}}),
		}},
	}
}

func needSubsys(t *nvmet.Target, nqn string) error {
	if err := nvmet.CheckSubsysNQN(nqn); err != nil {
		return &usageError{err}
	}
	if !t.HasSubsystem(nqn) {
		return fmt.Errorf("subsystem %s %w (see 'gonvme target list')", nqn, errTargetMissing)
	}
	return nil
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

func targetNamespaceCommand(env *Env) *cli.Command {
	nsArgs := func(c *cli.Context, t *nvmet.Target, a []string) (int, error) {
		if err := needSubsys(t, a[0]); err != nil {
			return 0, err
		}
		var s string
		switch {
		case len(a) > 1 && c.IsSet("nsid"):
			return 0, usageErrorf("namespace ID given twice (argument and --nsid): give one")
		case len(a) > 1:
			s = a[1]
		case c.IsSet("nsid"):
			s = c.String("nsid")
		default:
			return 0, usageErrorf("missing namespace ID (NQN N or --nsid N)")
		}
		n, err := nsidArg(s)
		if err != nil {
			return 0, err
		}
		if !t.HasNamespace(a[0], n) {
			return 0, fmt.Errorf("subsystem %s has no namespace %d %w", a[0], n, errTargetMissing)
		}
		return n, nil
	}
	nsidFlag := &cli.StringFlag{Name: "nsid", Aliases: []string{"n"}, Usage: "namespace ID `N`"}
	toggle := func(name string, on bool) *cli.Command {
		return &cli.Command{
			Name: name, Usage: name + " a namespace", ArgsUsage: "NQN [N]",
			Flags: []cli.Flag{nsidFlag, targetFormatFlag()},
			Action: env.targetRun("namespace "+name, targetAction{args: []string{"NQN", "N"}, optional: 1,
				run: func(c *cli.Context, t *nvmet.Target, a []string, out *targetOut) error {
					n, err := nsArgs(c, t, a)
					if err != nil {
						return err
					}
					if err := t.SetNamespaceEnabled(a[0], n, on); err != nil {
						return explainNamespace(err, a[0], n, "")
					}
					out.did(name+"d", "namespace", fmt.Sprintf("%s/%d", a[0], n))
					return nil
				}}),
		}
	}
	return &cli.Command{
		Name:  "namespace",
		Usage: "add, remove, enable or disable a namespace of a subsystem",
		Subcommands: []*cli.Command{{
			Name: "add", Usage: "add a namespace backed by a block device or file; enabled unless --disabled", ArgsUsage: "NQN",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "device", Aliases: []string{"d"}, Usage: "block device or file `PATH` (device_path; required)"},
				&cli.StringFlag{Name: "nsid", Aliases: []string{"n"}, Usage: "namespace ID `N` (default: the lowest free one)"},
				&cli.StringFlag{Name: "uuid", Usage: "namespace `UUID` (device_uuid)"},
				&cli.StringFlag{Name: "nguid", Usage: "namespace `NGUID` in UUID form (device_nguid)"},
				&cli.BoolFlag{Name: "buffered-io", Usage: "use the page cache (buffered_io=1), for files on tmpfs"},
				&cli.BoolFlag{Name: "disabled", Usage: "leave the namespace disabled"},
				targetFormatFlag(),
			},
			Action: env.targetRun("namespace add", targetAction{args: []string{"NQN"},
				run: func(c *cli.Context, t *nvmet.Target, a []string, out *targetOut) error {
					return env.namespaceAdd(c, t, a[0], out)
				}}),
		}, {
			Name: "remove", Usage: "disable and remove a namespace", ArgsUsage: "NQN [N]",
			Flags: []cli.Flag{nsidFlag, targetFormatFlag()},
			Action: env.targetRun("namespace remove", targetAction{args: []string{"NQN", "N"}, optional: 1,
				run: func(c *cli.Context, t *nvmet.Target, a []string, out *targetOut) error {
					n, err := nsArgs(c, t, a)
					if err != nil {
						return err
					}
					if err := t.RemoveNamespace(a[0], n); err != nil {
						return err
					}
					out.did("removed", "namespace", fmt.Sprintf("%s/%d", a[0], n))
					return nil
				}}),
		}, toggle("enable", true), toggle("disable", false)},
	}
}

func (env *Env) namespaceAdd(c *cli.Context, t *nvmet.Target, sub string, out *targetOut) error {
	if err := requiredFlag(c, "device"); err != nil {
		return err
	}
	ns := nvmet.Namespace{DevicePath: c.String("device"), BufferedIO: c.Bool("buffered-io"), Disabled: c.Bool("disabled"),
		UUID: c.String("uuid"), NGUID: c.String("nguid")}
	for _, id := range []struct{ kind, v string }{{"--uuid", ns.UUID}, {"--nguid", ns.NGUID}} {
		if id.v != "" {
			if err := nvmet.CheckID(id.kind, id.v); err != nil {
				return &usageError{err}
			}
		}
	}
	if !strings.HasPrefix(ns.DevicePath, "/") {
		return usageErrorf("--device %q: give an absolute path such as /dev/nvme0n1", ns.DevicePath)
	}
	if err := nvmet.CheckValue("--device", ns.DevicePath); err != nil {
		return &usageError{err}
	}
	if err := nvmetsys.CheckDevice(env.FS, ns.DevicePath); err != nil {
		return &usageError{fmt.Errorf("--device: %w", err)}
	}
	if err := needSubsys(t, sub); err != nil {
		return err
	}
	if c.IsSet("nsid") {
		n, err := nsidArg(c.String("nsid"))
		if err != nil {
			return err
		}
		ns.NSID = n
		if t.HasNamespace(sub, n) {
			return fmt.Errorf("subsystem %s has a namespace %d already; pick another --nsid or leave it out for the lowest free one", sub, n)
		}
	} else {
		n, err := t.FreeNSID(sub)
		if err != nil {
			return err
		}
		ns.NSID = n
	}
	if err := t.AddNamespace(sub, ns); err != nil {
		return explainNamespace(err, sub, ns.NSID, ns.DevicePath)
	}
	out.did("added", "namespace", fmt.Sprintf("%s/%d", sub, ns.NSID))
	return nil
}
