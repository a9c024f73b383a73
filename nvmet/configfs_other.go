//go:build !linux

package nvmet

// isConfigfs: configfs exists only on Linux.
func isConfigfs(string) bool { return false }
