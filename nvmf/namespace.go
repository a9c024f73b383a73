package nvmf

import (
	"strconv"

	"github.com/gonvme/gonvme/topology"
)

// NamespaceControllers returns the controllers that serve the namespace
// block device ns ("nvme0n1") in t, which must be read with its paths and
// namespaces (topology.Everything): every controller with a path to a
// multipath namespace (nvmeScCnN), or the one controller that owns it when
// native multipath is off. It also returns the subsystem NQN of the first
// one, "" when none serves it.
func NamespaceControllers(t *topology.Topology, ns string) (ctrls []string, subnqn string) {
	for _, c := range t.Controllers {
		if servesNamespace(c, ns) {
			ctrls = append(ctrls, c.Name)
			if subnqn == "" {
				subnqn = c.SubsysNQN
			}
		}
	}
	return ctrls, subnqn
}

func servesNamespace(c *topology.Controller, ns string) bool {
	for _, p := range c.Paths {
		if s, _, n, ok := topology.SplitPathName(p.Name); ok && "nvme"+strconv.Itoa(s)+"n"+strconv.Itoa(n) == ns {
			return true
		}
	}
	for _, own := range c.Namespaces {
		if own.Name == ns {
			return true
		}
	}
	return false
}
