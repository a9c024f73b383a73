package hostfs

import (
	"os"
	"path/filepath"
	"strings"
)

// FS is a host file-system root. The zero value is the real root.
type FS struct {
	root string
}

// New returns an FS rooted at root; "" and "/" mean the real host. A
// relative root is taken from the current directory.
func New(root string) FS {
	if root == "" || root == "/" {
		return FS{}
	}
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	return FS{root: filepath.Clean(root)[1:]}
}

// Root reports the root directory, "/" for the real host.
func (f FS) Root() string {
	if f.root == "" {
		return "/"
	}
	return "/" + f.root
}

// Path maps an absolute host path such as "/sys/class/nvme" to its location
// under the root.
func (f FS) Path(abs string) string {
	clean := filepath.Clean("/" + abs)
	if f.root == "" {
		return clean
	}
	return "/" + f.root + clean
}

// ReadFile reads a whole host file.
func (f FS) ReadFile(abs string) ([]byte, error) {
	return os.ReadFile(f.Path(abs))
}

// ReadAttr reads a sysfs-style attribute or one-line config file and trims
// surrounding white space and NUL padding. Errors are the *os.PathError from
// the read, so callers can test for os.ErrNotExist.
func (f FS) ReadAttr(abs string) (string, error) {
	b, err := os.ReadFile(f.Path(abs))
	if err != nil {
		return "", err
	}
	return strings.Trim(string(b), " \t\r\n\x00"), nil
}

// ReadDir lists a host directory's entry names in directory order.
func (f FS) ReadDir(abs string) ([]os.DirEntry, error) {
	return os.ReadDir(f.Path(abs))
}
