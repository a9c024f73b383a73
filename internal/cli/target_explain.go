package cli

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"

	"github.com/gonvme/gonvme/nvmet"
)

// targetError turns what the kernel refused into what to do next: usage
// errors stay exit 2, permission errors name sudo.
func (env *Env) targetError(err error) error {
	var ue *usageError
	switch {
	case errors.As(err, &ue):
		return err
	case nvmet.IsInvalid(err):
		return &usageError{fmt.Errorf("%w; nothing was changed", err)}
	case errors.Is(err, os.ErrPermission):
		return fmt.Errorf("%w: writing to nvmet's configfs needs root; run it with sudo", err)
	}
	return err
}

// explainNamespace explains a namespace that the kernel would not enable.
func explainNamespace(err error, sub string, nsid int, dev string) error {
	what := fmt.Sprintf("namespace %d of %s", nsid, sub)
	if dev != "" {
		what += " (" + dev + ")"
	}
	switch {
	case errors.Is(err, syscall.ENOENT), errors.Is(err, syscall.ENOTBLK):
		return fmt.Errorf("%s: the kernel cannot open the device: it does not exist or is not a block device or file: %w", what, err)
	case errors.Is(err, syscall.EBUSY):
		return fmt.Errorf("%s: the device is busy (held by another user, or the namespace is enabled: disable it first): %w", what, err)
	case errors.Is(err, syscall.EINVAL):
		return fmt.Errorf("%s: the kernel refused it; its log says why (dmesg | grep nvmet): %w", what, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// explainPort explains why a port would not start listening, which
// happens when its first subsystem is exposed.
func (env *Env) explainPort(t *nvmet.Target, id int, err error) error {
	a, aerr := t.PortAddr(id)
	if aerr != nil {
		return err
	}
	where := fmt.Sprintf("port %d (%s)", id, a)
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("%s: the address is in use already, by another port or another program (ss -ltn): %w", where, err)
	case errors.Is(err, syscall.EADDRNOTAVAIL), errors.Is(err, syscall.ENODEV), errors.Is(err, syscall.EINVAL):
		local, iface := env.localAddr(a.Traddr)
		switch {
		case env.FS.Root() != "/":
		case !local:
			return fmt.Errorf("%s: %s is not an address of this host (see 'ip addr'); a port listens on one of its own addresses: %w", where, a.Traddr, err)
		case a.Trtype == "rdma":
			return fmt.Errorf("%s: %s is on %s, which has no RDMA device (see 'rdma link'; for soft-RoCE: rdma link add rxe0 type rxe netdev %s): %w",
				where, a.Traddr, iface, iface, err)
		}
	}
	return fmt.Errorf("%s: %w", where, err)
}

// localAddr reports whether ip is an address of this host, and on which
// interface.
func (env *Env) localAddr(ip string) (bool, string) {
	want := net.ParseIP(ip)
	ifs, err := net.Interfaces()
	if err != nil || want == nil {
		return false, ""
	}
	for _, i := range ifs {
		addrs, _ := i.Addrs()
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.Equal(want) {
				return true, i.Name
			}
		}
	}
	return false, ""
}

// explainRestore adds the port explanation to a restore that failed while
// exposing a subsystem.
func (env *Env) explainRestore(t *nvmet.Target, cfg *nvmet.Config, err error) error {
	msg := err.Error()
	for _, p := range cfg.Ports {
		if strings.HasPrefix(msg, fmt.Sprintf("port %d: exposing ", p.PortID)) {
			a := fmt.Sprintf("%s %s:%s", p.Addr["trtype"], p.Addr["traddr"], p.Addr["trsvcid"])
			switch {
			case errors.Is(err, syscall.EADDRINUSE):
				return fmt.Errorf("%w: %s is in use already", err, a)
			case errors.Is(err, syscall.EADDRNOTAVAIL), errors.Is(err, syscall.ENODEV):
				if local, iface := env.localAddr(p.Addr["traddr"]); !local {
					return fmt.Errorf("%w: %s is not an address of this host (see 'ip addr')", err, p.Addr["traddr"])
				} else if p.Addr["trtype"] == "rdma" {
					return fmt.Errorf("%w: %s has no RDMA device (see 'rdma link')", err, iface)
				}
			}
		}
	}
	return err
}
