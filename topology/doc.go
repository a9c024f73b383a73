// Package topology reads the host's NVMe topology — controllers, subsystems,
// namespaces and per-path namespaces — from /sys/class/nvme and
// /sys/class/nvme-subsystem, through a hostfs.FS so tests can point it at a
// captured tree.
//
// Every attribute is optional: older kernels lack some (cntlid, hostid,
// dctype, src_addr …) and a controller can vanish while it is being read.
// A missing attribute leaves its field empty; a controller whose directory
// disappeared mid-scan is left out.
//
// Scan reads the whole topology; ScanView reads only the part one command
// needs (a View: what matching paths needs, what list-subsys prints, what
// list shows), because at hundreds of subsystems sysfs reads are most of a
// command's time. On Linux attributes are read relative to open
// directories and listed with getdents64 (attr_linux.go); elsewhere
// through hostfs.
//
// An Index built from a Topology answers the question connect-all asks
// before every connect: is this path already connected?
package topology
