package fabrics

import (
	"errors"
	"syscall"
)

// Classes of failure that a *KernelError matches with errors.Is, so that
// callers branch on what went wrong rather than on errno values. The
// explanation (KernelError.Meaning and Hint) stays available as text.
var (
	// ErrAlreadyConnected: a controller for this subsystem, address and
	// host exists (EALREADY).
	ErrAlreadyConnected = errors.New("already connected")
	// ErrPermission: the caller lacks CAP_SYS_ADMIN (EACCES, EPERM).
	ErrPermission = errors.New("permission denied")
	// ErrModuleNotLoaded: nvme-fabrics or the transport's host driver is
	// not loaded (no /dev/nvme-fabrics, or no handler for the transport).
	ErrModuleNotLoaded = errors.New("NVMe over Fabrics host driver not loaded")
	// ErrNothingListening: the connection was refused or reset, as when
	// nothing listens at the address and port (ECONNREFUSED, ECONNRESET).
	ErrNothingListening = errors.New("nothing listening at that address and port")
	// ErrNoRoute: no route to the target address (ENETUNREACH,
	// EHOSTUNREACH, or ENODEV from the RDMA transport).
	ErrNoRoute = errors.New("no route to the target")
	// ErrTimeout: the target did not answer in time (ETIMEDOUT).
	ErrTimeout = errors.New("target did not answer in time")
	// ErrRefused: the target refused the Connect command (EIO): the NQN
	// is not offered there or the host is not allowed. With the kernel
	// log at hand nvmf tells the two apart (ErrNotOffered,
	// ErrHostNotAllowed).
	ErrRefused = errors.New("target refused the connect")
	// ErrAuthFailed: DH-HMAC-CHAP or TLS authentication failed
	// (EKEYREJECTED).
	ErrAuthFailed = errors.New("authentication failed")
	// ErrNoKey: a key the connect needs is missing (ENOKEY).
	ErrNoKey = errors.New("key missing")
	// ErrNoController: no such fabrics controller (disconnect ENOENT).
	ErrNoController = errors.New("no such controller")
)

// Is matches e against the failure classes above, besides its Errno
// (through Unwrap).
func (e *KernelError) Is(target error) bool {
	return target != nil && errnoClass(e.Op, e.Errno) == target
}

func errnoClass(op string, errno syscall.Errno) error {
	switch errno {
	case syscall.EACCES, syscall.EPERM:
		return ErrPermission
	}
	switch op {
	case "open":
		switch errno {
		case syscall.ENOENT, syscall.ENODEV, syscall.ENXIO:
			return ErrModuleNotLoaded
		}
	case "disconnect":
		if errno == syscall.ENOENT {
			return ErrNoController
		}
	case "connect":
		switch errno {
		case syscall.EALREADY:
			return ErrAlreadyConnected
		case syscall.ECONNREFUSED, syscall.ECONNRESET:
			return ErrNothingListening
		case syscall.ENETUNREACH, syscall.EHOSTUNREACH, syscall.ENODEV:
			return ErrNoRoute
		case syscall.ETIMEDOUT:
			return ErrTimeout
		case syscall.EIO:
			return ErrRefused
		case ErrnoKeyRejected:
			return ErrAuthFailed
		case ErrnoNoKey:
			return ErrNoKey
		}
	}
	return nil
}
