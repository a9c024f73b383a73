#!/bin/bash
# run.sh — boot the gonvme test guest (QEMU/TCG, no NIC) and run one command in it.
#
# usage: run.sh [options] -- <guest command> [args…]
#   --kernel K         6.1 (default: $GONVME_VM_KERNEL or 6.1), 6.12 or 7.x (prepare.sh)
#   --timeout SECS     kill the guest after SECS (default 600)
#   --out DIR          extract what the guest wrote under /out into DIR
#   --stage DIR        copy DIR's contents into the guest's /payload (repeatable)
#   --file SRC[:DEST]  copy file or dir SRC to /payload/DEST (default basename) (repeatable)
#   --log FILE         also write the console transcript to FILE
#   --mem MB, --smp N  guest size (default 2048, 2)
#   --append ARGS      extra kernel command line
#   --shell            no command: interactive shell on the console (debugging)
# The command runs as root in /payload with PATH=/payload:/usr/sbin:/usr/bin:/sbin:/bin.
# A guest whose kernel panics before the command starts (no GONVME-VM-READY)
# is booted again, up to 3 boots, and the console says so; the command itself
# never runs twice.
# Exit status: the guest command's status; 124 timeout; 125 guest setup failed
# or the exit marker never appeared.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${GONVME_VM_CACHE:-$HOME/.cache/gonvme-vm}
KLABEL=${GONVME_VM_KERNEL:-6.1} TIMEOUT=600 OUT="" LOG="" MEM=2048 SMP=2 APPEND="" SHELL_MODE=0
STAGES=() FILES=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) KLABEL=$2; shift 2 ;;
	--timeout) TIMEOUT=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--stage) STAGES+=("$2"); shift 2 ;;
	--file) FILES+=("$2"); shift 2 ;;
	--log) LOG=$2; shift 2 ;;
	--mem) MEM=$2; shift 2 ;;
	--smp) SMP=$2; shift 2 ;;
	--append) APPEND="$APPEND $2"; shift 2 ;;
	--shell) SHELL_MODE=1; shift ;;
	--) shift; break ;;
	-h | --help) sed -n '2,22p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ $# -gt 0 ] || [ $SHELL_MODE = 1 ] || { echo "run.sh: no guest command (use -- cmd…)" >&2; exit 2; }

# Kernel + base initramfs (prepare.sh is a no-op when the cache is current).
ENV_FILE=$CACHE/matrix/$KLABEL.env
if [ -z "${GONVME_VM_NO_PREPARE:-}" ] || [ ! -f "$ENV_FILE" ]; then
	"$HERE/prepare.sh" "$KLABEL" >&2
fi
# shellcheck disable=SC1090
. "$ENV_FILE"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gonvme-vm.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
P=$WORK/root/payload
mkdir -p "$P"
for d in "${STAGES[@]}"; do cp -a "$d"/. "$P"/; done
for f in "${FILES[@]}"; do
	src=${f%%:*} dst=$(basename "$src")
	[ "$src" != "$f" ] && dst=${f#*:}
	mkdir -p "$(dirname "$P/$dst")"
	cp -RL "$src" "$P/$dst"
done
if [ $# -gt 0 ]; then
	q() { local s=${1//\'/\'\\\'\'}; printf "'%s'" "$s"; }
	{
		echo '#!/bin/sh'
		printf 'exec'
		for a in "$@"; do printf ' %s' "$(q "$a")"; done
		echo
	} >"$P/run"
	chmod 755 "$P/run"
fi
(cd "$WORK/root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1 -n >"$WORK/payload.cpio.gz")
cat "$INITRD" "$WORK/payload.cpio.gz" >"$WORK/initrd.gz"

CMDLINE="console=ttyS0 quiet panic=-1 loglevel=4 tsc=reliable mitigations=off$APPEND"
[ $SHELL_MODE = 1 ] && CMDLINE="$CMDLINE gonvme.shell=1"
QEMU=(qemu-system-x86_64 -accel tcg -cpu max -m "$MEM" -smp "$SMP" -nographic -no-reboot
	-nic none -serial mon:stdio -serial "file:$WORK/ttyS1"
	-kernel "$KERNEL" -initrd "$WORK/initrd.gz" -append "$CMDLINE")

start=$(date +%s.%N)
set +e
if [ $SHELL_MODE = 1 ]; then
	"${QEMU[@]}"
	exit $?
fi
[ -z "$LOG" ] || : >"$LOG"
for boot in 1 2 3; do
	rm -f "$WORK/ttyS1"
	timeout -k 5 "$TIMEOUT" "${QEMU[@]}" </dev/null | tr -d '\r' | sed -u 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g' | tee "$WORK/console" ${LOG:+-a "$LOG"}
	qrc=${PIPESTATUS[0]}
	grep -q '^GONVME-VM-READY' "$WORK/console" && break
	grep -qE 'Kernel panic|Oops:|BUG:' "$WORK/console" || break
	[ $boot = 3 ] && break
	echo "run.sh: kernel $KVER panicked before the guest command started (boot $boot); booting again" | tee -a ${LOG:+"$LOG"} >&2
done
set -e
end=$(date +%s.%N)

if [ -n "$OUT" ] && grep -q '^GONVME-OUT-BEGIN' "$WORK/ttyS1" 2>/dev/null; then
	mkdir -p "$OUT"
	tr -d '\r' <"$WORK/ttyS1" | sed -n '/^GONVME-OUT-BEGIN/,/^GONVME-OUT-END/p' | sed '1d;$d' |
		base64 -d | tar -C "$OUT" -xzf - ||
		echo "run.sh: extracting guest /out failed" >&2
fi

rc=$(sed -n 's/^GONVME-VM-EXIT=\([0-9]*\).*/\1/p' "$WORK/console" | tail -n1)
printf 'run.sh: host wall %.1fs, qemu rc %s, guest rc %s\n' "$(echo "$end - $start" | bc 2>/dev/null || echo 0)" "$qrc" "${rc:-none}" >&2
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	echo "run.sh: timeout after ${TIMEOUT}s" >&2
	exit 124
fi
[ -n "$rc" ] || { echo "run.sh: guest exit marker missing" >&2; exit 125; }
exit "$rc"
