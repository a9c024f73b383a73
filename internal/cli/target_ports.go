package cli

import (
	"fmt"
	"net"
	"slices"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/nvmet"
)

func addrFlags(what string) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "transport", Aliases: []string{"t"}, Usage: "transport `TYPE`: rdma, tcp or loop (required)"},
		&cli.StringFlag{Name: "traddr", Aliases: []string{"a"}, Usage: what + " `ADDR` (an IP address of this host; none for loop)"},
		&cli.StringFlag{Name: "trsvcid", Aliases: []string{"s"}, Usage: "`PORT` number (rdma, tcp)"},
		&cli.StringFlag{Name: "adrfam", Usage: "address `FAMILY` ipv4 or ipv6 (default: from the address)"},
		&cli.StringFlag{Name: "treq", Usage: "transport requirements `TREQ`: \"not specified\", required or \"not required\""},
	}
}

// addrFrom builds and checks an address from -t -a -s --adrfam --treq.
func addrFrom(c *cli.Context, item string) (nvmet.Addr, error) {
	if err := requiredFlag(c, "transport"); err != nil {
		return nvmet.Addr{}, err
	}
	a := nvmet.Addr{Trtype: c.String("transport"), Adrfam: c.String("adrfam"), Traddr: c.String("traddr"),
		Trsvcid: c.String("trsvcid"), Treq: c.String("treq")}
	if a.Adrfam == "" && (a.Trtype == "rdma" || a.Trtype == "tcp") {
		if ip := net.ParseIP(a.Traddr); ip != nil {
			a.Adrfam = "ipv4"
			if ip.To4() == nil {
				a.Adrfam = "ipv6"
			}
		}
	}
	if a.Trtype == "fc" {
		return a, usageErrorf("%s: gonvme target sets up rdma, tcp and loop ports; fc ports come from 'gonvme target restore' of an nvmetcli file", item)
	}
	if err := nvmet.CheckAddr(item, a); err != nil {
		return a, &usageError{err}
	}
	return a, nil
}

func transportOf(c *cli.Context, _ *nvmet.Target) []string { return []string{c.String("transport")} }

func targetPortCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "port",
		Usage: "add or remove a port: an address the target listens on",
		Subcommands: []*cli.Command{{
			Name: "add", Usage: "create a port; it listens once a subsystem is exposed on it", ArgsUsage: "ID",
			Flags: append(addrFlags("listen"),
				&cli.StringFlag{Name: "inline-data-size", Usage: "in-capsule data `BYTES` (param_inline_data_size)"},
				targetFormatFlag()),
			Action: env.targetRun("port add", targetAction{args: []string{"ID"}, transport: transportOf,
				run: func(c *cli.Context, t *nvmet.Target, a []string, out *targetOut) error {
					id, err := portArg(a[0])
					if err != nil {
						return err
					}
					addr, err := addrFrom(c, "port "+a[0])
					if err != nil {
						return err
					}
					ids := c.String("inline-data-size")
					if c.IsSet("inline-data-size") {
						if n, err := strconv.ParseUint(ids, 10, 31); err != nil || n == 0 {
							return usageErrorf("--inline-data-size %q: want a positive number of bytes", ids)
						}
					}
					if t.HasPort(id) {
						return fmt.Errorf("port %d exists already; remove it first with 'gonvme target port remove %d' or pick another ID", id, id)
					}
					if err := env.portClash(t, id, addr); err != nil {
						return err
					}
					if err := t.CreatePort(id, addr); err != nil {
						return err
					}
					if c.IsSet("inline-data-size") {
						if err := t.SetPortAttr(id, "param_inline_data_size", ids); err != nil {
							_ = t.RemovePort(id)
							return err
						}
					}
					out.did("added", "port", fmt.Sprintf("%d %s", id, addr))
					return nil
				}}),
		}, {
			Name: "remove", Usage: "remove a port with its links and referrals (hosts connected through it lose the path)", ArgsUsage: "ID",
			Flags: []cli.Flag{targetFormatFlag()},
			Action: env.targetRun("port remove", targetAction{args: []string{"ID"},
				run: func(c *cli.Context, t *nvmet.Target, a []string, out *targetOut) error {
					id, err := portArg(a[0])
					if err != nil {
						return err
					}
					if !t.HasPort(id) {
						return fmt.Errorf("port %d %w (see 'gonvme target list')", id, errTargetMissing)
					}
					if err := t.RemovePort(id); err != nil {
						return err
					}
					out.did("removed", "port", a[0])
					return nil
				}}),
		}},
	}
}

