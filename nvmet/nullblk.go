package nvmet

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// NullBlkOptions tunes CreateNullBlkWith.
type NullBlkOptions struct {
	SizeMB       int // device size in MiB (default 64)
	BlockSize    int // logical block size (default: kernel's, 512)
	NoMemBacking bool
}

// CreateNullBlk creates a memory-backed null_blk device of sizeMB MiB named
// name (null_blk must be loaded with nr_devices=0) and returns its /dev path.
func (t *Target) CreateNullBlk(name string, sizeMB int) (string, error) {
	return t.CreateNullBlkWith(name, NullBlkOptions{SizeMB: sizeMB})
}

// CreateNullBlkWith is CreateNullBlk with more options.
func (t *Target) CreateNullBlkWith(name string, o NullBlkOptions) (string, error) {
	if err := validName("null_blk", name); err != nil {
		return "", err
	}
	if o.SizeMB <= 0 {
		o.SizeMB = 64
	}
	base := filepath.Join(t.root, "nullb")
	if t.plain {
		if err := os.MkdirAll(base, 0o755); err != nil {
			return "", err
		}
	} else if !exists(base) {
		return "", fmt.Errorf("nvmet: %s missing: load null_blk (nr_devices=0)", base)
	}
	dir := filepath.Join(base, name)
	if err := t.mkgroup(dir); err != nil {
		return "", err
	}
	attrs := [][2]string{{"size", strconv.Itoa(o.SizeMB)}}
	if o.BlockSize > 0 {
		attrs = append(attrs, [2]string{"blocksize", strconv.Itoa(o.BlockSize)})
	}
	mb := "1"
	if o.NoMemBacking {
		mb = "0"
	}
	attrs = append(attrs, [2]string{"memory_backed", mb}, [2]string{"power", "1"})
	for _, a := range attrs {
		if err := t.write(filepath.Join(dir, a[0]), a[1]); err != nil {
			_ = t.rmgroup(dir)
			return "", err
		}
	}
	// Kernels name the disk after the configfs item; older ones used
	// nullb<index>.
	dev := filepath.Join(t.devDir, name)
	if !t.plain && !exists(dev) {
		if idx, err := t.read(filepath.Join(dir, "index")); err == nil && exists(filepath.Join(t.devDir, "nullb"+idx)) {
			dev = filepath.Join(t.devDir, "nullb"+idx)
		}
	}
	return dev, nil
}

// RemoveNullBlk powers off and removes a null_blk device.
func (t *Target) RemoveNullBlk(name string) error {
	dir := filepath.Join(t.root, "nullb", name)
	if !exists(dir) {
		return nil
	}
	if p := filepath.Join(dir, "power"); exists(p) {
		_ = t.write(p, "0")
	}
	return t.rmgroup(dir)
}

// NullBlks lists the null_blk devices created through configfs.
func (t *Target) NullBlks() ([]string, error) {
	names, err := listDir(filepath.Join(t.root, "nullb"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		if fi, err := os.Stat(filepath.Join(t.root, "nullb", n)); err == nil && fi.IsDir() {
			out = append(out, n)
		}
	}
	return out, nil
}
