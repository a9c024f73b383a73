//go:build linux

package nvmet

import "syscall"

const configfsMagic = 0x62656570

// isConfigfs reports whether dir is on a configfs mount.
func isConfigfs(dir string) bool {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return false
	}
	return int64(st.Type) == configfsMagic
}
