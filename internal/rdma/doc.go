// Package rdma reads the host's RDMA devices from sysfs: each device under
// /sys/class/infiniband, its ports with state, physical state and link
// layer, the network interfaces behind them and their GID tables with RoCE
// types, the facts ibdev2netdev and show_gids print. It needs no root and
// reads through one hostfs root.
package rdma
