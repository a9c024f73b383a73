package fabrics

import (
	"strings"
	"syscall"
)

// KernelError is a refusal from the kernel: opening or reading
// /dev/nvme-fabrics, the connect write, or a disconnect. It unwraps to its
// Errno, so errors.Is(err, syscall.EIO) and errors.Is(err, os.ErrPermission)
// work.
type KernelError struct {
	Op     string        // "open", "probe" (reading the supported options), "connect" or "disconnect"
	Path   string        // the device or sysfs file
	Target string        // what was being connected or disconnected, for the message
	Errno  syscall.Errno // the raw errno
	// Meaning and Hint are Explain's reading of Errno for Op.
	Meaning, Hint string
}

func (e *KernelError) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.Target != "" {
		b.WriteString(" " + e.Target)
	}
	b.WriteString(": " + e.Path + ": " + e.Errno.Error())
	if name := errnoNames[e.Errno]; name != "" {
		b.WriteString(" (" + name + ")")
	}
	if e.Meaning != "" {
		b.WriteString(": " + e.Meaning)
	}
	if e.Hint != "" {
		b.WriteString("; " + e.Hint)
	}
	return b.String()
}

func (e *KernelError) Unwrap() error { return e.Errno }

func newKernelError(op, path, transport string, errno syscall.Errno) *KernelError {
	meaning, hint := Explain(op, transport, errno)
	return &KernelError{Op: op, Path: path, Errno: errno, Meaning: meaning, Hint: hint}
}

var errnoNames = map[syscall.Errno]string{
	syscall.EACCES: "EACCES", syscall.EADDRINUSE: "EADDRINUSE",
	syscall.EADDRNOTAVAIL: "EADDRNOTAVAIL", syscall.EALREADY: "EALREADY",
	syscall.EBUSY: "EBUSY", syscall.ECONNREFUSED: "ECONNREFUSED",
	syscall.ECONNRESET: "ECONNRESET", syscall.EHOSTUNREACH: "EHOSTUNREACH",
	syscall.EINVAL: "EINVAL", syscall.EIO: "EIO", syscall.ENETUNREACH: "ENETUNREACH",
	syscall.ENODEV: "ENODEV", syscall.ENOENT: "ENOENT", syscall.ENOMEM: "ENOMEM",
	syscall.ENXIO: "ENXIO", syscall.EOPNOTSUPP: "EOPNOTSUPP", syscall.EPERM: "EPERM",
	syscall.ETIMEDOUT: "ETIMEDOUT", syscall.EINTR: "EINTR", ErrnoKeyRejected: "EKEYREJECTED", ErrnoNoKey: "ENOKEY",
}

// transportModule is the kernel module of each transport's host driver.
var transportModule = map[string]string{
	"rdma": "nvme-rdma", "tcp": "nvme-tcp", "fc": "nvme-fc", "loop": "nvme-loop",
}

const dmesgHint = "the kernel log (dmesg) has the detail"

// Explain says what errno usually means when the kernel returns it for op
// ("open", "probe", "connect" or "disconnect") over transport ("rdma", "tcp",
// … or "" when unknown), and what to try next. The meaning is "" for an
// errno it has nothing specific to say about; the hint is never empty.
func Explain(op, transport string, errno syscall.Errno) (meaning, hint string) {
	if errno == syscall.EACCES || errno == syscall.EPERM {
		return "permission denied", "run as root: creating and deleting NVMe controllers needs CAP_SYS_ADMIN"
	}
	switch op {
	case "open":
		return explainOpen(transport, errno)
	case "connect":
		return explainConnect(transport, errno)
	case "disconnect":
		return explainDisconnect(errno)
	}
	return "", dmesgHint
}

func explainOpen(transport string, errno syscall.Errno) (string, string) {
	switch errno {
	case syscall.ENOENT, syscall.ENODEV, syscall.ENXIO:
		hint := "run 'modprobe nvme-fabrics' and the transport's module ('modprobe nvme-rdma' or 'modprobe nvme-tcp')"
		if m := transportModule[transport]; m != "" {
			hint = "run 'modprobe nvme-fabrics' and 'modprobe " + m + "'"
		}
		return "the NVMe over Fabrics host driver is not loaded (no /dev/nvme-fabrics)", hint
	}
	return "", dmesgHint
}

