#!/bin/bash
# go-exec.sh — a `go test -exec` program: runs the test binary inside the test
# guest (as root, cwd /payload, with the package's testdata/ next to it).
#   CGO_ENABLED=0 go test -exec "$PWD/internal/vmtest/go-exec.sh" ./e2e/...
# Env: GONVME_VM_STAGE (dir copied into /payload too, e.g. with a static gonvme),
#      GONVME_VM_TIMEOUT (s, default 900), GONVME_VM_OUT (host dir for guest /out).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=$1
shift
args=(--timeout "${GONVME_VM_TIMEOUT:-900}" --file "$bin:test.bin")
[ -d testdata ] && args+=(--file "$PWD/testdata:testdata")
[ -n "${GONVME_VM_STAGE:-}" ] && args+=(--stage "$GONVME_VM_STAGE")
[ -n "${GONVME_VM_OUT:-}" ] && args+=(--out "$GONVME_VM_OUT")
exec "$HERE/run.sh" "${args[@]}" -- ./test.bin "$@"
