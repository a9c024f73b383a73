#!/usr/bin/env bash
# bench-monitor.sh — the monitor part of `make bench` (issue 16): boots one
# test guest and runs `kbench monitor` there: the reaction of `gonvme
# monitor` to a subsystem linked on a watched port (to the namespace's
# block device), beside a bare connect of a like path, over
# $BENCH_MONITOR_CHANGES changes (default 20), then its CPU time over
# $BENCH_MONITOR_IDLE (default 60s) of idling with 16 discovery controllers,
# and its memory. Prints the "bench: monitor" lines and keeps them in
# $BENCH_OUT/monitor.txt (default bin/bench). Needs bin/gonvme (make build).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
OUT=${BENCH_OUT:-$TOP/bin/bench}
GO=${GO:-go}
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/gonvme-bench-monitor.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT

cd "$TOP"
[ -x bin/gonvme ] || { echo "bench-monitor.sh: bin/gonvme missing (make build)" >&2; exit 2; }
cp bin/gonvme "$STAGE/"
CGO_ENABLED=0 "$GO" build -trimpath -ldflags='-s -w' -o "$STAGE/kbench" ./internal/vmtest/cmd/kbench
mkdir -p "$OUT"
rm -rf "$OUT/monitor"
echo "bench: monitor, $(date -u +%T)" >&2
rc=0
"$HERE/run.sh" --timeout 900 --stage "$STAGE" --out "$OUT/monitor" -- \
	./kbench monitor -changes "${BENCH_MONITOR_CHANGES:-20}" -idle "${BENCH_MONITOR_IDLE:-60s}" -o /out/monitor.txt \
	>"$OUT/console-monitor.log" 2>&1 || rc=1
if [ -f "$OUT/monitor/monitor.txt" ]; then
	tee "$OUT/monitor.txt" <"$OUT/monitor/monitor.txt"
fi
if [ $rc -ne 0 ]; then
	echo "bench: monitor: the guest run failed; see $OUT/console-monitor.log" >&2
	tail -n 30 "$OUT/console-monitor.log" >&2
fi
exit $rc
