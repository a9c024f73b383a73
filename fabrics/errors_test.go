package fabrics

import (
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
)

func TestExplain(t *testing.T) {
	cases := []struct {
		op, transport string
		errno         syscall.Errno
		meaning       string // a phrase the meaning must contain
		hint          string // a phrase the hint must contain
	}{
		{"open", "rdma", syscall.ENOENT, "not loaded", "modprobe nvme-rdma"},
		{"open", "tcp", syscall.ENOENT, "not loaded", "modprobe nvme-tcp"},
		{"open", "", syscall.ENOENT, "not loaded", "modprobe nvme-fabrics"},
		{"open", "rdma", syscall.ENODEV, "not loaded", "modprobe nvme-fabrics"},
		{"open", "tcp", syscall.EACCES, "permission denied", "root"},
		{"open", "tcp", syscall.EPERM, "permission denied", "root"},
		{"connect", "rdma", syscall.EALREADY, "already exists", "duplicate_connect"},
		{"connect", "rdma", syscall.EINVAL, "different host ID", "dmesg"},
		{"connect", "rdma", syscall.EIO, "allowed hosts", "discovery log"},
		{"connect", "rdma", syscall.ECONNRESET, "without an RDMA device", "rdma link show"},
		{"connect", "rdma", syscall.ECONNREFUSED, "nothing listens", "host_traddr"},
		{"connect", "tcp", syscall.ECONNREFUSED, "nothing listens", "8009"},
		{"connect", "tcp", syscall.ECONNRESET, "reset", "firewall"},
		{"connect", "rdma", syscall.ENETUNREACH, "no route", "ip route get"},
		{"connect", "tcp", syscall.EHOSTUNREACH, "no route", "ip route get"},
		{"connect", "rdma", syscall.ENODEV, "no RDMA device", "rdma link show"},
		{"connect", "fc", syscall.ENODEV, "no device", "dmesg"},
		{"connect", "rdma", syscall.ETIMEDOUT, "did not answer in time", "reachable"},
		{"connect", "tcp", syscall.ENOENT, "", "dmesg"},
		{"connect", "rdma", syscall.EACCES, "permission denied", "root"},
		{"connect", "rdma", syscall.EPERM, "permission denied", "root"},
		{"connect", "tcp", syscall.ENOMEM, "one page", "dmesg"},
		{"connect", "tcp", syscall.EADDRINUSE, "host identity", "hostid"},
		{"connect", "tcp", syscall.EADDRNOTAVAIL, "host_traddr", "ip address"},
		{"connect", "rdma", syscall.EINTR, "nothing was connected", "run the command again"},
		{"connect", "tcp", syscall.EOPNOTSUPP, "does not support", "dmesg"},
		{"connect", "tcp", syscall.E2BIG, "", "dmesg"},
		{"disconnect", "", syscall.ENOENT, "no such fabrics controller", "list-subsys"},
		{"disconnect", "", syscall.EBUSY, "already being deleted", "list-subsys"},
		{"disconnect", "", syscall.EACCES, "permission denied", "root"},
		{"probe", "", syscall.EIO, "", "dmesg"},
	}
	for _, c := range cases {
		meaning, hint := Explain(c.op, c.transport, c.errno)
		if c.meaning == "" && meaning != "" {
			t.Errorf("Explain(%s, %s, %v) meaning = %q, want none", c.op, c.transport, c.errno, meaning)
		}
		if !strings.Contains(meaning, c.meaning) {
			t.Errorf("Explain(%s, %s, %v) meaning = %q, want it to mention %q", c.op, c.transport, c.errno, meaning, c.meaning)
		}
		if !strings.Contains(hint, c.hint) {
			t.Errorf("Explain(%s, %s, %v) hint = %q, want it to mention %q", c.op, c.transport, c.errno, hint, c.hint)
		}
	}
}

func TestKernelError(t *testing.T) {
	err := error(newKernelError("connect", DevicePath, "rdma", syscall.EIO))
	err.(*KernelError).Target = "rdma 169.254.99.1:4420 " + testNQN
	want := "connect rdma 169.254.99.1:4420 nqn.2026-11.io.gonvme:test1: /dev/nvme-fabrics: input/output error (EIO): " +
		"the target refused the connect: the subsystem NQN is not offered there, or this host NQN is not in its allowed hosts; " +
		"check the NQN against the target's discovery log and the host NQN against the subsystem's allowed hosts; " +
		"dmesg shows the NVMe status ('Connect command failed')"
	if err.Error() != want {
		t.Errorf("Error()\n got: %s\nwant: %s", err, want)
	}
	if !errors.Is(err, syscall.EIO) || errors.Is(err, syscall.EINVAL) {
		t.Errorf("%v: errors.Is does not follow Errno", err)
	}
	if !errors.Is(newKernelError("open", DevicePath, "", syscall.EACCES), os.ErrPermission) {
		t.Error("EACCES does not match os.ErrPermission")
	}
	if !errors.Is(newKernelError("open", DevicePath, "", syscall.ENOENT), os.ErrNotExist) {
		t.Error("ENOENT does not match os.ErrNotExist")
	}
}

func TestAuthErrnos(t *testing.T) {
	for errno, name := range map[syscall.Errno]string{ErrnoKeyRejected: "EKEYREJECTED", ErrnoNoKey: "ENOKEY"} {
		if errnoNames[errno] != name {
			t.Errorf("errno %d is named %q", int(errno), errnoNames[errno])
		}
		if m, _ := Explain("connect", "tcp", errno); !strings.Contains(m, "DH-HMAC-CHAP") {
			t.Errorf("%s: %q", name, m)
		}
	}
}
