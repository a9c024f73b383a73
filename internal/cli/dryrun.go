package cli

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nvmf"
)

// dryRunFlag is gonvme's own --dry-run.
func dryRunFlag(usage string) cli.Flag {
	return &cli.BoolFlag{Name: "dry-run", Usage: usage}
}

// dryRunConnect prints the option string a connect of v would write to
// /dev/nvme-fabrics, secrets redacted, and writes nothing; a path that is
// connected already would write nothing, which it says on stderr.
func (env *Env) dryRunConnect(v fabrics.Validated) error {
	o := v.Options()
	if err := env.Edge.CheckAuth(o); err != nil {
		return &usageError{err}
	}
	name, err := env.Edge.Connected(o)
	if errors.Is(err, nvmf.ErrAlreadyConnected) {
		fmt.Fprintf(env.Stderr, "dry run: already connected: %s is %s; connect would write nothing\n", o.Target(), name)
		return nil
	}
	if err != nil {
		return err
	}
	s, err := fabrics.Plan(env.Edge.Kernel, v)
	if err != nil {
		return planError(err)
	}
	env.dryRunTLS(o)
	fmt.Fprintln(env.Stdout, fabrics.Redact(s))
	return nil
}

// dryRunTLS says on stderr what a TLS connect would load first (CheckTLS),
// loading nothing itself.
func (env *Env) dryRunTLS(o fabrics.Options) {
	if !o.TLS || o.Transport != "tcp" {
		return
	}
	if env.Edge.TLSLayerMissing() {
		fmt.Fprintln(env.Stderr, "dry run: the kernel's TLS layer is not loaded; connect would run 'modprobe tls' first")
	}
	if env.Edge.TLSCipherState() == nvmf.CipherMissing {
		fmt.Fprintf(env.Stderr, "dry run: the kernel has no %s cipher; connect would run 'modprobe gcm' first, and refuse to connect if the kernel still has none\n", nvmf.TLSCipher)
	}
}

// dryRunDiscovery prints, for each discovery target, the option string of
// the discovery controller cmd would connect (or, on stderr, the existing
// one it would use) and writes nothing. The discovery log, and so what cmd
// would connect from it, can only be read through a connected discovery
// controller: a dry run stops before that.
func (env *Env) dryRunDiscovery(cmd string, targets []nvmf.Target, cfgErrs []error, o nvmf.DiscoverOptions) error {
	failed := env.reportAll(cfgErrs)
	for _, t := range targets {
		p, err := env.Edge.PlanDiscover(t, o)
		if err != nil {
			if len(targets) == 1 && len(cfgErrs) == 0 {
				return planError(err)
			}
			env.report(err)
			failed = true
			continue
		}
		if p.Existing != "" {
			fmt.Fprintf(env.Stderr, "dry run: %s would use discovery controller %s for %s; nothing to write\n", cmd, p.Existing, t)
			continue
		}
		fmt.Fprintln(env.Stdout, fabrics.Redact(p.Opts))
	}
	fmt.Fprintf(env.Stderr, "dry run: nothing was written; %s reads the discovery log only through a connected discovery controller, "+
		"so the connects it would make from the log are not shown\n", cmd)
	if failed {
		return errReported
	}
	return nil
}

// planError makes the refusals a kernel write would meet (invalid values,
// options the running kernel lacks) usage errors.
func planError(err error) error {
	var ve *fabrics.ValidationError
	if errors.As(err, &ve) || errors.Is(err, errors.ErrUnsupported) {
		return &usageError{err}
	}
	return err
}
