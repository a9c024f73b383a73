package nvmf

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/internal/sysfs"
)

// ErrAlreadyConnected says a connect found its path connected already.
var ErrAlreadyConnected = errors.New("already connected")

// Connect connects one I/O path unless a live controller already serves
// the same subsystem at the same address; then it returns that
// controller's name and an error matching ErrAlreadyConnected.
func (e *Edge) Connect(o fabrics.Options) (string, error) {
	if name, err := e.Connected(o); err != nil || name != "" {
		return name, err
	}
	reply, err := fabrics.Connect(e.Kernel, o)
	if errors.Is(err, syscall.EALREADY) {
		return "", fmt.Errorf("%w: the kernel reports a controller for %s already exists: %w", ErrAlreadyConnected, o.Target(), err)
	}
	if err != nil {
		return "", err
	}
	return reply.Device(), nil
}

// Connected returns the live controller Connect would find serving o's
// subsystem at o's address, with an error matching ErrAlreadyConnected, or
// "" when Connect would write (always with o.DuplicateConnect).
func (e *Edge) Connected(o fabrics.Options) (string, error) {
	if o.DuplicateConnect {
		return "", nil
	}
	topo, err := e.ScanPaths()
	if err != nil {
		return "", err
	}
	if c := sysfs.NewIndex(topo).Lookup(keyOf(o)); c != nil {
		return c.Name, ErrAlreadyConnected
	}
	return "", nil
}
