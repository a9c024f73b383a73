//go:build !linux

package topology

// attrDir is the Linux fast path for reading attributes; elsewhere every
// attribute is read through hostfs.
type attrDir struct{}

func openAttrDir(string) (attrDir, bool)    { return attrDir{}, false }
func (attrDir) close()                      {}
func (attrDir) read(string) (string, error) { panic("sysfs: attrDir.read without openAttrDir") }
func (attrDir) names(string) ([]string, int, error) {
	panic("sysfs: attrDir.names without openAttrDir")
}
func openAttrDirAt(attrDir, string, string) (attrDir, bool) { return attrDir{}, false }
func (attrDir) within(string, string) attrDir               { return attrDir{} }
