package cli

import (
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/internal/rdma"
)

// rdmaDevicesCommand is ibdev2netdev: each RDMA port and the network
// interface behind it.
func rdmaDevicesCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "rdma-devices",
		Usage: "list RDMA devices, their ports and the network interfaces behind them (like ibdev2netdev), from sysfs, with the active MTU from the uverbs device (-v, json); needs no root",
		Flags: []cli.Flag{outputFlag("normal", "output format: normal or json"), verboseFlag()},
		Action: func(c *cli.Context) error {
			devs, format, err := env.rdmaView(c)
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(env.Stdout, map[string]any{"devices": nonNil(devs)})
			}
			printRDMADevices(env.Stdout, devs, c.Bool("verbose"))
			return nil
		},
	}
}

// showGIDsCommand is the show_gids script: every used GID with its IPv4
// address, RoCE version and network interface.
func showGIDsCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:      "show-gids",
		Usage:     "list the GID tables of RDMA ports with IPv4 address, RoCE version and interface (like show_gids), from sysfs; needs no root",
		ArgsUsage: "[DEVICE]",
		Flags:     []cli.Flag{outputFlag("normal", "output format: normal or json")},
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usageErrorf("show-gids takes at most one RDMA device name, not %q", c.Args().Slice())
			}
			devs, format, err := env.rdmaView(c)
			if err != nil {
				return err
			}
			if name := c.Args().First(); name != "" {
				var one []rdma.Device
				for _, d := range devs {
					if d.Name == name {
						one = append(one, d)
					}
				}
				if len(one) == 0 {
					return fmt.Errorf("no RDMA device %s in %s; list them with 'gonvme rdma-devices'", quoteName(name), env.FS.Path(rdma.ClassDir))
				}
				devs = one
			}
			gids := rdma.GIDs(devs)
			if format == "json" {
				return writeJSON(env.Stdout, map[string]any{"gids": nonNil(gids)})
			}
			printGIDs(env.Stdout, gids)
			return nil
		},
	}
}

func (env *Env) rdmaView(c *cli.Context) ([]rdma.Device, string, error) {
	format, err := outputFormat(c, "normal", "json")
	if err != nil {
		return nil, "", err
	}
	if c.Command.Name == "rdma-devices" {
		if err := noArgs(c); err != nil {
			return nil, "", err
		}
	}
	devs, err := rdma.Read(env.FS)
	if err == nil && c.Command.Name == "rdma-devices" {
		rdma.ReadMTUs(env.FS, devs, env.verbs())
	}
	return devs, format, err
}

func (env *Env) verbs() rdma.PortQuerier {
	if env.Verbs != nil {
		return env.Verbs
	}
	return rdma.QueryPorts
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// quoteName prints a name from the command line or sysfs escaped when it
// holds anything but printable ASCII.
func quoteName(s string) string {
	for _, r := range s {
		if r <= ' ' || r >= 0x7f {
			return fmt.Sprintf("%q", s)
		}
	}
	return s
}

// printRDMADevices prints ibdev2netdev's lines, "rxe0 port 1 ==> veth0
// (Up)", and with verbose each port's state, link layer, the interface's
// MTU and the port's active and maximum MTU (ibv_devinfo's).
func printRDMADevices(w io.Writer, devs []rdma.Device, verbose bool) {
	for _, d := range devs {
		for _, p := range d.Ports {
			nds := p.Netdevs
			if len(nds) == 0 {
				nds = []rdma.Netdev{{}}
			}
			for _, n := range nds {
				name, state := "(none)", ""
				if n.Name != "" {
					name, state = n.Name, " (Down)"
					if n.Up() {
						state = " (Up)"
					}
				}
				fmt.Fprintf(w, "%s port %d ==> %s%s", d.Name, p.Number, name, state)
				if verbose {
					fmt.Fprintf(w, " state %s phys_state %s link_layer %s node_type %s", p.State, p.PhysState, p.LinkLayer, d.NodeType)
					if n.Name != "" {
						fmt.Fprintf(w, " netdev_mtu %d", n.MTU)
					}
					if p.ActiveMTU != 0 {
						fmt.Fprintf(w, " active_mtu %d max_mtu %d", p.ActiveMTU, p.MaxMTU)
					}
				}
				fmt.Fprintln(w)
			}
		}
	}
}

// printGIDs prints the show_gids table with its columns, tabs and count.
func printGIDs(w io.Writer, gids []rdma.GID) {
	fmt.Fprintf(w, "DEV\tPORT\tINDEX\tGID\t\t\t\t\tIPv4 \t\tVER\tDEV\n")
	fmt.Fprintf(w, "---\t----\t-----\t---\t\t\t\t\t------------ \t---\t---\n")
	for _, g := range gids {
		ip := "\t\t"
		if strings.HasPrefix(g.GID, "0000:") {
			a, _ := netip.ParseAddr(g.GID)
			b := a.As16()
			ip = netip.AddrFrom4([4]byte(b[12:])).String() + " \t"
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%s\t%s%s\t%s\n", g.Device, g.Port, g.Index, g.GID, ip, g.Type, g.Netdev)
	}
	fmt.Fprintf(w, "\nn_gids_found=%d\n", len(gids))
}
