// Package uevent reads the kernel's device events (kobject uevents) from
// the netlink NETLINK_KOBJECT_UEVENT socket and parses them: the action,
// the device path and the environment the kernel sends, such as the
// NVME_AEN and NVME_EVENT variables of the NVMe core.
//
// Parse is pure and tested against messages in the kernel's wire format;
// the socket is in listen_linux.go.
package uevent
