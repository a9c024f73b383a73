#!/bin/bash
# prepare.sh — build (once) the cached kernel + base initramfs used by run.sh.
#
# Idempotent. Everything lives under ${GONVME_VM_CACHE:-$HOME/.cache/gonvme-vm}:
#   <cache>/<kernel-pkg>.deb           Debian kernel package (apt-get download)
#   <cache>/kroot-<kver>/              dpkg-deb -x of it
#   <cache>/vmlinuz-<kver>             the kernel image
#   <cache>/base-<kver>-<hash>.cpio.gz base initramfs (busybox, modules, tools, /init)
#   <cache>/current.env                KVER= KERNEL= INITRD= for run.sh
# The base initramfs is rebuilt when init.sh, this script, the kernel or the
# host tool versions change.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${GONVME_VM_CACHE:-$HOME/.cache/gonvme-vm}
mkdir -p "$CACHE"
# one builder at a time (parallel run.sh invocations call this script)
exec 9>"$CACHE/.lock"
flock 9

log() { echo "prepare: $*" >&2; }
die() { echo "prepare: error: $*" >&2; exit 1; }

# Modules the guest needs (all dependencies are added automatically).
MODULES=(configfs null_blk nvme-core nvme-fabrics nvme-rdma nvme-tcp nvmet nvmet-rdma nvmet-tcp
	rdma_rxe veth crc32_generic crc32c_generic)

