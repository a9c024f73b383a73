package kfixtures

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Kernel is one captured kernel: its matrix name (6.1, 6.12, 7.x) and the
// absolute path of its fixture tree.
type Kernel struct {
	Name, Dir string
}

// Path is a file of the kernel's tree, rel being relative to it.
func (k Kernel) Path(rel string) string { return filepath.Join(k.Dir, rel) }

// ReadFile reads a file of the kernel's tree, failing the test if it cannot.
func (k Kernel) ReadFile(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(k.Path(rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Root is testdata/kernel at the top of the module.
func Root() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		panic("kfixtures: cannot locate the module")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "kernel")
}

// All lists the captured kernels, oldest first. A tree counts once it holds
// the kernel-version file every capture writes.
func All() []Kernel {
	ents, _ := os.ReadDir(Root())
	var out []Kernel
	for _, e := range ents {
		dir := filepath.Join(Root(), e.Name())
		if _, err := os.Stat(filepath.Join(dir, "kernel-version")); err != nil {
			continue
		}
		abs, err := filepath.Abs(dir)
		if err != nil {
			continue
		}
		out = append(out, Kernel{Name: e.Name(), Dir: abs})
	}
	slices.SortFunc(out, func(a, b Kernel) int { return compareVersions(a.Name, b.Name) })
	return out
}

// Each runs f as a subtest per captured kernel, named after it. It fails
// the test when no kernel was captured, so that a lost tree cannot pass.
func Each(t *testing.T, f func(t *testing.T, k Kernel)) {
	t.Helper()
	ks := All()
	if len(ks) == 0 {
		t.Fatalf("no kernel fixtures under %s (make fixtures)", Root())
	}
	for _, k := range ks {
		t.Run(k.Name, func(t *testing.T) { f(t, k) })
	}
}

// compareVersions orders dotted names numerically, a non-number ("x")
// after every number.
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, errx := strconv.Atoi(as[i])
		y, erry := strconv.Atoi(bs[i])
		switch {
		case errx == nil && erry == nil && x != y:
			return x - y
		case errx != nil && erry == nil:
			return 1
		case errx == nil && erry != nil:
			return -1
		case errx != nil && erry != nil && as[i] != bs[i]:
			return strings.Compare(as[i], bs[i])
		}
	}
	return len(as) - len(bs)
}
