package cli

import (
	"fmt"
	"path"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/internal/compat"
	"github.com/gonvme/gonvme/internal/render"
	"github.com/gonvme/gonvme/nqn"
	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/topology"
)

// topologyCommand is the shape of list and list-subsys: -o and -v, no
// arguments (or those argsUsage names and checkArgs accepts), one sysfs
// scan of what the command shows (view, or the whole topology with -v or
// an argument), then show. beside, when set, runs while the scan does, and
// show gets what it returns.
func topologyCommand[T any](env *Env, name, usage, argsUsage string, checkArgs func(*cli.Context) error, view topology.View, beside func() T,
	show func(c *cli.Context, format string, topo *topology.Topology, host render.HostIdent, extra T) error) *cli.Command {
	if checkArgs == nil {
		checkArgs = noArgs
	}
	return &cli.Command{
		Name:      name,
		Usage:     usage,
		ArgsUsage: argsUsage,
		Flags: append([]cli.Flag{outputFlag("normal", "output format: normal or json"), verboseFlag(),
			&cli.StringFlag{Name: "output-format-version", Value: "1",
				Usage: "JSON layout `VERSION`: 1, or 2 for the verbose one (as nvme-cli 2.14 on; with --compat 2.14 or later)"}},
			refusedFlags(refuseNoRetries)...),
		Before: checkRefused(refuseNoRetries),
		Action: func(c *cli.Context) error {
			if err := checkArgs(c); err != nil {
				return err
			}
			format, err := outputFormat(c, "normal", "json")
			if err != nil {
				return err
			}
			fv, err := env.formatVersion(c)
			if err != nil {
				return err
			}
			scan := view
			if c.Bool("verbose") || c.NArg() > 0 || fv == 2 { // version 2 is verbose JSON
				scan = topology.Everything
			}
			var extra T
			done := make(chan struct{})
			if beside != nil {
				go func() {
					defer close(done)
					extra = beside()
				}()
			} else {
				close(done)
			}
			topo, err := env.Edge.ScanView(scan)
			<-done
			if err != nil {
				return err
			}
			return show(c, format, topo, env.hostIdent(), extra)
		},
	}
}

func listCommand(env *Env) *cli.Command {
	// Every namespace is identified (Identify Namespace, through its own
	// device) while the topology is read: neither needs the other.
	identify := func() map[string]nvmf.Identity {
		names, err := env.Edge.NamespaceNames()
		if err != nil {
			return nil // the scan reports the unreadable sysfs
		}
		return env.Edge.IdentifyNamespaces(names)
	}
	return topologyCommand(env, "list", "list NVMe namespaces (block devices)", "", nil, topology.NamespacesView, identify,
		func(c *cli.Context, format string, topo *topology.Topology, host render.HostIdent, ids map[string]nvmf.Identity) error {
			devs := env.Edge.Devices(topo, ids)
			p := env.profile
			fv, _ := env.formatVersion(c)
			render.SortDevices(p, host, topo, devs)
			switch {
			case format == "json" && p.ListJSONVerbose(c.Bool("verbose"), fv):
				return render.ListVerboseJSONHost(env.Stdout, p, host, topo, devs, p.ListJSONByPath(fv))
			case c.Bool("verbose"):
				return render.ListVerboseHost(env.Stdout, p, host, topo, devs)
			case format == "json":
				return render.ListJSON(env.Stdout, p, devs)
			}
			return render.ListText(env.Stdout, p, devs)
		})
}

func listSubsysCommand(env *Env) *cli.Command {
	return topologyCommand[struct{}](env, "list-subsys",
		"list NVMe subsystems and the paths (controllers) to each; with a namespace DEVICE, only the paths to it and their ANA state",
		"[DEVICE]", oneNamespaceArg, topology.SubsystemsView, nil,
		func(c *cli.Context, format string, topo *topology.Topology, host render.HostIdent, _ struct{}) error {
			p := env.profile
			fv, _ := env.formatVersion(c)
			if dev := c.Args().First(); dev != "" {
				if format == "json" {
					return render.SubsysDeviceJSON(env.Stdout, p, host, topo, dev, p.SubsysJSONVerbose(c.Bool("verbose"), fv))
				}
				return render.SubsysDeviceText(env.Stdout, p, host, topo, dev, c.Bool("verbose"))
			}
			if format == "json" {
				return render.SubsysJSON(env.Stdout, p, host, topo, p.SubsysJSONVerbose(c.Bool("verbose"), fv))
			}
			return render.SubsysText(env.Stdout, p, host, topo, c.Bool("verbose"))
		})
}

// oneNamespaceArg accepts no argument or one namespace block device,
// nvme0n1 or /dev/nvme0n1.
func oneNamespaceArg(c *cli.Context) error {
	switch c.NArg() {
	case 0:
		return nil
	case 1:
		dev := c.Args().First()
		if _, _, ok := topology.SplitNamespaceName(path.Base(dev)); !ok {
			return usageErrorf("invalid device name %q: expected a namespace block device such as nvme0n1 or /dev/nvme0n1", dev)
		}
		return nil
	}
	return usageErrorf("unexpected argument %q: give one namespace device such as nvme0n1", c.Args().Get(1))
}

// formatVersion is --output-format-version: 1 or 2, and only in the
// profiles whose nvme-cli has it.
func (env *Env) formatVersion(c *cli.Context) (int, error) {
	s := c.String("output-format-version")
	if !c.IsSet("output-format-version") {
		return 1, nil
	}
	if !env.profile.Has(compat.OutputFormatVersion) {
		return 0, usageErrorf("--output-format-version: %s has no such option (nvme-cli has it from 2.14; see --compat)", env.profile)
	}
	switch s {
	case "1":
		return 1, nil
	case "2":
		return 2, nil
	}
	return 0, usageErrorf("--output-format-version: %q is not 1 or 2", s)
}

// hostIdent is the configured host identity, as list and list-subsys
// show it; missing files leave it empty.
func (env *Env) hostIdent() render.HostIdent {
	var h render.HostIdent
	if s, err := nqn.ReadHostNQN(env.FS); err == nil {
		h.HostNQN = s
	}
	if s, err := nqn.ReadHostID(env.FS); err == nil {
		h.HostID = s
	}
	return h
}

func genHostNQNCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "gen-hostnqn",
		Usage: "print a new host NQN (from the DMI product UUID when valid, else random)",
		Action: func(c *cli.Context) error {
			if err := noArgs(c); err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout, nqn.Generate(env.FS))
			return nil
		},
	}
}

func showHostNQNCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "show-hostnqn",
		Usage: "print the host NQN from " + nqn.HostNQNFile + " (or a generated one when it is missing)",
		Action: func(c *cli.Context) error {
			if err := noArgs(c); err != nil {
				return err
			}
			id, err := nqn.ResolveIdentity(env.FS, "", "")
			if err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout, id.HostNQN)
			return nil
		},
	}
}

func versionCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print gonvme's version and commit",
		Action: func(c *cli.Context) error {
			fmt.Fprintf(env.Stdout, "gonvme version %s (commit %s)\n", env.Version, env.Commit)
			return nil
		},
	}
}