// portClash refuses a second port on an address a port has already.
func (env *Env) portClash(t *nvmet.Target, id int, a nvmet.Addr) error {
	if a.Trtype == "loop" {
		return nil
	}
	ports, err := t.Ports()
	if err != nil {
		return err
	}
	for _, p := range ports {
		pa, err := t.PortAddr(p)
		if err == nil && pa.Trtype == a.Trtype && pa.Traddr == a.Traddr && pa.Trsvcid == a.Trsvcid {
			return fmt.Errorf("port %d: %s is port %d's address already (one port per address): expose the subsystem on port %d instead",
				id, a, p, p)
		}
	}
	return nil
}

func targetExposeCommand(env *Env, name string) *cli.Command {
	usage := "make a port serve a subsystem (the port starts listening with its first subsystem)"
	if name == "unexpose" {
		usage = "stop a port serving a subsystem (connected hosts lose that path)"
	}
	return &cli.Command{
		Name: name, Usage: usage, ArgsUsage: "PORT NQN",
		Flags: []cli.Flag{targetFormatFlag()},
		Action: env.targetRun(name, targetAction{args: []string{"PORT", "NQN"},
			transport: func(c *cli.Context, t *nvmet.Target) []string {
				if id, err := strconv.Atoi(c.Args().First()); err == nil {
					if a, err := t.PortAddr(id); err == nil {
						return []string{a.Trtype}
					}
				}
				return nil
			},
			run: func(c *cli.Context, t *nvmet.Target, a []string, out *targetOut) error {
				id, err := portArg(a[0])
				if err != nil {
					return err
				}
				if err := needSubsys(t, a[1]); err != nil {
					return err
				}
				if !t.HasPort(id) {
					return fmt.Errorf("port %d %w: create it with 'gonvme target port add %d -t … -a … -s …'", id, errTargetMissing, id)
				}
				links, err := t.Links(id)
				if err != nil {
					return err
				}
				linked := slices.Contains(links, a[1])
				if name == "expose" {
					if linked {
						return fmt.Errorf("port %d exposes %s already", id, a[1])
					}
					if err := t.Link(id, a[1]); err != nil {
						return env.explainPort(t, id, err)
					}
					out.did("exposed", "subsystem", a[1]+" on port "+a[0])
					return nil
				}
				if !linked {
					return fmt.Errorf("port %d does not expose %s", id, a[1])
				}
				if err := t.Unlink(id, a[1]); err != nil {
					return err
				}
				out.did("unexposed", "subsystem", a[1]+" on port "+a[0])
				return nil
			}}),
	}
}

func targetReferralCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "referral",
		Usage: "add or remove a discovery referral: a port's discovery log then lists another discovery controller",
		Subcommands: []*cli.Command{{
			Name: "add", Usage: "add a referral to a port", ArgsUsage: "PORT NAME",
			Flags: append(addrFlags("referred discovery controller"),
				&cli.IntFlag{Name: "portid", Usage: "port `ID` the referred controller reports (addr_portid)"},
				targetFormatFlag()),
			Action: env.targetRun("referral add", targetAction{args: []string{"PORT", "NAME"},
				run: func(c *cli.Context, t *nvmet.Target, a []string, out *targetOut) error {
					id, err := portArg(a[0])
					if err != nil {
						return err
					}
					if err := nvmet.CheckName("referral", a[1]); err != nil {
						return &usageError{err}
					}
					addr, err := addrFrom(c, "referral "+a[1])
					if err != nil {
						return err
					}
					if c.IsSet("portid") {
						if _, err := portArg(strconv.Itoa(c.Int("portid"))); err != nil {
							return err
						}
					}
					if !t.HasPort(id) {
						return fmt.Errorf("port %d %w (see 'gonvme target list')", id, errTargetMissing)
					}
					refs, _ := t.Referrals(id)
					if slices.Contains(refs, a[1]) {
						return fmt.Errorf("port %d has a referral %s already", id, a[1])
					}
					if err := t.AddReferral(id, a[1], addr, c.Int("portid")); err != nil {
						return err
					}
					out.did("added", "referral", a[1]+" on port "+a[0])
					return nil
				}}),
		}, {
			Name: "remove", Usage: "remove a referral", ArgsUsage: "PORT NAME",
			Flags: []cli.Flag{targetFormatFlag()},
			Action: env.targetRun("referral remove", targetAction{args: []string{"PORT", "NAME"},
				run: func(c *cli.Context, t *nvmet.Target, a []string, out *targetOut) error {
					id, err := portArg(a[0])
					if err != nil {
						return err
					}
					if err := nvmet.CheckName("referral", a[1]); err != nil {
						return &usageError{err}
					}
					refs, _ := t.Referrals(id)
					if !slices.Contains(refs, a[1]) {
						return fmt.Errorf("port %d has no referral %s (see 'gonvme target list')", id, a[1])
					}
					if err := t.RemoveReferral(id, a[1]); err != nil {
						return err
					}
					out.did("removed", "referral", a[1]+" on port "+a[0])
					return nil
				}}),
		}},
	}
}
