package nvmf

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/gonvme/gonvme/topology"
)

// WaitOptions tunes WaitNamespaces.
type WaitOptions struct {
	// Count is how many namespaces to wait for; 0 means at least one.
	Count int
	// NSID, when set, waits for that namespace ID alone.
	NSID uint32
	// Interval is how often sysfs is read again; 0 means 50 ms.
	Interval time.Duration
}

// WaitNamespaces waits until the subsystem nqn has the namespaces o asks
// for, each with its block device node in /dev (devtmpfs creates it: no
// udev needed), and returns them by name. It gives up with ctx's error,
// naming what it saw last.
func (e *Edge) WaitNamespaces(ctx context.Context, nqn string, o WaitOptions) ([]topology.Namespace, error) {
	interval := o.Interval
	if interval <= 0 {
		interval = 50 * time.Millisecond
	}
	want := max(o.Count, 1)
	var last []topology.Namespace
	for {
		t, err := e.Scan()
		if err != nil {
			return nil, err
		}
		last = last[:0]
		for _, ns := range SubsystemNamespaces(t, nqn) {
			if o.NSID != 0 && ns.NSID != o.NSID {
				continue
			}
			if _, err := os.Stat(e.FS.Path("/dev/" + ns.Name)); err == nil {
				last = append(last, ns)
			}
		}
		if len(last) >= want {
			return last, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for %d namespace(s) of %s: %d with a device so far: %w", want, nqn, len(last), ctx.Err())
		case <-time.After(interval):
		}
	}
}
