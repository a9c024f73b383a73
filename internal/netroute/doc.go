// Package netroute answers the two questions behind most RDMA connect
// failures: which network interface does the route to an address leave
// through, and does that interface have an RDMA device? It reads the IPv4
// routing table from /proc/net/route and RDMA devices' GID tables from
// /sys/class/infiniband, both through one hostfs root.
package netroute
