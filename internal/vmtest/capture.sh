#!/bin/bash
# capture.sh — regenerate testdata/kernel/<KERNEL>/ from a real kernel.
# Boots the test guest on KERNEL (6.1, 6.12 or 7.x, see prepare.sh), runs
# capture-guest.sh there and replaces the fixture directory with what the
# guest produced. Usage: capture.sh KERNEL [DEST_PARENT] (default
# <repo>/testdata/kernel).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LABEL=${1:?usage: capture.sh KERNEL [DEST_PARENT]}
DEST_PARENT=${2:-$REPO/testdata/kernel}
GO=${GO:-go}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gonvme-capture.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/stage"
(cd "$REPO" && CGO_ENABLED=0 "$GO" build -trimpath -ldflags='-s -w' -o "$WORK/stage/vmtarget" ./internal/vmtest/cmd/vmtarget)
cp "$HERE/capture-guest.sh" "$HERE/capture-rdma.sh" "$WORK/stage/"

start=$(date +%s)
"$HERE/run.sh" --kernel "$LABEL" --timeout 600 --stage "$WORK/stage" --out "$WORK/out" --log "$WORK/console.log" -- sh capture-guest.sh
[ -s "$WORK/out/kernel-version" ] || { echo "capture: guest produced no output" >&2; exit 1; }

kver=$(cat "$WORK/out/kernel-version")
# shellcheck disable=SC1090
. "${GONVME_VM_CACHE:-$HOME/.cache/gonvme-vm}/matrix/$LABEL.env"
mm=$LABEL
dest=$DEST_PARENT/$mm
rm -rf "$dest"
mkdir -p "$DEST_PARENT"
mv "$WORK/out" "$dest"
cat >"$dest/README.md" <<EOF
# Kernel $mm fixtures (generated — do not edit)

Captured by \`make fixtures\` (internal/vmtest/capture.sh) from Debian kernel
$kver ($KPKGS) running in QEMU, with nvme-cli $(sed -n '1s/^nvme version \([^ ]*\).*/\1/p' "$dest/nvme-cli/version.txt") as the host tool.
The scenario is in internal/vmtest/capture-guest.sh.

- \`sys/\`: sysfs subset, paths relative to /sys; symlinks kept verbatim
  (relative; some point outside the subset), readable attributes byte-exact,
  write-only ones (delete_controller, reset_controller, rescan_controller)
  absent. Controllers: nvme0 rdma test1, nvme1 tcp test1, nvme2 rdma test2,
  nvme3 tcp test2, nvme4 persistent discovery controller (tcp). Which
  namespace device gets which NSID is the kernel's choice (on 6.12 and 7.x
  nvme0n1 may be NSID 2).
- \`etc/nvme/\`: hostnqn and hostid used (together with sys/ this is a host root).
- \`rdma/\` (internal/vmtest/capture-rdma.sh): \`sys/\` of the RDMA devices and network
  interfaces (rxe0 on veth0), \`route/\` the kernel's raw netlink answers to
  RTM_GETROUTE (local target, no route, seed 003's second interface),
  \`uverbs/\` the raw uverbs QUERY_PORT answers (rxe0 at veth0 MTU 1500 and, in
  \`mtu9000/\`, 9000; siw0) with \`ibv_devinfo\` beside them, \`siw/sys/\` the same
  sysfs with soft-iWARP siw0 on veth1 (where the guest has siw.ko).
- \`discovery/*.bin\`: raw discovery log pages (\`nvme discover -r\`) and one
  \`nvme get-log --log-id=0x70\` read through the persistent controller.
- \`identify/*.bin\`: raw Identify Controller / Namespace data.
- \`nvme-cli/\`: nvme-cli stdout per command (\`.stderr\` when not empty);
  \`commands.tsv\` lists file, exit status and command line.
  \`supported-options.txt\` is /dev/nvme-fabrics read before any write.
- \`nvme-suite/\` (6.12, 7.x): the same read-only commands run with the
  kernel's own suite's nvme-cli (\`version.txt\` says which), taken before
  the teardown.
- \`fabrics-writes.tsv\`: raw option strings written to /dev/nvme-fabrics and
  the kernel's answer (\`instance=…\` or the errno text);
  \`dmesg-fabrics-writes.txt\`: the kernel log lines they produced.
- \`target.txt\`: the nvmet configuration; \`dmesg.txt\`: kernel log (nvme lines).

Not reproducible between captures: the discovery controller serial (nvmet
picks a random one: nvme4/serial, nvme-subsys4/serial, id-ctrl-nvme4.bin,
list-verbose.txt), I/O counters (\`stat\`) and dmesg timestamps.
Symlinks such as \`subsystem\` or \`bdi\` may point outside the captured subset.
EOF
echo "capture: wrote $dest ($(du -sh "$dest" | cut -f1), $(find "$dest" -type f | wc -l) files, $(find "$dest" -type l | wc -l) links) in $(($(date +%s) - start))s"
