#!/bin/bash
# prepare.sh — build (once) the cached kernel + base initramfs used by run.sh.
#
# usage: prepare.sh [KERNEL]   KERNEL: 6.1 (default, Debian 12), 6.12 (Debian 13)
#                              or 7.x (Debian unstable); see debian.sh
# Idempotent. Everything lives under ${GONVME_VM_CACHE:-$HOME/.cache/gonvme-vm}:
#   <cache>/apt/<suite>/             apt configuration and lists of trixie/sid
#   <cache>/debs/<suite>/            downloaded .debs (kernel, nvme-cli, libraries)
#   <cache>/matrix/<kver>/           vmlinuz and base-<hash>.cpio.gz (busybox,
#                                    modules, tools, /init) of one kernel version
#   <cache>/matrix/<KERNEL>.env      KVER= KERNEL= INITRD= … for run.sh
# Package versions are what the archive resolves now; the base initramfs is
# rebuilt when they, init.sh, this script or the host tool versions change.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${GONVME_VM_CACHE:-$HOME/.cache/gonvme-vm}
LABEL=${1:-${GONVME_VM_KERNEL:-6.1}}
mkdir -p "$CACHE"
# one builder at a time (parallel run.sh invocations call this script)
exec 9>"$CACHE/.lock"
flock 9

log() { echo "prepare[$LABEL]: $*" >&2; }
die() { echo "prepare[$LABEL]: error: $*" >&2; exit 1; }
# shellcheck source=debian.sh
. "$HERE/debian.sh"
# shellcheck source=siw.sh
. "$HERE/siw.sh"
SUITE=$(suite_of "$LABEL") || die "unknown kernel '$LABEL' (want 6.1, 6.12 or 7.x)"

# Modules the guest needs (all dependencies are added automatically), and
# the CRC modules rdma_rxe asks for by name, where the kernel has them
# (7.x has crc32-cryptoapi, no crc32_generic).
MODULES=(configfs null_blk nvme-core nvme-fabrics nvme-rdma nvme-tcp nvmet nvmet-rdma nvmet-tcp
	rdma_rxe ib_uverbs veth)
OPTIONAL_MODULES=(crc32_generic crc32c_generic crc32-cryptoapi crc32c-cryptoapi
	tls gcm ccm aesni_intel chacha20poly1305 algif_aead ctr ghash_generic)

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
have debootstrap || need_pkgs+=(debootstrap) # siw.sh
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
suite_update "$SUITE"
read -r KVER KPKGS <<<"$(kernel_pkgs "$SUITE")"
KDEBS=()
KPKG_VERSIONS=""
for p in $KPKGS; do
	deb=$(fetch_deb "$SUITE" "$p")
	KDEBS+=("$deb")
	KPKG_VERSIONS="$KPKG_VERSIONS $p=$(dpkg-deb -f "$deb" Version)"
