package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/gonvme/gonvme/fabrics"
)

// moduleNote names the kernel module to load when a connect over transport
// was refused with EINVAL because the kernel has no driver for it: the
// kernel log says "no handler found for transport …", or, without access to
// the log, /sys/module shows the fabrics core loaded but not the transport's
// module. It returns "" otherwise.
func (env *Env) moduleNote(err error, transport string, kernelLines []string) string {
	var ke *fabrics.KernelError
	if !errors.As(err, &ke) || ke.Op != "connect" || ke.Errno != syscall.EINVAL {
		return ""
	}
	switch transport {
	case "rdma", "tcp", "fc", "loop":
	default:
		return ""
	}
	module := "nvme-" + transport
	for _, l := range kernelLines {
		if strings.Contains(l, "no handler found for transport") {
			return fmt.Sprintf("the kernel has no %s transport driver: run 'modprobe %s' (and load it at boot, e.g. in /etc/modules-load.d)", transport, module)
		}
	}
	if len(kernelLines) > 0 || !env.exists("/sys/module/nvme_fabrics") || env.exists("/sys/module/nvme_"+transport) {
		return ""
	}
	return fmt.Sprintf("%s is not loaded (no %s): run 'modprobe %s'", module, env.FS.Path("/sys/module/nvme_"+transport), module)
}

func (env *Env) exists(abs string) bool {
	_, err := os.Lstat(env.FS.Path(abs))
	return err == nil
}
