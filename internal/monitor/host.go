package monitor

import (
	"context"
	"fmt"
	"time"

	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/topology"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Host is what the monitor needs from the kernel.
type Host interface {
	// Walk is nvmf.Edge.Walk.
	Walk(ctx context.Context, targets []nvmf.Target, o nvmf.WalkOptions) (*nvmf.Report, error)
	// ConnectPaths is nvmf.Edge.ConnectPaths.
	ConnectPaths(ctx context.Context, r *nvmf.Report)
	// Delete removes the controller named like "nvme3".
	Delete(name string) error
	// State is the controller's state ("live", "connecting", …); an
	// error when it does not exist.
	State(name string) (string, error)
}

// EdgeHost is the Host of an nvmf.Edge.
func EdgeHost(e *nvmf.Edge) Host { return edgeHost{e} }

type edgeHost struct{ e *nvmf.Edge }

func (h edgeHost) Walk(ctx context.Context, t []nvmf.Target, o nvmf.WalkOptions) (*nvmf.Report, error) {
	return h.e.Walk(ctx, t, o)
}

func (h edgeHost) ConnectPaths(ctx context.Context, r *nvmf.Report) { h.e.ConnectPaths(ctx, r) }

func (h edgeHost) Delete(name string) error { return h.e.Delete(name) }

func (h edgeHost) State(name string) (string, error) {
	v, err := h.e.FS.ReadAttr(topology.ControllerClass + "/" + name + "/state")
	if err != nil {
		return "", fmt.Errorf("reading the state of %s: %w", name, err)
	}
	return v, nil
}
