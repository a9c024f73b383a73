package fabrics

import "syscall"

// Linux's EKEYREJECTED and ENOKEY, which failed DH-HMAC-CHAP connects
// return; package syscall lacks them on other systems.
const (
	ErrnoKeyRejected = syscall.Errno(129)
	ErrnoNoKey       = syscall.Errno(126)
)
