package cli

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/internal/registry"
	"github.com/gonvme/gonvme/internal/render"
	"github.com/gonvme/gonvme/nqn"
	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/topology"
)

func workersFlag() cli.Flag {
	return &cli.IntFlag{Name: "workers", Value: nvmf.DefaultDeleteWorkers, Usage: "delete at most `N` controllers at once"}
}

func disconnectCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "disconnect",
		Usage: "disconnect the controllers of subsystems (-n), named controllers (-d), or of one path (-t -a, as given to connect)",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "nqn", Aliases: []string{"n"}, Usage: "comma-separated subsystem `NQN`s (with -t -a: the one subsystem of the path)"},
			&cli.StringFlag{Name: "device", Aliases: []string{"d"}, Usage: "comma-separated controller `DEVICE`s (nvmeN or /dev/nvmeN)"},
			workersFlag(),
			verboseFlag(),
		}, pathFlags()...),
		Action: env.changeAction(change{name: "disconnect"}, func(c *cli.Context, _ string) (func() error, error) {
			if byPath(c) {
				id, err := pathID(c)
				if err != nil {
					return nil, err
				}
				return func() error { return env.disconnectPath(c, id) }, nil
			}
			if !c.IsSet("nqn") && !c.IsSet("device") {
				return nil, usageErrorf("neither --device (-d) nor --nqn (-n) given")
			}
			if c.IsSet("nqn") && c.IsSet("device") {
				return nil, usageErrorf("both --device (-d) and --nqn (-n) given: give one (nvme-cli 2.12+ refuses both too); nothing was disconnected")
			}
			nqns, err := splitList(c.String("nqn"), "--nqn", nqn.Validate)
			if err != nil {
				return nil, err
			}
			devs, err := splitList(c.String("device"), "--device", checkDeviceName)
			if err != nil {
				return nil, err
			}
			ctrlDevs, nsDevs := splitNamespaces(devs)
			scan := env.Edge.ScanPaths
			if len(nsDevs) > 0 {
				scan = env.Edge.Scan // with the namespaces and paths
			}
			topo, err := scan()
			if err != nil {
				return nil, err
			}
			for _, d := range ctrlDevs {
				if topo.Controller(d) == nil {
					return nil, fmt.Errorf("--device: controller %s does not exist (no %s); nothing was disconnected; see 'gonvme list-subsys'",
						d, env.FS.Path("/sys/class/nvme/"+d))
				}
			}
			perNS := make([][]string, len(nsDevs))
			nsNQN := make([]string, len(nsDevs))
			for i, ns := range nsDevs {
				perNS[i], nsNQN[i] = nvmf.NamespaceControllers(topo, ns)
				if len(perNS[i]) == 0 {
					return nil, fmt.Errorf("--device: no controller serves namespace %s (see %s); nothing was disconnected; see 'gonvme list-subsys'",
						ns, env.FS.Path("/sys/block/"+ns))
				}
			}
			set := disconnectSet{topo: topo, nqns: nqns, ctrlDevs: ctrlDevs, nsDevs: nsDevs, perNS: perNS, nsNQN: nsNQN}
			return func() error { return env.disconnect(c, set) }, nil
		}),
	}
}

// disconnectSet is what disconnect deletes, found before anything is.
type disconnectSet struct {
	topo     *topology.Topology
	nqns     []string   // subsystems: all their controllers
	ctrlDevs []string   // controllers by name
	nsDevs   []string   // namespaces: the controllers serving each
	perNS    [][]string // the controllers serving nsDevs[i]
	nsNQN    []string   // the subsystem of nsDevs[i]
}

// disconnect deletes the controllers of s and reports each.
func (env *Env) disconnect(c *cli.Context, s disconnectSet) error {
	var names []string
	perNQN := map[string][]string{}
	for _, n := range s.nqns {
		for _, ctrl := range s.topo.Controllers {
			if ctrl.SubsysNQN == n {
				perNQN[n] = append(perNQN[n], ctrl.Name)
				names = append(names, ctrl.Name)
			}
		}
	}
	names = append(names, s.ctrlDevs...)
	for _, cs := range s.perNS {
		names = append(names, cs...)
	}
	var results []nvmf.DeleteResult
	names = dedupe(names)
	env.withProgress("disconnecting", false, len(names), func() {
		results = env.Edge.DeleteControllers(env.interruptible(), names, c.Int("workers"))
	})
	failed := map[string]error{}
	for _, r := range results {
		if r.Err != nil {
			failed[r.Name] = r.Err
			env.report(fmt.Errorf("disconnecting %s: %w", r.Name, r.Err))
		} else if c.Bool("verbose") {
			fmt.Fprintf(env.Stdout, "%s: disconnected\n", r.Name)
		}
	}
	for i, ns := range s.nsDevs {
		var done []string
		for _, name := range s.perNS[i] {
			if failed[name] == nil {
				done = append(done, name)
			}
		}
		if len(done) > 0 {
			fmt.Fprintf(env.Stdout, "%s: disconnected %s, the controller(s) serving it (subsystem %s)\n",
				ns, strings.Join(done, ", "), render.Escape(s.nsNQN[i]))
		}
	}
	if c.IsSet("nqn") {
		k := 0
		for _, n := range s.nqns {
			for _, name := range perNQN[n] {
				if failed[name] == nil {
					k++
				}
			}
		}
		fmt.Fprintf(env.Stdout, "NQN:%s disconnected %d controller(s)\n", c.String("nqn"), k)
	}
	if len(failed) > 0 {
		return errReported
	}
	return nil
}

func disconnectAllCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "disconnect-all",
		Usage: "disconnect every NVMe over Fabrics controller (PCIe controllers are left alone)",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "transport", Aliases: []string{"r"}, Usage: "only controllers of this `TRANSPORT` (rdma, tcp, fc, loop)"},
			&cli.BoolFlag{Name: "unowned", Usage: "leave alone the controllers that an orchestrator (gonvme monitor, nvme-stas…) owns in " + registry.Dir},
			workersFlag(),
			verboseFlag(),
		},
		Action: env.changeAction(change{name: "disconnect-all"}, func(c *cli.Context, _ string) (func() error, error) {
			tr := c.String("transport")
			if tr != "" && !isTransport(tr) {
				return nil, usageErrorf("--transport: %q is not one of rdma, tcp, fc, loop", tr)
			}
			topo, err := env.Edge.ScanPaths()
			if err != nil {
				return nil, err
			}
			var names []string
			for _, ctrl := range topo.Controllers {
				if ctrl.Transport == "pcie" || (tr != "" && ctrl.Transport != tr) ||
					c.Bool("unowned") && registry.OwnerOf(env.FS, ctrl.Name) != "" {
					continue
				}
				names = append(names, ctrl.Name)
			}
			if len(names) == 0 {
				return nil, nil
			}
			return func() error { return env.disconnectAll(c, names) }, nil
		}),
	}
}

// disconnectAll deletes the controllers names and reports each failure.
func (env *Env) disconnectAll(c *cli.Context, names []string) error {
	bad := 0
	var results []nvmf.DeleteResult
	env.withProgress("disconnecting", false, len(names), func() {
		results = env.Edge.DeleteControllers(env.interruptible(), names, c.Int("workers"))
	})
	for _, r := range results {
		if r.Err != nil {
			bad++
			env.report(fmt.Errorf("disconnecting %s: %w", r.Name, r.Err))
		} else if c.Bool("verbose") {
			fmt.Fprintf(env.Stdout, "%s: disconnected\n", r.Name)
		}
	}
	if bad > 0 {
		fmt.Fprintf(env.Stderr, "disconnect-all: %d of %d controllers failed to disconnect\n", bad, len(names))
		return errReported
	}
	return nil
}

func isTransport(s string) bool {
	switch s {
	case "rdma", "tcp", "fc", "loop":
		return true
	}
	return false
}

// splitList splits a comma-separated flag value, checking each item.
func splitList(v, flag string, check func(string) error) ([]string, error) {
	var out []string
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimPrefix(s, "/dev/")
		if s == "" {
			continue
		}
		if err := check(s); err != nil {
			return nil, usageErrorf("%s: %w", flag, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// checkDeviceName accepts a controller (nvme0) or a namespace block
// device (nvme0n1).
func checkDeviceName(s string) error {
	if _, _, ok := topology.SplitNamespaceName(s); ok {
		return nil
	}
	rest, ok := strings.CutPrefix(s, "nvme")
	if !ok || rest == "" || strings.Trim(rest, "0123456789") != "" {
		return fmt.Errorf("%q is not a controller such as nvme0 or /dev/nvme0, nor a namespace such as /dev/nvme0n1", s)
	}
	return nil
}

// splitNamespaces separates namespace device names from controller names.
func splitNamespaces(devs []string) (ctrls, namespaces []string) {
	for _, d := range devs {
		if _, _, ok := topology.SplitNamespaceName(d); ok {
			namespaces = append(namespaces, d)
		} else {
			ctrls = append(ctrls, d)
		}
	}
	return ctrls, namespaces
}

func dedupe(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}
