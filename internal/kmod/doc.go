// Package kmod loads kernel modules by running the system's modprobe, as
// the kernel's own request_module does.
package kmod
