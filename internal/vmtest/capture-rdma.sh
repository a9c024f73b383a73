#!/bin/sh
# capture-rdma.sh DIR — guest side: the RDMA and route fixtures of
# internal/rdma and internal/netroute (testdata/kernel/<ver>/rdma): sysfs of
# the RDMA devices and network interfaces, and the kernel's raw netlink
# route answers: the target address (local), no route, and seed 003's
# trap (a second interface without RDMA in veth0's subnet, the route to the
# target through it by a policy rule); the raw uverbs QUERY_PORT answers of
# rxe0 (veth0 at MTU 1500 and 9000, with ibv_devinfo's view) and, where the
# guest has siw.ko, soft-iWARP siw0 on veth1 (siw/: its sysfs).
set -eu
O=$1
IP=/usr/sbin/ip
mkdir -p "$O/route"
SKIP=power,queues,statistics,hw_counters,counters,pkeys
vmtarget snapshot-sysfs --depth 5 --skip $SKIP --out "$O/sys" 'class/infiniband/*' 'class/net/*' 'class/infiniband_verbs/*' >/dev/null
vmtarget query-port --out "$O/uverbs" rxe0
ibv_devinfo -d rxe0 >"$O/uverbs/ibv_devinfo-rxe0.txt"
$IP link set veth0 mtu 9000
vmtarget query-port --out "$O/uverbs/mtu9000" rxe0
ibv_devinfo -d rxe0 >"$O/uverbs/mtu9000/ibv_devinfo-rxe0.txt"
$IP link set veth0 mtu 1500
if modprobe siw 2>/dev/null; then
	$IP addr add 10.254.99.1/24 dev veth1
	rdma link add siw0 type siw netdev veth1
	vmtarget snapshot-sysfs --depth 5 --skip $SKIP --out "$O/siw/sys" 'class/infiniband/*' 'class/net/*' 'class/infiniband_verbs/*' >/dev/null
	vmtarget query-port --out "$O/uverbs" siw0
	ibv_devinfo -d siw0 >"$O/uverbs/ibv_devinfo-siw0.txt"
	rdma link delete siw0
	$IP addr del 10.254.99.1/24 dev veth1
fi
vmtarget route-get --out "$O/route/local-169.254.99.1.bin" 169.254.99.1
vmtarget route-get --out "$O/route/loopback-127.0.0.1.bin" 127.0.0.1
vmtarget route-get --out "$O/route/unreachable-10.1.2.3.bin" 10.1.2.3 || true
vmtarget route-get --out "$O/route/unreachable-2001-db8--1.bin" 2001:db8::1 || true
vmtarget route-get --out "$O/route/local6-1.bin" ::1
$IP link add veth2 type veth peer name veth3
$IP addr add 169.254.99.7/16 dev veth2
$IP link set veth2 up
$IP link set veth3 up
$IP rule add pref 10 to 169.254.99.1 iif lo lookup 100
$IP route add 169.254.99.1 dev veth2 src 169.254.99.7 table 100
$IP rule del pref 0
$IP rule add pref 20 lookup local
vmtarget route-get --out "$O/route/seed003-169.254.99.1.bin" 169.254.99.1
vmtarget route-get --out "$O/route/seed003-from-169.254.99.1.bin" --src 169.254.99.1 169.254.99.1
$IP -o addr show >"$O/route/seed003-ip-addr.txt"
$IP route get 169.254.99.1 >"$O/route/seed003-ip-route-get.txt"
$IP addr del 169.254.99.7/16 dev veth2
$IP link del veth2
$IP rule del pref 20
$IP rule add pref 0 lookup local
$IP rule del pref 10