# ---------------------------------------------------------------- host deps
need_pkgs=()
have() { command -v "$1" >/dev/null 2>&1; }
have qemu-system-x86_64 || need_pkgs+=(qemu-system-x86)
{ [ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked'; } ||
	dpkg -s busybox-static >/dev/null 2>&1 || need_pkgs+=(busybox-static)
have cpio || need_pkgs+=(cpio)
{ have depmod && have modprobe && modprobe -V 2>/dev/null | grep -q kmod; } || need_pkgs+=(kmod)
have nvme || need_pkgs+=(nvme-cli)
{ [ -x /usr/bin/rdma ] || have rdma; } || need_pkgs+=(iproute2)
{ have ip && ip -V 2>/dev/null | grep -q iproute2; } || need_pkgs+=(iproute2)
have dpkg-deb || die "dpkg-deb missing: a Debian host is required"
if [ ${#need_pkgs[@]} -gt 0 ]; then
	log "installing host packages: ${need_pkgs[*]}"
	[ "$(id -u)" = 0 ] || SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	if ! ${SUDO:-} apt-get install -y --no-install-recommends "${need_pkgs[@]}"; then
		${SUDO:-} apt-get update
		${SUDO:-} apt-get install -y --no-install-recommends "${need_pkgs[@]}"
	fi
fi
BUSYBOX=/bin/busybox
file -L "$BUSYBOX" | grep -q 'statically linked' || die "$BUSYBOX is not static (install busybox-static)"

# ---------------------------------------------------------------- kernel
KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
if [ -z "$KPKG" ]; then
	log "apt-cache knows no linux-image-amd64; running apt-get update"
	[ "$(id -u)" = 0 ] || SUDO=sudo
	${SUDO:-} apt-get update
	KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
fi
[ -n "$KPKG" ] || die "cannot resolve linux-image-amd64"
KVER=${KPKG#linux-image-}
# ---------------------------------------------------------------- base initramfs
NVME_BIN=$(command -v nvme)
IP_BIN=$(command -v ip)
RDMA_BIN=$(command -v rdma || echo /usr/bin/rdma)
HASH=$(
	{
		cat "$HERE/prepare.sh" "$HERE/init.sh"
		echo "$KPKG ${MODULES[*]}"
		sha256sum "$BUSYBOX" "$NVME_BIN" "$IP_BIN" "$RDMA_BIN"
	} | sha256sum | cut -c1-12
)
INITRD=$CACHE/base-$KVER-$HASH.cpio.gz
VMLINUZ=$CACHE/vmlinuz-$KVER
write_env() {
	cat >"$CACHE/current.env.tmp" <<EOF
KVER=$KVER
KERNEL=$VMLINUZ
INITRD=$INITRD
EOF
	mv "$CACHE/current.env.tmp" "$CACHE/current.env"
}
if [ -f "$INITRD" ] && [ -f "$VMLINUZ" ]; then
	write_env
	log "up to date: kernel $KVER, $(basename "$INITRD")"
	exit 0
fi

KROOT=$CACHE/kroot-$KVER
VMLINUZ=$CACHE/vmlinuz-$KVER
[ -f "$KROOT/lib/modules/$KVER/modules.dep" ] || rm -f "$KROOT/.done"
if [ ! -f "$KROOT/.done" ]; then
	deb=$(ls "$CACHE"/"$KPKG"_*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		log "downloading $KPKG"
		(cd "$CACHE" && apt-get download "$KPKG" 2>&1 | grep -v 'unsandboxed' >&2 || true)
		deb=$(ls "$CACHE"/"$KPKG"_*.deb 2>/dev/null | head -n1 || true)
		[ -n "$deb" ] || die "apt-get download $KPKG failed"
	fi
	log "unpacking $deb"
	rm -rf "$KROOT"
	mkdir -p "$KROOT"
	dpkg-deb -x "$deb" "$KROOT"
	depmod -b "$KROOT" "$KVER"
	touch "$KROOT/.done"
fi
cp -f "$KROOT/boot/vmlinuz-$KVER" "$VMLINUZ" 2>/dev/null || [ -f "$VMLINUZ" ] || die "no vmlinuz in $KPKG"

log "building base initramfs for $KVER"
ST=$(mktemp -d "$CACHE/stage.XXXXXX")
trap 'rm -rf "$ST"' EXIT
mkdir -p "$ST"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc/nvme,proc,sys,dev,tmp,run,root,home/tester,payload,out,mnt,var/log}
chmod 1777 "$ST/tmp"

# Modules: resolve load order with kmod against the unpacked tree.
MODDIR=lib/modules/$KVER
mkdir -p "$ST/$MODDIR"
declare -A seen=()
for m in "${MODULES[@]}"; do
	deps=$(modprobe -d "$KROOT" -S "$KVER" --show-depends "$m" 2>&1) || die "modprobe --show-depends $m: $deps"
	while read -r kind path _; do
		[ "$kind" = insmod ] || continue
		[ -n "${seen[$path]:-}" ] && continue
		seen[$path]=1
		rel=${path#"$KROOT"/}
		dst=$ST/${rel%.xz}
		dst=${dst%.zst}
		dst=${dst%.gz}
		mkdir -p "$(dirname "$dst")"
		case $path in
		*.xz) xz -dc "$path" >"$dst" ;;
		*.zst) zstd -qdc "$path" >"$dst" ;;
		*.gz) gzip -dc "$path" >"$dst" ;;
		*) cp "$path" "$dst" ;;
		esac
	done <<<"$deps"
done
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -f "$KROOT/$MODDIR/$f" ] && cp "$KROOT/$MODDIR/$f" "$ST/$MODDIR/"
done
depmod -b "$ST" "$KVER"
log "modules: ${#seen[@]} files, $(du -sh "$ST/lib/modules" | cut -f1)"

# Dynamic binaries with the libraries ldd lists (paths kept as on the host).
copy_bin() { # copy_bin SRC DST
	local src=$1 dst=$2 lib
	mkdir -p "$ST/$(dirname "$dst")"
	cp -L "$src" "$ST/$dst"
	for lib in $(ldd "$src" | awk '/=> \//{print $3} /^\t\/[^ ]+ \(/{print $1}'); do
		[ -e "$ST$lib" ] && continue
		mkdir -p "$ST/$(dirname "$lib")"
		cp -L "$lib" "$ST$lib"
	done
}
copy_bin "$NVME_BIN" /usr/sbin/nvme
copy_bin "$IP_BIN" /usr/sbin/ip
copy_bin "$RDMA_BIN" /usr/bin/rdma

# busybox + applets (never shadow the real tools copied above).
cp "$BUSYBOX" "$ST/bin/busybox"
for a in $("$BUSYBOX" --list-full); do
	case ${a##*/} in ip | busybox) continue ;; esac
	[ -e "$ST/$a" ] && continue
	mkdir -p "$ST/$(dirname "$a")"
	ln -s /bin/busybox "$ST/$a"
done
ln -sf /usr/sbin/ip "$ST/sbin/ip"

# Accounts: root and an unprivileged tester (uid 1000); nobody.
cat >"$ST/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
tester:x:1000:1000:tester:/home/tester:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$ST/etc/group" <<'EOF'
root:x:0:
tester:x:1000:
nogroup:x:65534:
EOF
cat >"$ST/etc/shadow" <<'EOF'
root::19000:0:99999:7:::
tester:*:19000:0:99999:7:::
nobody:*:19000:0:99999:7:::
EOF
chmod 600 "$ST/etc/shadow"
chown -R 1000:1000 "$ST/home/tester" 2>/dev/null || true
echo gonvme-vm >"$ST/etc/hostname"
: >"$ST/etc/mtab"
install -m 0755 "$HERE/init.sh" "$ST/init"

# /dev/console must exist before /init runs or init gets no stdio.
if [ "$(id -u)" = 0 ]; then
	mknod -m 600 "$ST/dev/console" c 5 1
	mknod -m 666 "$ST/dev/null" c 1 3
fi

tmp=$INITRD.tmp
(cd "$ST" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -6 -n >"$tmp")
mv "$tmp" "$INITRD"
# drop older base images
for old in "$CACHE"/base-*.cpio.gz; do [ "$old" = "$INITRD" ] || rm -f "$old"; done
write_env
rm -rf "$KROOT" # 400 MB; re-extracted from the cached .deb when needed
log "built $(basename "$INITRD") ($(du -h "$INITRD" | cut -f1)), kernel $KVER"
