package monitor

import (
	"errors"
	"fmt"
	"slices"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nvmf"
)

// pathKey identifies an I/O path across walks.
func pathKey(o fabrics.Options) string {
	return fmt.Sprintf("%s|%s|%s|%s|%s|%s", o.Transport, o.Traddr, o.Trsvcid, o.HostTraddr, o.HostIface, o.NQN)
}

// disconnectStale notes the I/O controllers the walk connected and, with
// Config.DisconnectStale, removes those of earlier walks whose path no log
// offers any more. It removes nothing unless every log was read: a path
// missing from a log that could not be read has not left it.
func (m *Monitor) disconnectStale(t *target, rep *nvmf.Report) ([]string, error) {
	offered := map[string]bool{}
	for _, p := range rep.Paths {
		k := pathKey(p.Options)
		offered[k] = true
		if p.Outcome == nvmf.Connected {
			t.io[p.Device] = k
		}
	}
	if !m.stale {
		return nil, nil
	}
	for _, d := range rep.Discoveries {
		if d.Found == nil {
			return nil, nil
		}
	}
	var names []string
	for name, k := range t.io {
		if !offered[k] {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var gone []string
	var errs []error
	for _, name := range names {
		if _, err := m.host.State(name); err != nil {
			delete(t.io, name) // removed by someone else
			continue
		}
		if err := m.host.Delete(name); err != nil {
			errs = append(errs, fmt.Errorf("disconnecting %s, whose path left the discovery log: %w", name, err))
			continue
		}
		delete(t.io, name)
		gone = append(gone, name)
	}
	return gone, errors.Join(errs...)
}
