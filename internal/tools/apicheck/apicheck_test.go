package apicheck

import (
	"go/importer"
	"go/token"
	"go/types"
	"os/exec"
	"strings"
	"testing"
)

// publicPackages lists the module's packages outside internal/ and cmd/.
func publicPackages(t *testing.T) []string {
	out, err := exec.Command("go", "list", "github.com/gonvme/gonvme/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []string
	for _, p := range strings.Fields(string(out)) {
		if strings.Contains(p, "/internal/") || strings.Contains(p, "/cmd/") {
			continue
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func TestPublicAPINamesNoInternalType(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks every public package from source")
	}
	pkgs := publicPackages(t)
	if len(pkgs) < 10 {
		t.Fatalf("only %d public packages found: %v", len(pkgs), pkgs)
	}
	imp := importer.ForCompiler(token.NewFileSet(), "source", nil)
	for _, path := range pkgs {
		pkg, err := imp.Import(path)
		if err != nil {
			t.Fatalf("import %s: %v", path, err)
		}
		for _, leak := range internalLeaks(pkg) {
			t.Errorf("%s: %s", path, leak)
		}
	}
}

// internalLeaks lists the exported objects of pkg whose declared type
// mentions a named type from an internal package.
func internalLeaks(pkg *types.Package) []string {
	var leaks []string
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		w := walker{seen: map[types.Type]bool{}}
		if tn, ok := obj.(*types.TypeName); ok {
			if named, ok := tn.Type().(*types.Named); ok {
				w.visit(named.Underlying())
				for i := 0; i < named.NumMethods(); i++ {
					if m := named.Method(i); m.Exported() {
						w.visit(m.Type())
					}
				}
				ptr := types.NewMethodSet(types.NewPointer(named))
				for i := 0; i < ptr.Len(); i++ {
					if f := ptr.At(i).Obj(); f.Exported() {
						w.visit(f.Type())
					}
				}
			} else {
				w.visit(tn.Type())
			}
		} else {
			w.visit(obj.Type())
		}
		for _, l := range w.found {
			leaks = append(leaks, name+" names "+l)
		}
	}
	return leaks
}

type walker struct {
	seen  map[types.Type]bool
	found []string
}

func (w *walker) visit(t types.Type) {
	if t == nil || w.seen[t] {
		return
	}
	w.seen[t] = true
	switch t := t.(type) {
	case *types.Named:
		if p := t.Obj().Pkg(); p != nil && strings.Contains(p.Path()+"/", "/internal/") {
			w.found = append(w.found, p.Path()+"."+t.Obj().Name())
		}
		if ta := t.TypeArgs(); ta != nil {
			for i := 0; i < ta.Len(); i++ {
				w.visit(ta.At(i))
			}
		}
	case *types.Alias:
		w.visit(types.Unalias(t))
	case *types.Pointer:
		w.visit(t.Elem())
	case *types.Slice:
		w.visit(t.Elem())
	case *types.Array:
		w.visit(t.Elem())
	case *types.Map:
		w.visit(t.Key())
		w.visit(t.Elem())
	case *types.Chan:
		w.visit(t.Elem())
	case *types.Signature:
		w.visit(t.Params())
		w.visit(t.Results())
	case *types.Tuple:
		for i := 0; i < t.Len(); i++ {
			w.visit(t.At(i).Type())
		}
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			if f := t.Field(i); f.Exported() || f.Embedded() {
				w.visit(f.Type())
			}
		}
	case *types.Interface:
		for i := 0; i < t.NumMethods(); i++ {
			if m := t.Method(i); m.Exported() {
				w.visit(m.Type())
			}
		}
		for i := 0; i < t.NumEmbeddeds(); i++ {
			w.visit(t.EmbeddedType(i))
		}
	}
}
