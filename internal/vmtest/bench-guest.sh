#!/bin/sh
# bench-guest.sh N ROUNDS [REPEAT [REPEAT_SLOW]] — the guest half of `make bench` (see bench.sh):
# builds N subsystems with one namespace each on one soft-RoCE port, then a
# warm-up round (0) and ROUNDS rounds, each interleaving nvme-cli, gonvme and
# the bare-kernel baselines (kbench). Every command runs under
# `kbench time` (guest clock, child's peak RSS); records go to
# /out/results-N.txt, the table to /out/table-N.md and the console;
# `kbench phases` (gonvme's steps timed in one process) to /out/phases-N.txt.
set -u
N=$1 ROUNDS=$2
# Per round: list, list -o json, list-subsys and version run REPEAT times,
# connect-all (everything connected) and discover REPEAT_SLOW times.
REPEAT=${3:-5} REPEAT_SLOW=${4:-3}
R=/out/results-$N.txt
E=/out/stderr-$N.txt
OPTS=/out/optstrings-$N.txt
A="-t rdma -a 169.254.99.1 -s 4420"
mkdir -p /out
: >"$R"

T() { # T ROUND:TOOL:CMD CMD ARGS… — time one command, output discarded
	label=$1; shift
	echo "== $label: $*" >>"$E"
	kbench time -o "$R" -l "$label" -- "$@" >/dev/null 2>>"$E"
}
ctrls() { ls /sys/class/nvme 2>/dev/null | wc -l; }
expect() { # expect COUNT WHAT
	c=$(ctrls)
	[ "$c" -eq "$1" ] || { echo "bench: after $2: $c controllers, want $1" | tee -a "$E"; }
}

vmtarget setup --rdma 169.254.99.1:4420 --subsystems "$N" --namespaces 1 \
	--nqn-prefix nqn.2026-11.io.gonvme:bench >/dev/null || { echo "bench: vmtarget setup failed"; exit 1; }

# The option strings gonvme's connect-all writes (gonvme's own code, with a
# kernel that records the I/O connects instead of making them).
kbench optstrings $A >"$OPTS" || exit 1
[ "$(wc -l <"$OPTS")" -eq "$N" ] || { echo "bench: $(wc -l <"$OPTS") option strings, want $N"; exit 1; }
expect 0 "optstrings"

{
	echo "meta N $N"
	echo "meta kernel $(uname -r)"
	echo "meta cpus $(grep -c ^processor /proc/cpuinfo) vCPUs (TCG)"
	echo "meta nvmecli $(nvme version | head -n1 | sed 's/^nvme version //')"
	echo "meta date $(date -u +%Y-%m-%d)"
	echo "meta gonvme_size $(wc -c </payload/gonvme)"
	echo "meta nvmecli_size $(wc -c </usr/sbin/nvme) bytes (+ shared libnvme, libc, libjson-c)"
} >>"$R"

# One round. The connect method that starts each of the three
# connect/disconnect slots rotates with the round; the disconnect of a slot is
# fixed (slot 1 nvme-cli, 2 gonvme, 3 kernel).
round() {
	r=$1
	for slot in 0 1 2; do
		case $(((slot + r) % 3)) in
		0) T "$r:nvme:connect-all" nvme connect-all $A ;;
		1) T "$r:gonvme:connect-all" gonvme connect-all $A ;;
		2) T "$r:kernel:connect-all" kbench connect-serial "$OPTS" ;;
		esac
		expect "$N" "round $r slot $slot connect"
		if [ "$slot" = 0 ]; then
			# Measurements that need all N connected.
			# The short commands run several times (nvme-cli and gonvme
			# alternating) so that their medians rest on more samples.
			k=0
			while [ "$k" -lt "$REPEAT" ]; do
				if [ "$k" -lt "$REPEAT_SLOW" ]; then
					T "$r:nvme:connect-all-again" nvme connect-all $A
					T "$r:gonvme:connect-all-again" gonvme connect-all $A
					T "$r:nvme:discover" nvme discover $A
					T "$r:gonvme:discover" gonvme discover $A
				fi
				T "$r:nvme:list" nvme list
				T "$r:gonvme:list" gonvme list
				T "$r:nvme:list-json" nvme list -o json
				T "$r:gonvme:list-json" gonvme list -o json
				T "$r:nvme:list-subsys" nvme list-subsys
				T "$r:gonvme:list-subsys" gonvme list-subsys
				T "$r:nvme:startup" nvme version
				T "$r:gonvme:startup" gonvme version
				k=$((k + 1))
			done
			expect "$N" "round $r discover"
		fi
		case $slot in
		0) T "$r:nvme:disconnect-all" nvme disconnect-all ;;
		1) T "$r:gonvme:disconnect-all" gonvme disconnect-all ;;
		2) T "$r:kernel:disconnect-all" kbench delete-concurrent ;;
		esac
		expect 0 "round $r slot $slot disconnect"
	done
	echo "bench: N=$N round $r done ($(date -u +%T))"
}

i=0
while [ "$i" -le "$ROUNDS" ]; do
	round "$i"
	i=$((i + 1))
done
# Where gonvme's time goes, step by step in one process, with N connected.
gonvme connect-all $A >/dev/null 2>>"$E"
kbench phases rdma 169.254.99.1 4420 >"/out/phases-$N.txt" 2>&1
gonvme disconnect-all >/dev/null 2>>"$E"
kbench report "$R" | tee "/out/table-$N.md"
