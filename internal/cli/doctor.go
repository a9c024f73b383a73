package cli

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/internal/doctor"
	"github.com/gonvme/gonvme/keyring"
	"github.com/gonvme/gonvme/nqn"
	"github.com/gonvme/gonvme/nvmf"
)

// doctorFlags are the fabrics flags doctor takes: the path and identity of
// a connect, nothing that tunes one.
var doctorFlags = []string{"transport", "traddr", "trsvcid", "nqn", "host-traddr", "host-iface", "hostnqn", "hostid", "tls"}

func doctorCommand(env *Env) *cli.Command {
	var flags []cli.Flag
	for _, f := range connectFlags(doctorFlags) {
		switch f.Names()[0] {
		case "transport":
			f = &cli.StringFlag{Name: "transport", Aliases: []string{"t"}, Usage: "transport type: rdma or tcp (default: check both)"}
		case "tls":
			f = &cli.BoolFlag{Name: "tls", Usage: "check NVMe/TCP TLS too: the kernel's TLS support, tls module and cipher, tlshd, " +
				"the .nvme keyring and a PSK for this host (and --nqn); the connects doctor makes use TLS"}
		}
		flags = append(flags, f)
	}
	return &cli.Command{
		Name:  "doctor",
		Usage: "check why this host cannot reach an NVMe-oF target: modules, host identity, RDMA devices, the route, the target",
		Description: "Without --traddr checks the host; with --transport and --traddr the path to that target;\n" +
			"with --nqn that subsystem too. Each line is ok, warn, fail or skip with the evidence and, for\n" +
			"warn and fail, the fix. As root it may connect a discovery controller and, with --nqn, one\n" +
			"controller of the subsystem; it deletes each at once and says so. With --tls (tcp) it checks\n" +
			"what a TLS connect needs too. Exit status 0 when nothing failed, 1 otherwise.",
		Flags: append(flags, outputFlag("normal", "output format: normal or json")),
		Action: func(c *cli.Context) error {
			if err := noArgs(c); err != nil {
				return err
			}
			format, err := outputFormat(c, "normal", "json")
			if err != nil {
				return err
			}
			o, err := env.doctorOptions(c)
			if err != nil {
				return err
			}
			rep := doctor.Run(env.doctorProbes(), doctor.Request{Options: o})
			if format == "json" {
				if err := writeJSON(env.Stdout, rep); err != nil {
					return err
				}
			} else {
				printChecks(env, rep)
			}
			if rep.Failed() {
				return errReported
			}
			return nil
		},
	}
}

func (env *Env) doctorOptions(c *cli.Context) (fabrics.Options, error) {
	o, err := optionsFrom(contextLookup(c))
	if err != nil {
		return o, err
	}
	switch o.Transport {
	case "", "rdma", "tcp":
	default:
		return o, usageErrorf("--transport: doctor checks rdma and tcp, not %q", o.Transport)
	}
	if o.Traddr == "" {
		for _, n := range []string{"trsvcid", "nqn", "host-traddr", "host-iface"} {
			if c.IsSet(n) {
				return o, usageErrorf("--%s needs --traddr (-a): it is checked on the path to a target", n)
			}
		}
	} else {
		if o.Transport == "" {
			return o, usageErrorf("--traddr needs --transport (-t rdma or -t tcp)")
		}
		for flag, v := range map[string]string{"traddr": o.Traddr, "host-traddr": o.HostTraddr} {
			if _, err := netip.ParseAddr(v); v != "" && err != nil {
				return o, usageErrorf("--%s: %q is not an IP address", flag, v)
			}
		}
	}
	if o.TLS && o.Transport == "rdma" {
		return o, usageErrorf("--tls is for tcp: NVMe/RDMA has no TLS")
	}
	if o.HostIface != "" && o.Transport != "tcp" {
		return o, usageErrorf("--host-iface is a tcp option (rdma picks the device by --host-traddr)")
	}
	if o, err = env.withIdentity(o, ""); err != nil {
		return o, err
	}
	v := nvmf.IOOptions(o)
	if v.NQN == "" {
		v.NQN = nqn.Discovery
	}
	if v.Traddr != "" {
		if err := v.Validate(); err != nil {
			return o, &usageError{err}
		}
	}
	return o, nil
}

func (env *Env) doctorProbes() doctor.Probes {
	n := env.Net.WithDefaults()
	p := doctor.Probes{
		FS:         env.FS,
		Route:      n.Route,
		Interfaces: n.Interfaces,
		QueryPorts: env.verbs(),
		// Neither loads anything: doctor reports what is there.
		TLSLayerMissing: env.Edge.TLSLayerMissing,
		Cipher:          env.Edge.TLSCipherState,
		DialTCP: func(addr string) error {
			conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err == nil {
				conn.Close()
			}
			return err
		},
	}
	if env.IsRoot != nil && !env.IsRoot() {
		return p
	}
	p.Supported = env.Edge.Kernel.Probe
	p.FindKeyring = func(desc string) (int, error) { return keyring.FindKeyring(env.FS, env.Edge.SearchKey, desc) }
	p.ListKeys = env.keys().List
	p.Discover = func(o fabrics.Options) (*nvmf.Discovered, []string, error) {
		env.startJournal()
		defer env.stopJournal()
		d, err := env.Edge.Discover(nvmf.Target{Options: o}, nvmf.DiscoverOptions{})
		return d, loggedLines(err), err
	}
	p.Connect = func(o fabrics.Options) (doctor.ConnectResult, error) {
		env.startJournal()
		defer env.stopJournal()
		v, err := o.Check()
		if err != nil {
			return doctor.ConnectResult{}, err
		}
		dev, err := env.Edge.Connect(v)
		r := doctor.ConnectResult{Device: dev, Kernel: loggedLines(err)}
		if errors.Is(err, nvmf.ErrAlreadyConnected) {
			r.Existing = true
			return r, nil
		}
		if err == nil {
			r.DeleteErr = env.Edge.Delete(dev)
		}
		return r, err
	}
	return p
}

// printChecks prints one line per check, each starting with its status,
// and a closing line with the result.
func printChecks(env *Env, rep doctor.Report) {
	counts := map[doctor.Status]int{}
	for _, c := range rep.Checks {
		counts[c.Status]++
		line := fmt.Sprintf("%-4s %-6s %s: %s", c.Status, c.Section, c.Name, c.Evidence)
		if c.Fix != "" {
			line += " -- fix: " + c.Fix
		}
		fmt.Fprintln(env.Stdout, line)
	}
	fmt.Fprintf(env.Stdout, "%-4s %-6s %d checks: %d ok, %d warn, %d fail, %d skip\n", rep.Result, "result",
		len(rep.Checks), counts[doctor.OK], counts[doctor.Warn], counts[doctor.Fail], counts[doctor.Skip])
}

// loggedLines returns the kernel log lines a failed operation carries.
func loggedLines(err error) []string {
	var logged *nvmf.KernelLogError
	if errors.As(err, &logged) {
		return logged.Lines
	}
	return nil
}
