package nvmet

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// DefaultRoot is where configfs is mounted on Linux.
const DefaultRoot = "/sys/kernel/config"

// Target is a builder over one configfs tree.
type Target struct {
	root   string
	plain  bool   // root is an ordinary directory: emulate configfs
	devDir string // where block devices appear (for null_blk paths)
	// refuse, in tests, makes an emulated root refuse an operation ("mkdir",
	// "write", "link") on a path, as a kernel would.
	refuse func(op, path string) error
}

// New returns a Target over the configfs mounted at root ("" = DefaultRoot).
// An ordinary directory is accepted and treated as an emulated configfs.
func New(root string) *Target {
	if root == "" {
		root = DefaultRoot
	}
	return &Target{root: root, plain: !isConfigfs(root), devDir: "/dev"}
}

// Root returns the configfs root the Target works on.
func (t *Target) Root() string { return t.root }

// Emulated reports whether the root is an ordinary directory (not configfs).
func (t *Target) Emulated() bool { return t.plain }

func (t *Target) nvmet(p ...string) string {
	return filepath.Join(append([]string{t.root, "nvmet"}, p...)...)
}

func portDir(id int) string { return strconv.Itoa(id) }

func validName(kind, s string) error {
	if s == "" || s == "." || s == ".." || strings.ContainsAny(s, "/\x00\n") {
		return fmt.Errorf("nvmet: invalid %s name %q", kind, s)
	}
	return nil
}

// mkgroup creates a configfs group (and, when emulating, its default groups).
func (t *Target) mkgroup(dir string, defaults ...string) error {
	if err := t.refused("mkdir", dir); err != nil {
		return fmt.Errorf("nvmet: mkdir %s: %w", t.rel(dir), err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("nvmet: %s already exists", t.rel(dir))
		}
		return fmt.Errorf("nvmet: mkdir %s: %w", t.rel(dir), err)
	}
	if t.plain {
		for _, d := range defaults {
			if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
				return err
			}
		}
	}
	return nil
}

// write stores one attribute value with a single write(2).
func (t *Target) write(path, val string) error {
	flag := os.O_WRONLY | os.O_TRUNC
	if t.plain {
		flag |= os.O_CREATE
	}
	if err := t.refused("write", path); err != nil {
		return fmt.Errorf("nvmet: write to %s: %w", t.rel(path), err)
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return fmt.Errorf("nvmet: %s: %w", t.rel(path), err)
	}
	_, werr := f.Write([]byte(val))
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr != nil {
		shown := strconv.Quote(val)
		if strings.HasPrefix(filepath.Base(path), "dhchap_") && strings.Contains(filepath.Base(path), "key") {
			shown = "the key"
		}
		return fmt.Errorf("nvmet: write %s to %s: %w", shown, t.rel(path), werr)
	}
	return nil
}

// symlink makes a configfs link.
func (t *Target) symlink(target, link string) error {
	if err := t.refused("link", link); err != nil {
		return &os.LinkError{Op: "symlink", Old: target, New: link, Err: err}
	}
	return os.Symlink(target, link)
}

func (t *Target) refused(op, path string) error {
	if !t.plain {
		return nil
	}
	if err := t.kernelRule(op, t.rel(path)); err != nil {
		return err
	}
	if t.refuse != nil {
		return t.refuse(op, t.rel(path))
	}
	return nil
}

func (t *Target) read(path string) (string, error) {
	b, err := os.ReadFile(path)
	return strings.TrimRight(string(b), "\n"), err
}

func (t *Target) rel(p string) string {
	if r, err := filepath.Rel(t.root, p); err == nil {
		return r
	}
	return p
}

// rmgroup removes a configfs group. configfs refuses (ENOTEMPTY/EBUSY) while
// the group holds links or user-created child groups; emulated roots apply
// the same rule, treating the named default groups as part of the group.
func (t *Target) rmgroup(dir string, defaults ...string) error {
	if !t.plain {
		if err := os.Remove(dir); err != nil {
			return fmt.Errorf("nvmet: rmdir %s: %w", t.rel(dir), err)
		}
		return nil
	}
	isDefault := map[string]bool{}
	for _, d := range defaults {
		isDefault[d] = true
	}
	var busy error
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		r, _ := filepath.Rel(dir, p)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			busy = fmt.Errorf("nvmet: rmdir %s: link %s still present: %w", t.rel(dir), r, fs.ErrExist)
		case d.IsDir() && !isDefault[r]:
			busy = fmt.Errorf("nvmet: rmdir %s: group %s still present: %w", t.rel(dir), r, fs.ErrExist)
		}
		if busy != nil {
			return fs.SkipAll
		}
		return nil
	})
	if err != nil {
		return err
	}
	if busy != nil {
		return busy
	}
	return os.RemoveAll(dir)
}

func listDir(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names, nil
}

func exists(p string) bool { _, err := os.Lstat(p); return err == nil }

// Teardown removes every port, subsystem, host and null_blk device under the
// root, in an order configfs accepts. It continues past errors and returns
// them joined.
func (t *Target) Teardown() error {
	var errs []error
	ports, err := t.Ports()
	errs = append(errs, err)
	for _, p := range ports {
		errs = append(errs, t.RemovePort(p))
	}
	subs, err := t.Subsystems()
	errs = append(errs, err)
	for _, s := range subs {
		errs = append(errs, t.RemoveSubsystem(s))
	}
	hosts, err := listDir(t.nvmet("hosts"))
	errs = append(errs, err)
	for _, h := range hosts {
		errs = append(errs, t.rmgroup(t.nvmet("hosts", h)))
	}
	nbs, err := t.NullBlks()
	errs = append(errs, err)
	for _, n := range nbs {
		errs = append(errs, t.RemoveNullBlk(n))
	}
	return errors.Join(errs...)
}
