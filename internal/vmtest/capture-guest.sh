#!/bin/sh
# capture-guest.sh — runs INSIDE the test guest (see capture.sh): builds a
# target, connects with nvme-cli over RDMA and TCP, and writes fixtures to /out.
#
# Target: subsystems nqn.2026-11.io.gonvme:test1,test2 (2 namespaces each),
# port 1 rdma 169.254.99.1:4420, port 2 tcp 127.0.0.1:4420, both serving both
# subsystems; port 1 refers to port 2 and port 2 to port 1.
# Host state captured: test1+test2 over rdma and tcp (4 I/O controllers, 2
# paths per subsystem) plus one persistent discovery controller over tcp.
set -u
O=/out
C=$O/nvme-cli
mkdir -p "$O/sys" "$O/discovery" "$O/identify" "$C" "$O/etc/nvme"
P=nqn.2026-11.io.gonvme:test
RDMA="-t rdma -a 169.254.99.1 -s 4420"
TCP="-t tcp -a 127.0.0.1 -s 4420"

# cap FILE CMD…: stdout to nvme-cli/FILE, stderr to FILE.stderr (kept when
# not empty), exit status and command line recorded in nvme-cli/commands.tsv.
cap() {
	f=$1
	shift
	"$@" >"$C/$f" 2>"$C/$f.stderr"
	rc=$?
	[ -s "$C/$f.stderr" ] || rm -f "$C/$f.stderr"
	printf '%s\t%s\t%s\n' "$f" "$rc" "$*" >>"$C/commands.tsv"
	echo "capture: $f rc=$rc"
	return 0
}

# Before any write to /dev/nvme-fabrics: the kernel's option table.
cat /dev/nvme-fabrics >"$C/supported-options.txt"
uname -r >"$O/kernel-version"
cat /proc/version >"$O/proc-version"
cp /etc/nvme/hostnqn /etc/nvme/hostid "$O/etc/nvme/"

vmtarget setup --rdma 169.254.99.1:4420 --tcp 127.0.0.1:4420 \
	--subsystems 2 --namespaces 2 --nqn-prefix "$P" \
	--referral 1@tcp:127.0.0.1:4420 --referral 2@rdma:169.254.99.1:4420 || exit 1
vmtarget show >"$O/target.txt"

cap version.txt nvme version
# discovery (temporary discovery controllers)
cap discover-rdma.txt nvme discover $RDMA
cap discover-rdma.json nvme discover $RDMA -o json
cap discover-rdma-raw.txt nvme discover $RDMA -r "$O/discovery/rdma-169.254.99.1-4420.bin"
cap discover-tcp.txt nvme discover $TCP
cap discover-tcp.json nvme discover $TCP -o json
cap discover-tcp-raw.txt nvme discover $TCP -r "$O/discovery/tcp-127.0.0.1-4420.bin"

# I/O controllers: nvme0 rdma test1, nvme1 tcp test1, nvme2 rdma test2, nvme3 tcp test2
cap connect-rdma-test1.txt nvme connect $RDMA -n ${P}1
cap connect-tcp-test1.txt nvme connect $TCP -n ${P}1
cap connect-rdma-test2.txt nvme connect $RDMA -n ${P}2
cap connect-tcp-test2.txt nvme connect $TCP -n ${P}2
# persistent discovery controller (nvme4)
cap discover-tcp-persistent.txt nvme discover $TCP -p
# error paths, same state afterwards
cap connect-rdma-test1-again.txt nvme connect $RDMA -n ${P}1
cap connect-rdma-unknown-nqn.txt nvme connect $RDMA -n ${P}99
cap connect-tcp-refused.txt nvme connect -t tcp -a 127.0.0.1 -s 4421 -n ${P}1
cap connect-rdma-dup-connect.txt nvme connect $RDMA -n ${P}1 --duplicate-connect
cap connect-all-rdma-again.txt nvme connect-all $RDMA

