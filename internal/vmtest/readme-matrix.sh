#!/usr/bin/env bash
# readme-matrix.sh — put the kernel × nvme-cli table that the last whole
# `make e2e` wrote (bin/e2e-matrix.md) into README.md between the
# "e2e-matrix" markers, so the README shows what the suite measured.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
table=$TOP/bin/e2e-matrix.md
[ -s "$table" ] || { echo "readme-matrix: no $table: run 'make e2e' (the whole suite) first" >&2; exit 1; }
grep -q '<!-- e2e-matrix begin -->' "$TOP/README.md" || { echo "readme-matrix: README.md has no e2e-matrix markers" >&2; exit 1; }
awk -v table="$table" '
	/<!-- e2e-matrix begin -->/ { print; while ((getline l < table) > 0) print l; skip = 1; next }
	/<!-- e2e-matrix end -->/ { skip = 0 }
	!skip { print }' "$TOP/README.md" >"$TOP/README.md.tmp"
mv "$TOP/README.md.tmp" "$TOP/README.md"
echo "readme-matrix: README.md updated from $table"
