#!/usr/bin/env bash
# bench.sh — `make bench`: for each N in $BENCH_N (default 128) boot one test
# guest with N subsystems (one namespace each, one soft-RoCE port), run
# bench-guest.sh there (nvme-cli, gonvme and the bare-kernel baselines
# interleaved, $BENCH_ROUNDS rounds after a warm-up, default 3) and print the
# table of medians and ratios. With several N it also prints how cost grows.
# Results (records, tables, phases, option strings) go to $BENCH_OUT (default
# bin/bench). Guest memory: 2 GiB, or 16 MiB per subsystem above 128
# ($BENCH_MEM in MiB overrides). Needs bin/gonvme (make build).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
NS=${BENCH_N:-128}
ROUNDS=${BENCH_ROUNDS:-3}
OUT=${BENCH_OUT:-$TOP/bin/bench}
GO=${GO:-go}
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/gonvme-bench.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT

cd "$TOP"
[ -x bin/gonvme ] || { echo "bench.sh: bin/gonvme missing (make build)" >&2; exit 2; }
cp bin/gonvme "$STAGE/"
CGO_ENABLED=0 "$GO" build -trimpath -ldflags='-s -w' -o "$STAGE/vmtarget" ./internal/vmtest/cmd/vmtarget
CGO_ENABLED=0 "$GO" build -trimpath -ldflags='-s -w' -o "$STAGE/kbench" ./internal/vmtest/cmd/kbench
cp "$HERE/bench-guest.sh" "$STAGE/bench-guest"
"$GO" build -o "$STAGE/kbench-host" ./internal/vmtest/cmd/kbench
mkdir -p "$OUT"

rc=0 files=()
for n in $NS; do
	echo "bench: N=$n, $ROUNDS rounds + warm-up ($(date -u +%T))" >&2
	rm -rf "$OUT/n$n"
	# nvme-cli's disconnect-all is the slow part: about 0.15 s a controller.
	timeout=$((300 + n * (ROUNDS + 1) * 2))
	# 2 GiB hold 128 controllers and their nvmet peers; 256 need about 4.
	mem=${BENCH_MEM:-$((n * 16 > 2048 ? n * 16 : 2048))}
	if ! "$HERE/run.sh" --timeout "$timeout" --mem "$mem" --stage "$STAGE" --out "$OUT/n$n" -- sh ./bench-guest "$n" "$ROUNDS" "${BENCH_REPEAT:-5}" "${BENCH_REPEAT_SLOW:-3}" \
		>"$OUT/console-$n.log" 2>&1; then
		echo "bench: N=$n: the guest run failed; see $OUT/console-$n.log" >&2
		tail -n 20 "$OUT/console-$n.log" >&2
		rc=1
	fi
	grep '^bench:' "$OUT/console-$n.log" >&2 || true
	if [ -f "$OUT/n$n/results-$n.txt" ]; then
		"$STAGE/kbench-host" report "$OUT/n$n/results-$n.txt" | tee "$OUT/table-$n.md"
		files+=("$OUT/n$n/results-$n.txt")
	fi
done
if [ ${#files[@]} -gt 1 ]; then
	"$STAGE/kbench-host" growth "${files[@]}" | tee "$OUT/growth.md"
fi
echo "bench: results in $OUT" >&2
exit $rc