func explainConnect(transport string, errno syscall.Errno) (string, string) {
	switch errno {
	case syscall.EALREADY:
		return "a controller for this subsystem at this address already exists",
			"it is already connected ('gonvme list-subsys' shows it); ask for duplicate_connect to create a second one"
	case syscall.EINVAL:
		return "the kernel rejected the options: one it does not accept for this transport, or this host NQN is already in use with a different host ID (or this host ID with a different host NQN)",
			"look in dmesg for 'invalid parameter', 'unknown parameter' or 'found same hostnqn'; keep /etc/nvme/hostid equal to the UUID in /etc/nvme/hostnqn"
	case syscall.EIO:
		return "the target refused the connect: the subsystem NQN is not offered there, or this host NQN is not in its allowed hosts",
			"check the NQN against the target's discovery log and the host NQN against the subsystem's allowed hosts; dmesg shows the NVMe status ('Connect command failed')"
	case syscall.ECONNRESET, syscall.ECONNREFUSED:
		if transport == "rdma" {
			return "the RDMA connection was refused: nothing listens at that address and port, or the route to it leaves through a NIC without an RDMA device",
				"check traddr and trsvcid (usually 4420), that 'ip route get <traddr>' leaves through an interface listed by 'rdma link show', and pin the source with host_traddr; " + dmesgHint
		}
		return "the connection was refused or reset: nothing listens at that address and port, or the target dropped it",
			"check traddr and trsvcid (tcp: 4420 for I/O, 8009 for discovery) and any firewall; " + dmesgHint
	case syscall.ENETUNREACH, syscall.EHOSTUNREACH:
		return "there is no route to the target address",
			"check the address and 'ip route get <traddr>'; with several interfaces, choose one with host_traddr or host_iface"
	case syscall.ENODEV:
		if transport == "rdma" {
			return "no RDMA device serves the route to that address",
				"check 'rdma link show' for a device on the interface that reaches the target (soft-RoCE: 'rdma link add rxe0 type rxe netdev <nic>'), or pin the source with host_traddr"
		}
		return "the transport found no device for that address", dmesgHint
	case syscall.ETIMEDOUT:
		return "the target did not answer in time (address resolution, route resolution or the connect timed out)",
			"check that the target is up and reachable (ping it) and that no firewall drops the traffic"
	case syscall.ENOMEM:
		return "the option string is longer than the kernel accepts (one page), or the kernel is out of memory", dmesgHint
	case syscall.EADDRINUSE:
		return "the kernel refused the host identity: the host NQN was given twice or is bound to another host ID",
			"keep /etc/nvme/hostid equal to the UUID in /etc/nvme/hostnqn; " + dmesgHint
	case syscall.EADDRNOTAVAIL:
		return "the local address (host_traddr) is not configured on this host", "use an address shown by 'ip address'"
	case syscall.EOPNOTSUPP:
		return "the kernel does not support a requested feature for this transport", dmesgHint
	case syscall.EINTR:
		return "the connect was interrupted (a signal such as Ctrl-C) while the kernel set it up, and the kernel undid it: nothing was connected",
			"run the command again to connect"
	case ErrnoKeyRejected:
		return "DH-HMAC-CHAP authentication failed: the target rejected the host key (dhchap_secret), or the controller failed to prove the controller key (dhchap_ctrl_secret)",
			"use the keys the target holds for this host NQN; " + dmesgHint + " ('controller authentication failed' means the controller key)"
	case ErrnoNoKey:
		return "a key the connect needs is not there: with tls, no TLS PSK for this host and subsystem is in the keyring; without, the target requires DH-HMAC-CHAP authentication and no host key was given",
			"insert the PSK (gonvme check-tls-key --insert), or give the host key (dhchap_secret) the target holds for this host NQN"
	}
	return "", dmesgHint
}

func explainDisconnect(errno syscall.Errno) (string, string) {
	switch errno {
	case syscall.ENOENT:
		return "no such fabrics controller", "'gonvme list-subsys' lists the connected controllers"
	case syscall.EBUSY:
		return "the controller is already being deleted or reset", "wait a moment and check 'gonvme list-subsys'"
	}
	return "", dmesgHint
}
