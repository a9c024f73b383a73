package nvmf

import (
	"errors"
	"fmt"
	"slices"
	"syscall"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/topology"
)

// ErrAlreadyConnected says a connect found its path connected already;
// it is fabrics.ErrAlreadyConnected.
var ErrAlreadyConnected = fabrics.ErrAlreadyConnected

// Connect connects one I/O path unless a controller already serves the
// same subsystem at the same address for the same host; then it returns
// that controller's name and an error matching ErrAlreadyConnected. So it
// does when the kernel itself refuses the connect with EALREADY (another
// process connected the path meanwhile). A secret the kernel cannot use
// is refused first (CheckAuth), and so is a TLS connect the kernel could
// not carry out (CheckTLS: it loads the tls module and the cipher first).
func (e *Edge) Connect(v fabrics.Validated) (string, error) {
	o := v.Options()
	if err := e.CheckAuth(o); err != nil {
		return "", err
	}
	if name, err := e.Connected(o); err != nil || name != "" {
		return name, err
	}
	s := e.Log.begin()
	reply, err := e.create(v)
	if errors.Is(err, syscall.EALREADY) {
		return e.kernelSaysConnected(o, err)
	}
	if err != nil {
		return "", s.wrap(err)
	}
	s.created(reply.Device())
	return reply.Device(), nil
}

// Connected returns the controller Connect would find serving o's
// subsystem at o's address for o's host, with an error matching
// ErrAlreadyConnected, or "" when Connect would write (always with
// o.DuplicateConnect).
func (e *Edge) Connected(o fabrics.Options) (string, error) {
	if o.DuplicateConnect {
		return "", nil
	}
	topo, err := e.ScanPaths()
	if err != nil {
		return "", err
	}
	if c := e.newPathIndex(topo).lookup(o); c != nil {
		return c.Name, ErrAlreadyConnected
	}
	return "", nil
}

// kernelSaysConnected names the controller that made the kernel refuse a
// connect to o with EALREADY. The error matches ErrAlreadyConnected
// whether or not the controller is found.
func (e *Edge) kernelSaysConnected(o fabrics.Options, err error) (string, error) {
	if topo, serr := e.ScanPaths(); serr == nil {
		if c := e.newPathIndex(topo).lookup(o); c != nil {
			return c.Name, ErrAlreadyConnected
		}
	}
	return "", fmt.Errorf("%w: the kernel reports a controller for %s, which is not in %s (being deleted?): %w",
		ErrAlreadyConnected, o.Target(), e.FS.Path("/sys/class/nvme"), err)
}

// pathIndex finds the controller that already is a connection, the way
// the kernel's duplicate check does: topology.Index.Lookup's transport ID
// rules, and the same host NQN (read only for the candidates).
type pathIndex struct {
	e    *Edge
	topo *topology.Topology
	ix   *topology.Index
}

func (e *Edge) newPathIndex(topo *topology.Topology) *pathIndex {
	return &pathIndex{e: e, topo: topo, ix: topology.NewIndex(topo)}
}

func (p *pathIndex) lookup(o fabrics.Options) *topology.Controller {
	ix, topo := p.ix, p.topo
	for {
		c := ix.Lookup(keyOf(o))
		if c == nil || p.sameHost(c, o.HostNQN) {
			return c
		}
		rest := *topo
		rest.Controllers = slices.DeleteFunc(slices.Clone(topo.Controllers), func(x *topology.Controller) bool { return x == c })
		topo, ix = &rest, topology.NewIndex(&rest)
	}
}

// sameHost reports whether c belongs to hostnqn; an empty hostnqn, or a
// host NQN that cannot be read, matches.
func (p *pathIndex) sameHost(c *topology.Controller, hostnqn string) bool {
	if hostnqn == "" {
		return true
	}
	v := c.HostNQN
	if v == "" {
		var err error
		if v, err = p.e.FS.ReadAttr(topology.ControllerClass + "/" + c.Name + "/hostnqn"); err != nil || v == "" {
			return true
		}
	}
	return v == hostnqn
}

// keyOf is the sysfs match key of a connect.
func keyOf(o fabrics.Options) topology.PathKey {
	return topology.PathKey{
		Transport:  o.Transport,
		Traddr:     o.Traddr,
		Trsvcid:    o.Trsvcid,
		HostTraddr: o.HostTraddr,
		HostIface:  o.HostIface,
		SubsysNQN:  o.NQN,
	}
}
