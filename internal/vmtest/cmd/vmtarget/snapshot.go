package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// snapshot-sysfs copies a subset of sysfs into a plain directory tree:
// symlinks are kept verbatim (sysfs links are relative), readable regular
// attribute files are copied byte for byte, write-only attributes and
// attributes whose read fails are skipped. Each PATTERN (a glob under
// --sysfs) is copied; symlinked entries are also followed so the devices they
// point to are copied, to --depth directory levels below each device.
func snapshotCmd(args []string) error {
	fs := flag.NewFlagSet("snapshot-sysfs", flag.ExitOnError)
	out := fs.String("out", "", "output directory (required)")
	sysfs := fs.String("sysfs", "/sys", "sysfs mount point")
	depth := fs.Int("depth", 2, "directory levels copied below each device")
	skip := fs.String("skip", "power,mq,trace,holders,slaves,integrity,iosched,hwmon*,msi_irqs", "directory names (globs) never descended into")
	_ = fs.Parse(args)
	if *out == "" || fs.NArg() == 0 {
		fs.Usage()
		os.Exit(2)
	}
	s := &snap{sys: filepath.Clean(*sysfs), out: *out, depth: *depth, skip: strings.Split(*skip, ","), seen: map[string]bool{}}
	for _, pat := range fs.Args() {
		if !filepath.IsAbs(pat) {
			pat = filepath.Join(s.sys, pat)
		}
		matches, err := filepath.Glob(pat)
		if err != nil {
			return err
		}
		sort.Strings(matches)
		for _, m := range matches {
			if err := s.entry(m, 0); err != nil {
				return err
			}
		}
	}
	fmt.Printf("snapshot: %d files, %d links, %d dirs\n", s.files, s.links, s.dirs)
	return nil
}

type snap struct {
	sys, out           string
	depth              int
	skip               []string
	seen               map[string]bool
	files, links, dirs int
}

func (s *snap) dst(p string) (string, error) {
	r, err := filepath.Rel(s.sys, p)
	if err != nil || strings.HasPrefix(r, "..") {
		return "", fmt.Errorf("%s is outside %s", p, s.sys)
	}
	return filepath.Join(s.out, r), nil
}

// entry copies one path found by a pattern: a link (followed) or a directory.
func (s *snap) entry(p string, level int) error {
	fi, err := os.Lstat(p)
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		if err := s.link(p); err != nil {
			return err
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			return nil // dangling: the link itself is the fixture
		}
		if st, err := os.Stat(real); err == nil && st.IsDir() {
			return s.dir(real, 0)
		}
		return nil
	}
	if fi.IsDir() {
		return s.dir(p, level)
	}
	return s.file(p, fi)
}

func (s *snap) link(p string) error {
	d, err := s.dst(p)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(d); err == nil {
		return nil
	}
	target, err := os.Readlink(p)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(d), 0o755); err != nil {
		return err
	}
	s.links++
	return os.Symlink(target, d)
}

func (s *snap) file(p string, fi fs.FileInfo) error {
	if fi.Mode().Perm()&0o444 == 0 {
		return nil // write-only attribute (delete_controller, …)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil // attribute without a value in this state
	}
	d, err := s.dst(p)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(d), 0o755); err != nil {
		return err
	}
	s.files++
	return os.WriteFile(d, b, 0o644)
}

func (s *snap) dir(p string, level int) error {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return err
	}
	if s.seen[real] {
		return nil
	}
	s.seen[real] = true
	d, err := s.dst(real)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(d, 0o755); err != nil {
		return err
	}
	s.dirs++
	ents, err := os.ReadDir(real)
	if err != nil {
		return err
	}
	for _, e := range ents {
		c := filepath.Join(real, e.Name())
		fi, err := os.Lstat(c)
		if err != nil {
			continue
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			if err := s.link(c); err != nil {
				return err
			}
		case fi.IsDir():
			if level < s.depth && !s.skipped(e.Name()) {
				if err := s.dir(c, level+1); err != nil {
					return err
				}
			}
		case fi.Mode().IsRegular():
			if err := s.file(c, fi); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *snap) skipped(name string) bool {
	for _, pat := range s.skip {
		if ok, _ := filepath.Match(pat, name); ok {
			return true
		}
	}
	return false
}
