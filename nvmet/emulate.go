package nvmet

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// kernelRule returns the error nvmet's configfs gives for op on path (a
// path relative to the root), for the rules an emulated root applies: the
// discovery NQN cannot be a subsystem, a namespace's device cannot change
// while it is enabled nor be enabled without one, and a subsystem takes
// either allow_any_host or allowed hosts.
func (t *Target) kernelRule(op, rel string) error {
	parts := strings.Split(filepath.ToSlash(rel), "/")
	if len(parts) < 3 || parts[0] != "nvmet" || parts[1] != "subsystems" {
		return nil
	}
	sub := t.nvmet("subsystems", parts[2])
	switch {
	case op == "mkdir" && len(parts) == 3 && parts[2] == "nqn.2014-08.org.nvmexpress.discovery":
		return syscall.EINVAL
	case op == "write" && len(parts) == 6 && parts[3] == "namespaces":
		ns := filepath.Join(sub, "namespaces", parts[4])
		enabled := t.attrIs(filepath.Join(ns, "enable"), "1")
		switch {
		case (strings.HasPrefix(parts[5], "device_") || parts[5] == "buffered_io") && enabled:
			return syscall.EBUSY
		case parts[5] == "enable" && !exists(filepath.Join(ns, "device_path")):
			return syscall.EINVAL
		}
	case op == "write" && len(parts) == 4 && parts[3] == "attr_allow_any_host":
		if hosts, _ := listDir(filepath.Join(sub, "allowed_hosts")); len(hosts) > 0 {
			return syscall.EINVAL
		}
	case op == "link" && len(parts) == 5 && parts[3] == "allowed_hosts":
		if t.attrIs(filepath.Join(sub, "attr_allow_any_host"), "1") {
			return syscall.EINVAL
		}
	}
	return nil
}

func (t *Target) attrIs(path, v string) bool {
	b, err := os.ReadFile(path)
	return err == nil && strings.TrimSpace(string(b)) == v
}
