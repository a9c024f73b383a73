#!/usr/bin/env bash
# demo.sh — `make demo`: boot the test guest with a kernel NVMe-oF target
# (two subsystems over soft-RoCE, and over TCP) and show gonvme doing its job:
# discover, connect, list, list-subsys, connect-all, disconnect.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/gonvme-demo.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
cp "$TOP/bin/gonvme" "$TOP/bin/vmtarget" "$STAGE/"
cat >"$STAGE/demo" <<'GUEST'
#!/bin/sh
set -e
show() { echo; echo "\$ $*"; "$@"; }
vmtarget setup --rdma 169.254.99.1:4420 --tcp 127.0.0.1:4420 --subsystems 2 --namespaces 2 \
	--nqn-prefix nqn.2026-11.io.gonvme:demo >/dev/null
echo "=== target: nqn.2026-11.io.gonvme:demo1 and demo2 on rdma 169.254.99.1:4420 and tcp 127.0.0.1:4420"
show gonvme --version
show gonvme show-hostnqn
show gonvme discover -t rdma -a 169.254.99.1 -s 4420
show gonvme connect -t rdma -a 169.254.99.1 -s 4420 -n nqn.2026-11.io.gonvme:demo1 -o normal
show gonvme list
show gonvme list-subsys
show gonvme connect-all -t tcp -a 127.0.0.1 -s 4420
show gonvme list-subsys -o json
show gonvme disconnect -n nqn.2026-11.io.gonvme:demo1
show gonvme disconnect-all
show gonvme list
echo
echo "\$ gonvme connect -t rdma -a 169.254.99.1 -n nqn.2026-11.io.gonvme:demo9   # a typo in the NQN"
gonvme connect -t rdma -a 169.254.99.1 -n nqn.2026-11.io.gonvme:demo9 || echo "(exit status $?)"
echo
echo "demo: done"
GUEST
chmod +x "$STAGE/demo"
bash "$HERE/run.sh" --timeout 600 --stage "$STAGE" -- sh ./demo 2>&1 | grep -v '^GONVME-VM-\|^run.sh:\|^\[ *[0-9.]*\]'
