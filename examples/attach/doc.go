// Command attach is an example consumer of the gonvme library, as a CSI
// node plugin would use it: it attaches the volume (subsystem) named by
// -n through a discovery controller (-a, or those configured in
// /etc/nvme/discovery.conf and config.json), waits until its namespaces have
// devices and prints their paths; with -detach it detaches the volume
// again, refusing while a namespace is in use.
//
//	attach -n NQN [-t tcp -a 127.0.0.1 -s 8009] [-count N] [-timeout 30s]
//	attach -n NQN -detach
//
// It is a separate module that imports only gonvme's public packages.
package main
