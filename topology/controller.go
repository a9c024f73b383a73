package topology

import (
	"fmt"
	"os"
	"path"

	"github.com/gonvme/gonvme/hostfs"
)

// ReadController reads the controller called name ("nvme3") as v says,
// without a scan of the others: its subsystem is the one whose directory
// holds an entry of that name, and its SubsysNQN, when v takes it from the
// subsystem, that subsystem's. A controller that does not exist yields nil
// and no error.
func ReadController(fs hostfs.FS, name string, v View) (*Controller, error) {
	n, ok := controllerInstance(name)
	if !ok {
		return nil, fmt.Errorf("%q is not a controller name (nvmeN)", name)
	}
	p := v.plan()
	var blockPaths []PathNamespace
	if p.pathsFromBlock {
		all, err := pathsByController(fs)
		if err != nil {
			return nil, err
		}
		blockPaths = all[name]
	}
	c, err := scanController(fs, parent{}, name, n, p, blockPaths)
	if c == nil || err != nil {
		return nil, err
	}
	subs, err := listClass(fs, SubsystemClass)
	if err != nil {
		return nil, err
	}
	for _, s := range subs {
		if _, err := os.Lstat(fs.Path(path.Join(SubsystemClass, s, name))); err != nil {
			continue
		}
		c.Subsystem = s
		if !p.ctrlSubsysNQN {
			nqn, err := fs.ReadAttr(path.Join(SubsystemClass, s, "subsysnqn"))
			if err != nil && !gone(err) {
				return nil, fmt.Errorf("reading the NVMe topology: %w", err)
			}
			c.SubsysNQN = nqn
		}
		break
	}
	return c, nil
}
