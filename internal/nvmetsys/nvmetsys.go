package nvmetsys

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/gonvme/gonvme/hostfs"
)

// ConfigfsDir is where configfs is mounted.
const ConfigfsDir = "/sys/kernel/config"

// Module names the kernel module of a transport on the target side.
func Module(trtype string) string {
	switch trtype {
	case "rdma":
		return "nvmet-rdma"
	case "tcp":
		return "nvmet-tcp"
	case "loop":
		return "nvme-loop"
	case "fc":
		return "nvmet-fc"
	}
	return ""
}

// Prepare mounts configfs when needed and loads nvmet and the modules of
// the transports given. Under a root other than the real one (tests) it
// only makes sure the configfs directory exists.
func Prepare(fs hostfs.FS, transports ...string) error {
	if fs.Root() != "/" {
		return os.MkdirAll(fs.Path(ConfigfsDir), 0o755)
	}
	if err := mountConfigfs(); err != nil {
		return err
	}
	mods := []string{"nvmet"}
	for _, t := range transports {
		if m := Module(t); m != "" {
			mods = append(mods, m)
		}
	}
	var errs []error
	for _, m := range mods {
		if loaded(fs, m) {
			continue
		}
		if err := modprobe(m); err != nil {
			errs = append(errs, fmt.Errorf("loading %s: %w", m, err))
		}
	}
	if _, err := os.Stat(fs.Path(ConfigfsDir + "/nvmet")); err != nil {
		return errors.Join(append(errs, fmt.Errorf("%s/nvmet missing: the kernel has no nvmet (CONFIG_NVME_TARGET); install the distribution's extra modules package", ConfigfsDir))...)
	}
	return errors.Join(errs...)
}

func loaded(fs hostfs.FS, module string) bool {
	_, err := os.Stat(fs.Path("/sys/module/" + strings.ReplaceAll(module, "-", "_")))
	return err == nil
}
