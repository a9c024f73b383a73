#!/bin/sh
# /init of the gonvme test guest (busybox sh). Installed by prepare.sh.
#
# Sets up: proc, sysfs, devtmpfs, configfs, tmpfs; NVMe-oF host+target modules;
# lo (127.0.0.1, for NVMe/TCP), veth0/veth1 with 169.254.99.1/16 on veth0 and
# soft-RoCE device rxe0 on veth0 (for NVMe/RDMA); /etc/nvme/hostnqn+hostid.
# Then runs the payload (/payload/run, or gonvme.run=PATH on the kernel command
# line) with its output on the console, sends /out (if not empty) as a base64
# tar.gz over the second serial port, prints GONVME-VM-EXIT=<rc> and powers off.
export PATH=/payload:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TMPDIR=/tmp TERM=dumb GONVME_VM=1
# Which kernel of the matrix this is and the suite's own nvme-cli
# (GONVME_E2E_KERNEL, GONVME_E2E_SUITE_NVME, GONVME_E2E_SUITE_NVME_VERSION).
set -a
. /etc/gonvme-vm/env
set +a

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=755 tmpfs /run
mount -t configfs configfs /sys/kernel/config 2>/dev/null ||
	{ modprobe configfs && mount -t configfs configfs /sys/kernel/config; }
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
chown 1000:1000 /home/tester
hostname gonvme-vm
echo "GONVME-VM-INIT uptime=$(cut -d' ' -f1 /proc/uptime)"

fail() {
	echo "init: $*"
	echo "GONVME-VM-EXIT=125"
	poweroff -f
	sleep 5
}

arg() { # arg NAME: value of NAME=... on the kernel command line
	for w in $(cat /proc/cmdline); do
		case $w in "$1"=*) echo "${w#*=}" ;; esac
	done
}

# Modules (plain modprobe, so tests may modprobe -r host transports later).
modprobe null_blk nr_devices=0 || fail "null_blk"
for m in $(cat /etc/gonvme-vm/crc-modules) nvme-fabrics nvme-tcp nvme-rdma nvmet nvmet-tcp nvmet-rdma rdma_rxe ib_uverbs veth; do
	modprobe "$m" || fail "modprobe $m"
done

# Network: no NIC in the guest; everything is local. Full paths: busybox sh
# prefers its own applets (busybox ip cannot create veth) over PATH.
/usr/sbin/ip link set lo up
/usr/sbin/ip link add veth0 type veth peer name veth1 || fail "veth"
/usr/sbin/ip addr add 169.254.99.1/16 dev veth0
/usr/sbin/ip link set veth0 up
/usr/sbin/ip link set veth1 up
rdma link add rxe0 type rxe netdev veth0 || fail "rdma link add rxe0"

# Host identity (fixed; hostid = uuid inside hostnqn).
HOSTID=$(arg gonvme.hostid)
: "${HOSTID:=a1e0c3d2-5b6f-4e7a-8c9d-0123456789ab}"
mkdir -p /etc/nvme
echo "nqn.2014-08.org.nvmexpress:uuid:$HOSTID" >/etc/nvme/hostnqn
echo "$HOSTID" >/etc/nvme/hostid

echo "GONVME-VM-READY uptime=$(cut -d' ' -f1 /proc/uptime)"

RUN=$(arg gonvme.run)
: "${RUN:=/payload/run}"
rc=0
if [ -e "$RUN" ]; then
	cd /payload 2>/dev/null || cd /
	sh "$RUN" </dev/null
	rc=$?
	cd /
elif [ "$(arg gonvme.shell)" = 1 ]; then
	setsid cttyhack sh
else
	echo "init: no payload ($RUN)"
	rc=126
fi
sync

# Files out: anything under /out goes to the host through ttyS1.
if [ -n "$(ls -A /out 2>/dev/null)" ] && [ -e /dev/ttyS1 ]; then
	stty -F /dev/ttyS1 raw -echo 2>/dev/null
	{
		echo "GONVME-OUT-BEGIN"
		tar -C /out -czf - . | base64
		echo "GONVME-OUT-END"
	} >/dev/ttyS1
fi
echo "GONVME-VM-DONE uptime=$(cut -d' ' -f1 /proc/uptime)"
echo "GONVME-VM-EXIT=$rc"
poweroff -f
sleep 5
