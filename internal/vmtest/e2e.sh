#!/usr/bin/env bash
# e2e.sh — run the end-to-end suite (internal/e2e) inside the test guest and
# print a closing line "e2e: N passed, N failed". Needs bin/gonvme and
# bin/e2e.test (make guest-bins). Exit status: non-zero if any test failed
# or the guest did not finish.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
LOG=$(mktemp "${TMPDIR:-/tmp}/gonvme-e2e.XXXXXX")
trap 'rm -f "$LOG"' EXIT

args=(./e2e.test -test.v -test.timeout 20m)
[ -n "${GONVME_E2E_RUN:-}" ] && args+=(-test.run "$GONVME_E2E_RUN")
bash "$HERE/run.sh" --timeout 1500 --file "$TOP/bin/gonvme" --file "$TOP/bin/e2e.test" -- "${args[@]}" 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
passed=$(grep -cE '^\s*--- PASS' "$LOG")
failed=$(grep -cE '^\s*--- FAIL' "$LOG")
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "e2e: $passed passed, $failed failed"
exit $(( rc != 0 || failed != 0 ))
