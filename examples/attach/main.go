package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/gonvme/gonvme/config"
	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/nvmf"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	e := nvmf.NewEdge(hostfs.New(os.Getenv("GONVME_ROOT")))
	if err := run(ctx, e, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "attach:", err)
		var usage usageError
		if errors.As(err, &usage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ error }

// run attaches or detaches as args say, printing device paths to out.
func run(ctx context.Context, e *nvmf.Edge, args []string, out io.Writer) error {
	fl := flag.NewFlagSet("attach", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	nqn := fl.String("n", "", "subsystem NQN of the volume")
	transport := fl.String("t", "tcp", "discovery controller transport")
	traddr := fl.String("a", "", "discovery controller address")
	trsvcid := fl.String("s", "", "discovery controller port (tcp: 8009, rdma: 4420)")
	count := fl.Int("count", 1, "namespaces to wait for")
	timeout := fl.Duration("timeout", 30*time.Second, "how long to wait for the devices")
	detach := fl.Bool("detach", false, "detach the volume instead")
	if err := fl.Parse(args); err != nil {
		return usageError{err}
	}
	if *nqn == "" {
		return usageError{errors.New("-n NQN is required")}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if *detach {
		res, err := e.Detach(ctx, *nqn)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "detached %s (%d controllers)\n", *nqn, len(res))
		return nil
	}
	id, err := e.Identity("", "")
	if err != nil {
		return err
	}
	base := fabrics.Options{HostNQN: id.HostNQN, HostID: id.HostID}
	var targets []nvmf.Target
	if *traddr != "" {
		disc := base
		disc.Transport, disc.Traddr, disc.Trsvcid = *transport, *traddr, *trsvcid
		if disc.Trsvcid == "" {
			disc.Trsvcid = nvmf.DefaultTrsvcid(*transport, true)
		}
		targets = []nvmf.Target{{Options: disc, Where: "command line"}}
	} else if targets, err = configured(e, base); err != nil {
		return err
	}
	a, err := e.Attach(ctx, nvmf.AttachOptions{
		NQN:      *nqn,
		Targets:  targets,
		Template: nvmf.PodDefaults(fabrics.Options{HostNQN: id.HostNQN, HostID: id.HostID}),
		Wait:     nvmf.WaitOptions{Count: *count},
	})
	if errors.Is(err, nvmf.ErrNotOffered) {
		return fmt.Errorf("volume %s does not exist there: %w", *nqn, err)
	}
	if err != nil {
		return err
	}
	for _, ns := range a.Namespaces {
		fmt.Fprintln(out, "/dev/"+ns.Name)
	}
	return nil
}

// configured lists the discovery controllers of /etc/nvme/discovery.conf
// and config.json, as gonvme connect-all would ask them.
func configured(e *nvmf.Edge, base fabrics.Options) ([]nvmf.Target, error) {
	targets, errs := e.DiscoveryConfTargets(base)
	hosts, err := config.ReadJSONConfig(e.FS)
	if err != nil {
		errs = append(errs, err)
	}
	for _, t := range nvmf.JSONTargets(hosts, base, "") {
		if err := nvmf.ValidateTarget(t.Options); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", t.Where, err))
			continue
		}
		targets = append(targets, t)
	}
	if len(errs) > 0 {
		return nil, usageError{errors.Join(errs...)}
	}
	if len(targets) == 0 {
		return nil, usageError{fmt.Errorf("no -a, and no discovery controllers in %s or %s", config.DiscoveryConfPath, config.JSONConfigPath)}
	}
	return targets, nil
}
