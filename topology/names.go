package topology

import (
	"strconv"
	"strings"
)

// Kernel device names: controllers "nvme<C>", subsystems "nvme-subsys<S>",
// namespace block devices "nvme<S>n<N>" (or "nvme<C>n<N>" without
// multipath), per-path devices "nvme<S>c<C>n<N>", and generic character
// devices "ng<S>n<N>".

// SplitNamespaceName splits a namespace block device name "nvme2n1" into
// its subsystem (or controller) instance 2 and namespace instance 1.
func SplitNamespaceName(name string) (instance, ns int, ok bool) {
	rest, found := strings.CutPrefix(name, "nvme")
	if !found {
		return 0, 0, false
	}
	a, b, found := strings.Cut(rest, "n")
	if !found {
		return 0, 0, false
	}
	instance, ok1 := number(a)
	ns, ok2 := number(b)
	return instance, ns, ok1 && ok2
}

// SplitPathName splits a per-path device name "nvme2c3n1" into subsystem
// instance 2, controller instance 3 and namespace instance 1.
func SplitPathName(name string) (subsys, ctrl, ns int, ok bool) {
	rest, found := strings.CutPrefix(name, "nvme")
	if !found {
		return 0, 0, 0, false
	}
	a, rest, found := strings.Cut(rest, "c")
	if !found {
		return 0, 0, 0, false
	}
	b, c, found := strings.Cut(rest, "n")
	if !found {
		return 0, 0, 0, false
	}
	subsys, ok1 := number(a)
	ctrl, ok2 := number(b)
	ns, ok3 := number(c)
	return subsys, ctrl, ns, ok1 && ok2 && ok3
}

// GenericName returns the generic character device of a namespace block
// device: "nvme2n1" → "ng2n1". Other names are returned unchanged.
func GenericName(block string) string {
	if i, n, ok := SplitNamespaceName(block); ok {
		return "ng" + strconv.Itoa(i) + "n" + strconv.Itoa(n)
	}
	return block
}

func controllerInstance(name string) (int, bool) {
	rest, found := strings.CutPrefix(name, "nvme")
	if !found {
		return 0, false
	}
	return number(rest)
}

func subsystemInstance(name string) (int, bool) {
	rest, found := strings.CutPrefix(name, "nvme-subsys")
	if !found {
		return 0, false
	}
	return number(rest)
}

// number parses a non-empty run of ASCII digits.
func number(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}
