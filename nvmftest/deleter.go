package nvmftest

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/hostfs"
)

// Deleter is a fake controller delete: it removes /sys/class/nvme/<name>
// (and the directory a link points at, and the subsystems' links to it),
// records the call and how many deletes ran at once.
type Deleter struct {
	fs hostfs.FS

	// Errs fails the deletes of the names it lists (nothing is removed).
	Errs map[string]error
	// Hold makes each delete last this long, so that concurrent ones
	// overlap.
	Hold time.Duration
	// OnDelete, when set, runs at the start of every delete.
	OnDelete func(name string)

	afterDelete func(name string) // set by Fake.Serve
	mu          sync.Mutex
	calls       []string
	active, max int
}

// Delete deletes the controller name.
func (d *Deleter) Delete(name string) error {
	if d.OnDelete != nil {
		d.OnDelete(name)
	}
	d.mu.Lock()
	d.calls = append(d.calls, name)
	d.active++
	d.max = max(d.max, d.active)
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		d.active--
		d.mu.Unlock()
	}()
	if d.Hold > 0 {
		time.Sleep(d.Hold)
	}
	if err := d.Errs[name]; err != nil {
		return err
	}
	link := d.fs.Path("/sys/class/nvme/" + name)
	if _, err := os.Lstat(link); err != nil {
		return &fabrics.KernelError{Op: "disconnect", Path: link, Target: name, Errno: syscall.ENOENT}
	}
	if target, err := filepath.EvalSymlinks(link); err == nil && target != link {
		if err := os.RemoveAll(target); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(link); err != nil {
		return err
	}
	subs, _ := d.fs.ReadDir("/sys/class/nvme-subsystem")
	for _, s := range subs {
		_ = os.Remove(d.fs.Path("/sys/class/nvme-subsystem/" + s.Name() + "/" + name))
	}
	if d.afterDelete != nil {
		d.afterDelete(name)
	}
	return nil
}

// Calls lists the names deleted so far, in the order the deletes started.
func (d *Deleter) Calls() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.calls)
}

// MaxConcurrent is the largest number of deletes that ran at once.
func (d *Deleter) MaxConcurrent() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.max
}