done
KPKG_VERSIONS=${KPKG_VERSIONS# }
NVME_VERSIONS=""
if [ "$SUITE" != bookworm ]; then
	for p in "${SUITE_NVME_PKGS[@]}"; do NVME_VERSIONS="$NVME_VERSIONS $p=$(candidate "$SUITE" "$p")"; done
fi

# ibv_devinfo (bookworm's rdma-core) in every guest: the reference for the
# active MTU gonvme reads through the uverbs device.
IBVERBS_PKGS=(ibverbs-utils libibverbs1 ibverbs-providers libnl-3-200 libnl-route-3-200)
IBVERBS_VERSIONS=""
for p in "${IBVERBS_PKGS[@]}"; do IBVERBS_VERSIONS="$IBVERBS_VERSIONS $p=$(candidate bookworm "$p")"; done

# ---------------------------------------------------------------- base initramfs
NVME_BIN=$(command -v nvme)
IP_BIN=$(command -v ip)
RDMA_BIN=$(command -v rdma || echo /usr/bin/rdma)
HASH=$(
	{
		cat "$HERE/prepare.sh" "$HERE/debian.sh" "$HERE/siw.sh" "$HERE/init.sh"
		echo "$KPKG_VERSIONS $NVME_VERSIONS $IBVERBS_VERSIONS ${MODULES[*]} ${OPTIONAL_MODULES[*]}"
		sha256sum "$BUSYBOX" "$NVME_BIN" "$IP_BIN" "$RDMA_BIN"
	} | sha256sum | cut -c1-12
)
KDIR=$CACHE/matrix/$KVER
INITRD=$KDIR/base-$HASH.cpio.gz
VMLINUZ=$KDIR/vmlinuz
ENV_FILE=$CACHE/matrix/$LABEL.env
write_env() {
	local nv
	nv=$(cat "$KDIR/suite-nvme-version")
	cat >"$ENV_FILE.tmp" <<EOT
KLABEL='$LABEL'
KSUITE='$SUITE'
KVER='$KVER'
KPKGS='$KPKG_VERSIONS'
KERNEL='$VMLINUZ'
INITRD='$INITRD'
SUITE_NVME_VERSION='$nv'
EOT
	mv "$ENV_FILE.tmp" "$ENV_FILE"
}
if [ -f "$INITRD" ] && [ -f "$VMLINUZ" ] && [ -f "$KDIR/suite-nvme-version" ]; then
	write_env
	log "up to date: kernel $KVER ($KPKG_VERSIONS), nvme-cli $(cat "$KDIR/suite-nvme-version"), $(basename "$INITRD")"
	exit 0
fi

mkdir -p "$KDIR"
ST=$(mktemp -d "$CACHE/stage.XXXXXX")
KROOT=$ST.kroot
trap 'rm -rf "$ST" "$KROOT" "$ST.nvme" "$ST.tlshd"' EXIT
for deb in "${KDEBS[@]}"; do
	log "unpacking $(basename "$deb")"
	dpkg-deb -x "$deb" "$KROOT"
done
# merged-/usr packages (trixie, sid) keep modules in usr/lib/modules
if [ -d "$KROOT/usr/lib/modules/$KVER" ] && [ ! -d "$KROOT/lib/modules/$KVER" ]; then
	mkdir -p "$KROOT/lib/modules"
	mv "$KROOT/usr/lib/modules/$KVER" "$KROOT/lib/modules/$KVER"
fi
# soft-iWARP, built once per kernel version (siw.sh); the guest loads it on
# demand (modprobe siw) and /etc/gonvme-vm/siw says why it is missing.
SIW=$KDIR/siw.ko
EXTRA_MODULES=()
SIW_STATUS="siw.ko built from linux-source of $KVER"
if [ ! -s "$SIW" ]; then
	if SIW_ERR=$(build_siw "$SUITE" "$KVER" "$SIW" 2>&1); then
		printf '%s\n' "$SIW_ERR" >&2
	else
		SIW_STATUS=$(tail -n1 <<<"$SIW_ERR")
		log "warning: no soft-iWARP in the guest: $SIW_ERR"
	fi
fi
if [ -s "$SIW" ]; then
	mkdir -p "$KROOT/lib/modules/$KVER/extra"
	cp "$SIW" "$KROOT/lib/modules/$KVER/extra/siw.ko"
	EXTRA_MODULES=(siw)
fi
depmod -b "$KROOT" "$KVER"
for k in "$KROOT/boot/vmlinuz-$KVER" "$KROOT/lib/modules/$KVER/vmlinuz"; do
	[ -f "$k" ] && { cp -f "$k" "$VMLINUZ"; break; }
done
[ -f "$VMLINUZ" ] || die "no vmlinuz in $KPKGS"

log "building base initramfs for $KVER"
mkdir -p "$ST"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc/nvme,etc/gonvme-vm,proc,sys,dev,tmp,run,root,home/tester,payload,out,mnt,var/log}
chmod 1777 "$ST/tmp"

