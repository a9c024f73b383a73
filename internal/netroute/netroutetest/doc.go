// Package netroutetest serves tests the network of the 6.1 test guest as
// internal/vmtest/capture-rdma.sh captured it: its interfaces and the
// kernel's netlink answers to route queries.
package netroutetest
