#!/usr/bin/env bash
# e2e.sh — run the end-to-end suite (internal/e2e) inside the test guest on
# each kernel of the matrix and print, per kernel, the package versions, the
# result and the wall time, then a closing line "e2e: N passed, N failed"
# summed over the kernels. Needs bin/gonvme and bin/e2e.test (make
# guest-bins). Exit status: non-zero if any test failed or a guest did not
# finish. A kernel's suite that its guest's NVMe target ended by oopsing
# (internal/vmtest/oops) runs once more, and its line and the table say so.
#   KERNEL="6.1 6.12 7.x"   kernels to run (default all three)
#   GONVME_E2E_JOBS=N       guests at once (default 2, each with 1 vCPU: faster
#                           here than one 2-vCPU guest at a time); 1: one at a
#                           time with 2 vCPUs, its log streamed
#   GONVME_E2E_SMP=N        vCPUs per guest instead
#   GONVME_E2E_RUN=REGEXP   only these tests
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
CACHE=${GONVME_VM_CACHE:-$HOME/.cache/gonvme-vm}
KERNELS=${KERNEL:-6.1 6.12 7.x}
JOBS=${GONVME_E2E_JOBS:-2}
LOGS=$(mktemp -d "${TMPDIR:-/tmp}/gonvme-e2e.XXXXXX")
trap 'rm -rf "$LOGS"' EXIT
for k in $KERNELS; do : >"$LOGS/$k.log"; done

args=(./e2e.test -test.v -test.timeout 20m)
[ -n "${GONVME_E2E_RUN:-}" ] && args+=(-test.run "$GONVME_E2E_RUN")
smp=${GONVME_E2E_SMP:-2}
[ "$JOBS" -gt 1 ] && smp=${GONVME_E2E_SMP:-1}

# Resolve and build every kernel's guest first (one at a time: prepare.sh
# holds the cache lock), so that the timed runs are the suite alone.
for k in $KERNELS; do
	bash "$HERE/prepare.sh" "$k" || { echo "e2e: preparing kernel $k failed"; echo "e2e: 0 passed, 1 failed"; exit 1; }
done

run_one() { # run_one KERNEL: the suite on one kernel; log and summary in $LOGS
	# A suite the guest's own NVMe target ended by oopsing (the e2e binary
	# exits with GONVME-E2E-TARGET-OOPS) runs once more; the summary says so
	# and counts the last run only.
	local k=$1 start rc try from
	start=$(date +%s)
	for try in 1 2; do
		from=$(($(wc -l <"$LOGS/$k.log") + 1))
		echo "$from" >"$LOGS/$k.from"
		GONVME_VM_NO_PREPARE=1 bash "$HERE/run.sh" --kernel "$k" --smp "$smp" --timeout 1500 \
			--file "$TOP/bin/gonvme" --file "$TOP/bin/e2e.test" --file "$TOP/bin/attach" -- "${args[@]}" >>"$LOGS/$k.log" 2>&1
		rc=$?
		[ "$try" = 1 ] && tail -n +"$from" "$LOGS/$k.log" | grep -q '^GONVME-E2E-TARGET-OOPS' || break
		echo "e2e[$k]: the guest's NVMe target oopsed (a kernel bug in the test's target, not in gonvme's path); running the suite on $k once more" >>"$LOGS/$k.log"
	done
	echo "$rc $(($(date +%s) - start))" >"$LOGS/$k.rc"
}

summary() { # summary KERNEL: the per-kernel line; adds to the totals
	local k=$1 rc wall p f reboots from again=""
	read -r rc wall <"$LOGS/$k.rc"
	read -r from <"$LOGS/$k.from"
	p=$(tail -n +"$from" "$LOGS/$k.log" | grep -cE '^\s*--- PASS')
	f=$(tail -n +"$from" "$LOGS/$k.log" | grep -cE '^\s*--- FAIL')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	# shellcheck disable=SC1090
	. "$CACHE/matrix/$k.env"
	reboots=$(grep -c 'panicked before the guest command started' "$LOGS/$k.log")
	if [ "$from" -gt 1 ]; then
		again=", run again after the target oopsed: $(sed -n 's/^GONVME-E2E-TARGET-OOPS: the guest.s NVMe target oopsed: //p' "$LOGS/$k.log" | head -n1)"
	fi
	echo "e2e[$k]: $p passed, $f failed in ${wall}s wall; kernel $KVER ($KPKGS), nvme-cli 2.3 and $SUITE_NVME_VERSION (nvme-suite), $smp vCPU$([ "$reboots" = 0 ] || echo ", booted again after $reboots early panic(s)")$again" >>"$LOGS/summary"
	result=pass
	[ "$rc" -eq 0 ] && [ "$f" -eq 0 ] || result=FAIL
	[ -z "$again" ] || result="$result (run again: the target oopsed)"
	echo "| $k | $KVER | 2.3, $SUITE_NVME_VERSION | $p | $f | $result |" >>"$LOGS/table"
	passed=$((passed + p)) failed=$((failed + f))
	[ "$rc" -eq 0 ] || bad=1
}

header() { # header KERNEL
	# shellcheck disable=SC1090
	. "$CACHE/matrix/$1.env"
	echo "=== e2e on kernel $1: $KVER ($KPKGS); nvme-cli 2.3 as nvme, $SUITE_NVME_VERSION as nvme-suite"
}

passed=0 failed=0 bad=0
t0=$(date +%s)
if [ "$JOBS" -gt 1 ]; then
	# a pool of $JOBS guests; each log is printed whole once all are done
	running=0
	for k in $KERNELS; do
		if [ "$running" -ge "$JOBS" ]; then
			wait -n
			running=$((running - 1))
		fi
		run_one "$k" &
		running=$((running + 1))
	done
	wait
	for k in $KERNELS; do
		header "$k"
		cat "$LOGS/$k.log"
	done
else
	for k in $KERNELS; do
		header "$k"
		run_one "$k" &
		tail -n +1 -f "$LOGS/$k.log" --pid=$! 2>/dev/null
		wait
	done
fi
for k in $KERNELS; do summary "$k"; done
cat "$LOGS/summary"
# The matrix as a Markdown table, for the README (make readme-matrix):
# written only by a run of the whole suite.
if [ -z "${GONVME_E2E_RUN:-}" ]; then
	{
		echo "| kernel | version | nvme-cli in the guest | passed | failed | result |"
		echo "|---|---|---|---|---|---|"
		cat "$LOGS/table"
		echo
		echo "Written by \`make e2e\` ($(date -u +%Y-%m-%d), commit $(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown))."
	} >"$TOP/bin/e2e-matrix.md"
fi
echo "e2e: kernels $KERNELS in $(($(date +%s) - t0))s wall, $JOBS guest(s) at a time with $smp vCPU each"
echo "e2e: $passed passed, $failed failed"
exit $((bad != 0 || failed != 0))
