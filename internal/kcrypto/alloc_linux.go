package kcrypto

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Allocate asks the kernel to allocate the algorithm name of type typ
// ("aead") through an AF_ALG socket, the lookup kernel TLS makes for its
// cipher: the kernel loads the modules that provide it (crypto-NAME
// aliases, and the template's module) as it would then. It returns nil when
// the kernel has the algorithm. ENOENT means the kernel has no such
// algorithm, or no AF_ALG interface for typ (algif_aead for "aead") loaded;
// EAFNOSUPPORT means no AF_ALG at all (CONFIG_CRYPTO_USER_API).
func Allocate(name, typ string) error {
	fd, err := unix.Socket(unix.AF_ALG, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("AF_ALG socket: %w", err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrALG{Type: typ, Name: name}); err != nil {
		return fmt.Errorf("AF_ALG %s %s: %w", typ, name, err)
	}
	return nil
}
