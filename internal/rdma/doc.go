// Package rdma reads the host's RDMA devices from sysfs: each device under
// /sys/class/infiniband, its ports with state, physical state and link
// layer, the network interfaces behind them and their GID tables with RoCE
// types, the facts ibdev2netdev and show_gids print. It needs no root and
// reads through one hostfs root. The ports' active and maximum MTU, which
// sysfs does not show, come from the kernel's uverbs device (ReadMTUs,
// QueryPorts: the legacy write() commands GET_CONTEXT and QUERY_PORT).
package rdma