# Raw option-string writes to /dev/nvme-fabrics (one write each) and what the
# kernel answered: the "instance=…" line read back, or the write error
# (strerror text). Controllers created here are deleted again at once.
HN=$(cat /etc/nvme/hostnqn) HI=$(cat /etc/nvme/hostid)
rawwrite() {
	name=$1 opts=$2
	# after a failed write, a read returns the option table again: keep only the error
	res=$( (exec 3<>/dev/nvme-fabrics && printf '%s' "$opts" | dd bs=4096 count=1 2>&1 >&3 | grep -v records ||
		head -n1 <&3) 2>&1)
	res=${res#dd: error writing \'standard output\': }
	printf '%s\t%s\t%s\n' "$name" "$opts" "$(echo "$res" | tr '\t\n' '  ' | sed 's/ *$//')" >>"$O/fabrics-writes.tsv"
	case $res in instance=*)
		i=${res#instance=}
		echo 1 >/sys/class/nvme/nvme${i%%,*}/delete_controller
		;;
	esac
}
printf 'case\toptions\tresult\n' >"$O/fabrics-writes.tsv"
RA="transport=rdma,traddr=169.254.99.1,trsvcid=4420"
rawwrite already-connected "nqn=${P}1,$RA,hostnqn=$HN,hostid=$HI"
rawwrite hdr-digest-on-rdma "nqn=${P}1,$RA,hostnqn=$HN,hostid=$HI,duplicate_connect,hdr_digest"
rawwrite unknown-nqn "nqn=${P}99,$RA,hostnqn=$HN,hostid=$HI"
rawwrite refused "nqn=${P}1,transport=tcp,traddr=127.0.0.1,trsvcid=4421,hostnqn=$HN,hostid=$HI"
rawwrite tcp-no-traddr "nqn=${P}1,transport=tcp,trsvcid=4420,hostnqn=$HN,hostid=$HI"
rawwrite unknown-option "nqn=${P}1,$RA,hostnqn=$HN,hostid=$HI,no_such_option=1"
rawwrite hostid-mismatch "nqn=${P}1,$RA,hostnqn=$HN,hostid=00000000-0000-4000-8000-000000000000,duplicate_connect"
rawwrite no-route-rdma "nqn=${P}1,transport=rdma,traddr=10.255.255.1,trsvcid=4420,hostnqn=$HN,hostid=$HI"
rawwrite ok-duplicate "nqn=${P}1,$RA,hostnqn=$HN,hostid=$HI,duplicate_connect"
dmesg | grep -E 'nvme|rdma' | tail -n 20 >"$O/dmesg-fabrics-writes.txt"

cap list.txt nvme list
cap list.json nvme list -o json
cap list-verbose.txt nvme list -v
cap list-subsys.txt nvme list-subsys
cap list-subsys.json nvme list-subsys -o json
cap list-subsys-nvme0n1.txt nvme list-subsys /dev/nvme0n1

# identify data, binary
for d in nvme0 nvme1 nvme4; do
	nvme id-ctrl /dev/$d -o binary >"$O/identify/id-ctrl-$d.bin" 2>/dev/null || rm -f "$O/identify/id-ctrl-$d.bin"
done
nvme id-ns /dev/nvme0n1 -o binary >"$O/identify/id-ns-nvme0n1.bin" 2>/dev/null || rm -f "$O/identify/id-ns-nvme0n1.bin"
# discovery log page read through the persistent controller
nvme get-log /dev/nvme4 --log-id=0x70 --log-len=4096 -b >"$O/discovery/get-log-nvme4-4096.bin" 2>/dev/null ||
	rm -f "$O/discovery/get-log-nvme4-4096.bin"

vmtarget snapshot-sysfs --out "$O/sys" \
	'class/nvme/*' 'class/nvme-subsystem/*' 'class/nvme-generic/*' 'class/nvme-fabrics/*' 'block/nvme*'

dmesg | grep -E 'nvme|nvmet|rdma|rxe' >"$O/dmesg.txt"

# teardown on the host side, outputs captured last
# The same read-only commands through the kernel's own suite's nvme-cli
# (nvme-suite: 2.13 on 6.12, 2.16 on 7.x), when it is not 2.3.
if [ "${GONVME_E2E_SUITE_NVME_VERSION:-2.3}" != 2.3 ]; then
	S=$O/nvme-suite
	mkdir -p "$S"
	capsuite() {
		f=$1
		shift
		nvme-suite "$@" >"$S/$f" 2>"$S/$f.stderr"
		rc=$?
		[ -s "$S/$f.stderr" ] || rm -f "$S/$f.stderr"
		printf '%s\t%s\t%s\n' "$f" "$rc" "nvme $*" >>"$S/commands.tsv"
		echo "capture: nvme-suite $f rc=$rc"
	}
	capsuite version.txt version
	capsuite discover-rdma.txt discover $RDMA
	capsuite discover-rdma.json discover $RDMA -o json
	capsuite discover-tcp.txt discover $TCP
	capsuite discover-tcp.json discover $TCP -o json
	capsuite list.txt list
	capsuite list.json list -o json
	capsuite list-verbose.txt list -v
	capsuite list-verbose.json list -v -o json
	capsuite list-subsys.txt list-subsys
	capsuite list-subsys.json list-subsys -o json
	capsuite list-subsys-verbose.txt list-subsys -v
	capsuite list-subsys-verbose.json list-subsys -v -o json
fi

cap disconnect-nqn-test2.txt nvme disconnect -n ${P}2
# kernel refuses a TCP-only option on RDMA (EINVAL, "invalid parameter" in dmesg)
# (accepted: libnvme leaves hdr_digest out for rdma)
cap connect-rdma-hdr-digest.txt nvme connect $RDMA -n ${P}2 --hdr-digest
cap disconnect-device-nvme1.txt nvme disconnect -d nvme1
cap disconnect-all.txt nvme disconnect-all
vmtarget teardown
sh capture-rdma.sh "$O/rdma"
chmod -R a+rX,u+w "$O"