# Modules: resolve load order with kmod against the unpacked tree; plain .ko
# in the initramfs (busybox modprobe reads no compressed modules).
MODDIR=lib/modules/$KVER
mkdir -p "$ST/$MODDIR"
declare -A seen=()
LOAD=()
for m in "${MODULES[@]}" "${OPTIONAL_MODULES[@]}" "${EXTRA_MODULES[@]}"; do
	if ! deps=$(modprobe -d "$KROOT" -S "$KVER" --show-depends "$m" 2>&1); then
		case " ${OPTIONAL_MODULES[*]} " in *" $m "*) continue ;; esac
		die "modprobe --show-depends $m: $deps"
	fi
	case " ${OPTIONAL_MODULES[*]} " in *" $m "*) LOAD+=("$m") ;; esac
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
log "modules: ${#seen[@]} files, $(du -sh "$ST/lib/modules" | cut -f1); CRC modules: ${LOAD[*]:-none}"
# init.sh loads these before the NVMe ones
printf '%s\n' "${LOAD[@]}" >"$ST/etc/gonvme-vm/crc-modules"
echo "$SIW_STATUS" >"$ST/etc/gonvme-vm/siw"

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
for p in "${IBVERBS_PKGS[@]}"; do
	dpkg-deb -x "$(fetch_deb bookworm "$p")" "$ST"
done

# The suite's own nvme-cli (/usr/sbin/nvme-suite): on 6.12 and 7.x trixie's
# or sid's, run through that suite's dynamic loader and libraries under
# /opt/nvme-suite; on 6.1 the host's nvme-cli above. Its version (as `nvme
# version` prints it, run here on the host) goes to the guest's environment.
if [ "$SUITE" = bookworm ]; then
	printf '#!/bin/sh\nexec /usr/sbin/nvme "$@"\n' >"$ST/usr/sbin/nvme-suite"
	nv=$("$NVME_BIN" version)
else
	suite_nvme "$SUITE" "$ST.nvme" >"$KDIR/suite-nvme-packages"
	mkdir -p "$ST/opt/nvme-suite"
	cp -a "$ST.nvme/opt/." "$ST/opt/nvme-suite/"
	printf '#!/bin/sh\nexec /opt/nvme-suite/lib/ld-linux-x86-64.so.2 --library-path /opt/nvme-suite/lib --argv0 nvme /opt/nvme-suite/bin/nvme "$@"\n' >"$ST/usr/sbin/nvme-suite"
	nv=$("$ST/opt/nvme-suite/lib/ld-linux-x86-64.so.2" --library-path "$ST/opt/nvme-suite/lib" "$ST/opt/nvme-suite/bin/nvme" version)
fi
chmod 755 "$ST/usr/sbin/nvme-suite"

# tlshd (6.12, 7.x: the kernels with NVMe/TCP TLS) as /usr/sbin/tlshd, run
# like nvme-suite through its own loader and libraries; the TLS tests start
# and stop it.
if [ "$SUITE" != bookworm ]; then
	suite_tlshd "$ST.tlshd" >"$KDIR/tlshd-packages"
	mkdir -p "$ST/opt/tlshd"
	cp -a "$ST.tlshd/opt/." "$ST/opt/tlshd/"
	printf '#!/bin/sh\nexec /opt/tlshd/lib/ld-linux-x86-64.so.2 --library-path /opt/tlshd/lib --argv0 tlshd /opt/tlshd/bin/tlshd "$@"\n' >"$ST/usr/sbin/tlshd"
	chmod 755 "$ST/usr/sbin/tlshd"
fi
nv=$(sed -n '1s/^nvme version \([^ ]*\).*/\1/p' <<<"$nv")
[ -n "$nv" ] || die "cannot tell the suite's nvme-cli version"
cat >"$ST/etc/gonvme-vm/env" <<EOT
GONVME_E2E_KERNEL=$LABEL
GONVME_E2E_SUITE_NVME=/usr/sbin/nvme-suite
GONVME_E2E_SUITE_NVME_VERSION=$nv
EOT

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
echo "$nv" >"$KDIR/suite-nvme-version"
# drop older base images of this kernel
for old in "$KDIR"/base-*.cpio.gz; do [ "$old" = "$INITRD" ] || rm -f "$old"; done
write_env
log "built $(basename "$INITRD") ($(du -h "$INITRD" | cut -f1)), kernel $KVER ($KPKG_VERSIONS), nvme-cli $nv"
