package fabrics

import (
	"errors"
	"fmt"
	"syscall"
	"testing"
)

func TestKernelErrorClasses(t *testing.T) {
	cases := []struct {
		op    string
		errno syscall.Errno
		want  error
	}{
		{"connect", syscall.EALREADY, ErrAlreadyConnected},
		{"connect", syscall.ECONNREFUSED, ErrNothingListening},
		{"connect", syscall.ECONNRESET, ErrNothingListening},
		{"connect", syscall.ENETUNREACH, ErrNoRoute},
		{"connect", syscall.ETIMEDOUT, ErrTimeout},
		{"connect", syscall.EIO, ErrRefused},
		{"connect", ErrnoKeyRejected, ErrAuthFailed},
		{"connect", ErrnoNoKey, ErrNoKey},
		{"connect", syscall.EACCES, ErrPermission},
		{"open", syscall.ENOENT, ErrModuleNotLoaded},
		{"open", syscall.EPERM, ErrPermission},
		{"disconnect", syscall.ENOENT, ErrNoController},
	}
	all := []error{ErrAlreadyConnected, ErrPermission, ErrModuleNotLoaded, ErrNothingListening, ErrNoRoute,
		ErrTimeout, ErrRefused, ErrAuthFailed, ErrNoKey, ErrNoController}
	for _, c := range cases {
		err := fmt.Errorf("wrapped: %w", newKernelError(c.op, DevicePath, "tcp", c.errno))
		for _, class := range all {
			if got := errors.Is(err, class); got != (class == c.want) {
				t.Errorf("%s %v: errors.Is(%v) = %v", c.op, c.errno, class, got)
			}
		}
		if !errors.Is(err, c.errno) {
			t.Errorf("%s %v: errno lost", c.op, c.errno)
		}
	}
	if errors.Is(newKernelError("disconnect", "x", "", syscall.EIO), ErrRefused) {
		t.Error("a disconnect EIO is not a refused connect")
	}
}
