package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/internal/doctor"
	"github.com/gonvme/gonvme/internal/render"
	"github.com/gonvme/gonvme/kmsg"
	"github.com/gonvme/gonvme/nvmf"
)

// KernelLogSource is an open kernel log (kmsg.Journal).
type KernelLogSource interface {
	nvmf.RecordReader
	io.Closer
}

// startJournal begins following the kernel log, so that a failure can
// show what the kernel said about it. Without access to the log (no root,
// dmesg_restrict) explanations simply go without it.
func (env *Env) startJournal() {
	open := env.OpenKernelLog
	if open == nil {
		open = func() (KernelLogSource, error) { return kmsg.Open(env.FS.Path("/dev/kmsg")) }
	}
	if j, err := open(); err == nil {
		env.journal = j
		env.Edge.Log = nvmf.NewKernelLog(j)
	}
}

func (env *Env) stopJournal() {
	if env.journal != nil {
		env.journal.Close()
		env.journal = nil
		env.Edge.Log = nil
	}
}

// explain adds what gonvme can find out about a kernel failure of a
// connect to o: the kernel's own log lines, and for address and route
// errors over RDMA, the interface the route takes and whether it has an
// RDMA device.
func (env *Env) explain(err error, o fabrics.Options) error {
	var ke *fabrics.KernelError
	if !errors.As(err, &ke) {
		return err
	}
	var notes []string
	var lines []string
	var logged *nvmf.KernelLogError
	if errors.As(err, &logged) {
		lines = logged.Lines
		notes = append(notes, "kernel log:\n    "+strings.Join(lines, "\n    "))
	}
	if ke.Op == "connect" {
		if note := authNote(ke.Errno, lines, o); note != "" {
			return &authFailure{fmt.Errorf("%w\n  %s", err, strings.Join(append(notes, note), "\n  "))}
		}
	}
	if ke.Op == "connect" && ke.Errno == syscall.EINVAL {
		if note := env.hostClashNote(lines, o.HostNQN, o.HostID); note != "" {
			notes = append(notes, note)
		}
	}
	if note := env.moduleNote(err, o.Transport, lines); note != "" {
		notes = append(notes, note)
	}
	if note := env.tlsModuleNote(err, o); note != "" {
		notes = append(notes, note)
	} else if note := env.tlsCipherNote(err, o); note != "" {
		notes = append(notes, note)
	} else if note := tlsNote(err, o, lines); note != "" {
		notes = append(notes, note)
	}
	if ke.Op == "connect" && o.Transport == "rdma" && o.Traddr != "" {
		switch ke.Errno {
		case syscall.ECONNRESET, syscall.ECONNREFUSED, syscall.ENODEV, syscall.ETIMEDOUT,
			syscall.ENETUNREACH, syscall.EHOSTUNREACH, syscall.EADDRNOTAVAIL:
			notes = append(notes, env.routeNote(o))
		}
	}
	if len(notes) == 0 {
		return err
	}
	return fmt.Errorf("%w\n  %s", err, strings.Join(notes, "\n  "))
}

// routeNote runs doctor's path checks for o: the failing ones with their
// fixes, else where the route goes.
func (env *Env) routeNote(o fabrics.Options) string {
	p := env.doctorProbes()
	in, err := doctor.Path(p, o)
	if err != nil {
		return fmt.Sprintf("route to %s: %v", o.Traddr, err)
	}
	var notes []string
	for _, c := range doctor.PathChecks(in) {
		if c.Status == doctor.Fail || c.Status == doctor.Warn {
			notes = append(notes, fmt.Sprintf("%s: %s; fix: %s", c.Name, c.Evidence, c.Fix))
		}
	}
	if len(notes) == 0 {
		return in.RouteEvidence() + ": check that the target listens on that address and port ('gonvme doctor -t " +
			o.Transport + " -a " + o.Traddr + "' checks the whole path)"
	}
	return strings.Join(notes, "\n  ")
}

// authFailure is an explained connect error that authentication caused,
// so offeredHint does not guess at a wrong NQN.
type authFailure struct{ error }

func (e *authFailure) Unwrap() error { return e.error }

// offeredHint asks the discovery controller at the connect's address which
// subsystems it offers, for an EIO connect that was probably a wrong NQN.
// The NQNs come from the network and are printed escaped.
func (env *Env) offeredHint(err error, o fabrics.Options) error {
	var ke *fabrics.KernelError
	var af *authFailure
	if !errors.As(err, &ke) || ke.Op != "connect" || ke.Errno != syscall.EIO || errors.As(err, &af) {
		return err
	}
	t := o
	t.NQN = ""
	d, derr := env.Edge.DiscoverContext(env.interruptible(), nvmf.Target{Options: t}, nvmf.DiscoverOptions{})
	var cleanup *nvmf.CleanupError
	switch {
	case errors.As(derr, &cleanup):
		err = fmt.Errorf("%w\n  while listing the subsystems offered there: %v", err, cleanup)
	case derr != nil:
		return fmt.Errorf("%w\n  could not list the subsystems offered at %s:%s: %v", err, o.Traddr, o.Trsvcid, derr)
	}
	ports, closest := doctor.Offered(d.Log, o.NQN)
	if len(ports) > 0 {
		return fmt.Errorf("%w\n  %s is offered at %s:%s, so the target refused this host: add %s to the subsystem's allowed hosts",
			err, o.NQN, o.Traddr, o.Trsvcid, o.HostNQN)
	}
	if len(closest) == 0 {
		return fmt.Errorf("%w\n  the discovery controller at %s:%s offers no subsystems", err, o.Traddr, o.Trsvcid)
	}
	return fmt.Errorf("%w\n  %s is not offered at %s:%s; offered there (closest first): %s",
		err, o.NQN, o.Traddr, o.Trsvcid, strings.Join(closest, ", "))
}

// escapeJoin joins strings that came from the network, each escaped.
func escapeJoin(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = render.Escape(s)
	}
	return strings.Join(out, ", ")
}

// networkError prints err, which names values a discovery log supplied,
// escaped; it unwraps to err.
type networkError struct{ err error }

func (e networkError) Error() string { return render.Escape(e.err.Error()) }
func (e networkError) Unwrap() error { return e.err }
