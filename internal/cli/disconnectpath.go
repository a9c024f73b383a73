package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nqn"
	"github.com/gonvme/gonvme/nvmf"
)

// pathFlagNames are connect's flags that name a path; disconnect takes
// them to remove the controllers of the path a connect made.
var pathFlagNames = []string{"transport", "traddr", "trsvcid", "host-traddr", "host-iface", "hostnqn"}

// pathFlags are connect's definitions of pathFlagNames, but for the two
// whose usage names connect's defaults: disconnect assumes none.
func pathFlags() []cli.Flag {
	flags := connectFlags(pathFlagNames)
	for i, f := range flags {
		switch f.Names()[0] {
		case "trsvcid":
			flags[i] = &cli.StringFlag{Name: "trsvcid", Aliases: []string{"s"}, Usage: "transport service id, the port (not given: any)"}
		case "hostnqn":
			flags[i] = &cli.StringFlag{Name: "hostnqn", Aliases: []string{"q"}, Usage: "host NQN (not given: any)"}
		}
	}
	return flags
}

// connectFlags are connect's definitions of the flags names, in connect's
// order.
func connectFlags(names []string) []cli.Flag {
	var out []cli.Flag
	for _, f := range urfaveFlags() {
		if slices.Contains(names, f.Names()[0]) {
			out = append(out, f)
		}
	}
	return out
}

func byPath(c *cli.Context) bool {
	for _, n := range pathFlagNames {
		if c.IsSet(n) {
			return true
		}
	}
	return false
}

// pathID reads the path disconnect names with connect's flags: every
// value checked as connect checks it; a flag not given matches any value
// (no default port, no default host NQN).
func pathID(c *cli.Context) (nvmf.TransportID, error) {
	if c.IsSet("device") {
		return nvmf.TransportID{}, usageErrorf("--device (-d) and the path flags (-t, -a, -s, -w, -f, -q) both name controllers: give one; nothing was disconnected")
	}
	id := nvmf.TransportID{
		Transport: c.String("transport"), Traddr: c.String("traddr"), Trsvcid: c.String("trsvcid"),
		HostTraddr: c.String("host-traddr"), HostIface: c.String("host-iface"), HostNQN: c.String("hostnqn"), SubsysNQN: c.String("nqn"),
	}
	if id.Transport == "" || id.Traddr == "" {
		return id, usageErrorf("a path is named by at least --transport (-t) and --traddr (-a), as given to connect; nothing was disconnected")
	}
	if strings.Contains(id.SubsysNQN, ",") {
		return id, usageErrorf("--nqn: with the path flags it names the one subsystem of the path, not a list; nothing was disconnected")
	}
	for flag, v := range map[string]string{"--nqn": id.SubsysNQN, "--hostnqn": id.HostNQN} {
		if v == "" {
			continue
		}
		if err := nqn.Validate(v); err != nil {
			return id, usageErrorf("%s: %w", flag, err)
		}
	}
	o := fabrics.Options{Transport: id.Transport, Traddr: id.Traddr, Trsvcid: id.Trsvcid, HostTraddr: id.HostTraddr,
		HostIface: id.HostIface, HostNQN: id.HostNQN, NQN: id.SubsysNQN}
	if o.NQN == "" {
		o.NQN = nqn.Discovery // any subsystem: checked as a connect to one
	}
	if err := o.Validate(); err != nil {
		return id, &usageError{fmt.Errorf("%w; nothing was disconnected", err)}
	}
	return id, nil
}

// disconnectPath deletes the controllers of path id and names them.
func (env *Env) disconnectPath(c *cli.Context, id nvmf.TransportID) error {
	res, err := env.Edge.DisconnectTransport(env.interruptible(), id, c.Int("workers"))
	if len(res) == 0 && errors.Is(err, nvmf.ErrNoController) {
		return fmt.Errorf("no controller is connected through %s; nothing was disconnected; see 'gonvme list-subsys': %w", id, err)
	}
	var done []string
	for _, r := range res {
		if r.Err != nil {
			env.report(fmt.Errorf("disconnecting %s: %w", r.Name, r.Err))
			continue
		}
		done = append(done, r.Name)
		if c.Bool("verbose") {
			fmt.Fprintf(env.Stdout, "%s: disconnected\n", r.Name)
		}
	}
	if len(done) > 0 {
		fmt.Fprintf(env.Stdout, "%s: disconnected %s\n", id, strings.Join(done, ", "))
	}
	if len(done) < len(res) {
		return errReported
	}
	return err
}
