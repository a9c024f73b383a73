// Package ioctl sends NVMe admin commands to a controller's character device
// (/dev/nvmeN) through the Linux admin passthrough ioctl, and decodes the
// Identify data structures gonvme needs.
//
// Everything above the system call goes through the small Admin interface,
// so the command encoding (Get Log Page, Identify) and the decoders are pure
// and tested against an in-memory fake; only Device, from Open, talks to the
// kernel. On operating systems other than Linux, Open fails with an error
// matching errors.ErrUnsupported.
//
// An NVMe status returned by the controller is a *StatusError; a failed
// system call is returned wrapped, so errors.Is(err, os.ErrPermission) and
// friends work.
package ioctl
