package nvmf

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/gonvme/gonvme/topology"
)

// Rescan asks every live controller of the subsystem nqn to rescan its
// namespaces (rescan_controller), as after the target added namespaces
// or grew one for a volume expansion, and returns the subsystem's
// namespaces as read afterwards. The kernel rescans asynchronously: a new
// size or namespace may show a moment later (WaitNamespaces waits).
func (e *Edge) Rescan(ctx context.Context, nqn string) ([]topology.Namespace, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t, err := e.ScanPaths()
	if err != nil {
		return nil, err
	}
	var asked int
	var errs []error
	for _, c := range t.Controllers {
		if c.SubsysNQN != nqn || c.State != "live" {
			continue
		}
		asked++
		p := e.FS.Path(topology.ControllerClass + "/" + c.Name + "/rescan_controller")
		if err := writeAttr(p, "1"); err != nil {
			errs = append(errs, fmt.Errorf("rescanning %s: %w", c.Name, err))
		}
	}
	if asked == 0 {
		return nil, fmt.Errorf("%w: no live controller of %s to rescan", ErrNoController, nqn)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	full, err := e.Scan()
	if err != nil {
		return nil, err
	}
	return SubsystemNamespaces(full, nqn), nil
}

// writeAttr writes v to the existing sysfs attribute at p.
func writeAttr(p, v string) error {
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(v)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
