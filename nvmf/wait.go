package nvmf

import (
	"context"
	"fmt"
	"os"
	"slices"
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
	seen := 0
	for {
		names, err := e.namespacesWithDevices(nqn, o.NSID)
		if err != nil {
			return nil, err
		}
		if seen = len(names); seen >= want {
			// The polls read names only; the answer has the attributes.
			t, err := e.Scan()
			if err != nil {
				return nil, err
			}
			return slices.DeleteFunc(SubsystemNamespaces(t, nqn), func(ns topology.Namespace) bool { return !names[ns.Name] }), nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for %d namespace(s) of %s: %d with a device so far: %w", want, nqn, seen, ctx.Err())
		case <-time.After(interval):
		}
	}
}

// namespacesWithDevices names the namespaces of the subsystem nqn (only
// nsid's, unless 0) whose device node is in /dev, from a NamespacesView
// scan.
func (e *Edge) namespacesWithDevices(nqn string, nsid uint32) (map[string]bool, error) {
	t, err := e.ScanView(topology.NamespacesView)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, ns := range SubsystemNamespaces(t, nqn) {
		if nsid != 0 {
			if n, err := topology.ReadNamespace(e.FS, ns.Name); err != nil || n.NSID != nsid {
				continue
			}
		}
		if _, err := os.Stat(e.FS.Path("/dev/" + ns.Name)); err == nil {
			names[ns.Name] = true
		}
	}
	return names, nil
}
