// Package netroute asks the kernel which way it sends packets to an
// address: its own route decision over netlink (RTM_GETROUTE, IPv4 and
// IPv6, policy routing included), and the host's interfaces with their
// address prefixes, so that callers can tell which interface and source
// address a connection would use and which interfaces share a subnet.
package netroute
