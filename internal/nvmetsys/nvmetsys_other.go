//go:build !linux

package nvmetsys

import "errors"

var errNotLinux = errors.New("the NVMe target is a Linux kernel feature")

func mountConfigfs() error { return errNotLinux }

func modprobe(string) error { return errNotLinux }

func checkNotHeld(string) error { return errNotLinux }
