# siw.sh — sourced by prepare.sh: build the soft-iWARP module (siw.ko) for
# one kernel of the matrix. Debian's kernels do not ship it
# (CONFIG_RDMA_SIW is not set in 6.1, 6.12 nor 7.x), so it is built out of
# tree from the same Debian kernel release: drivers/infiniband/sw/siw of
# linux-source-<M.m>, against linux-headers-<kver> (its .config and
# Module.symvers) and linux-kbuild, with the compiler the kernel was built
# with (gcc-NN, from the headers' .kernelvariables), inside a throw-away
# debootstrap chroot of the kernel's suite. Nothing of it is committed; the
# result is cached as <cache>/matrix/<kver>/siw.ko, built when missing (a
# new kernel version), and a failure is retried with the next base initramfs.
#
# Needs: CACHE, log, die, suite_apt, candidate, fetch_deb (debian.sh).
# shellcheck shell=bash

# build_siw SUITE KVER OUT: write siw.ko to OUT, or return 1 with the
# reason on stderr (the guest then has no siw). The build's log is kept as
# OUT.log when it fails.
build_siw() {
	local root rc=0
	root=$(mktemp -d "$CACHE/siw-build.XXXXXX")
	(_build_siw "$@" "$root") || rc=$?
	umount "$root/proc" 2>/dev/null || true
	rm -rf "$root"
	[ "$rc" = 0 ] && rm -f "$3.log"
	return "$rc"
}

_build_siw() {
	local s=$1 kver=$2 out=$3 root=$4 kv hv sv mm hdeb cdeb kdeb srcdeb common kbuild cc pkgs p rc=0
	kv=$(candidate "$s" "linux-image-$kver")
	[ -n "$kv" ] || kv=$(candidate "$s" "linux-modules-$kver")
	hv=$(candidate "$s" "linux-headers-$kver")
	mm=$(sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$kver")
	sv=$(candidate "$s" "linux-source-$mm")
	if [ -z "$hv" ] || [ -z "$sv" ] || [ "$hv" != "$kv" ] || [ "$sv" != "$kv" ]; then
		echo "siw: $s has no linux-headers-$kver and linux-source-$mm of the kernel's version $kv (headers '$hv', source '$sv')" >&2
		return 1
	fi
	command -v debootstrap >/dev/null || { echo "siw: debootstrap is not installed" >&2; return 1; }
	hdeb=$(fetch_deb "$s" "linux-headers-$kver") || return 1
	common=$(dpkg-deb -f "$hdeb" Depends | grep -o 'linux-headers-[^ ,]*-common' | head -n1) || true
	kbuild=$(dpkg-deb -f "$hdeb" Depends | grep -o 'linux-kbuild-[^ ,]*' | head -n1) || true
	[ -n "$common" ] && [ -n "$kbuild" ] || { echo "siw: linux-headers-$kver names no -common or linux-kbuild package" >&2; return 1; }
	cdeb=$(fetch_deb "$s" "$common") || return 1
	kdeb=$(fetch_deb "$s" "$kbuild") || return 1
	srcdeb=$(fetch_deb "$s" "linux-source-$mm") || return 1
	cc=$(dpkg-deb --fsys-tarfile "$hdeb" | tar -xO --wildcards '*/.kernelvariables' | grep -o 'gcc-[0-9][0-9]*' | head -n1) || true
	[ -n "$cc" ] || { echo "siw: cannot tell the compiler of $kver" >&2; return 1; }
	# kbuild's own binaries (modpost, objtool) and the BTF step need these
	pkgs=make,$cc,libc6-dev,pahole
	for p in $(dpkg-deb -f "$kdeb" Depends | tr ',' '\n' | sed -E 's/\(.*\)//; s/ //g'); do
		pkgs=$pkgs,$p
	done
	log "siw: debootstrap $s with $pkgs, for $kver"
	mkdir -p "$CACHE/debs/$s/debootstrap"
	if ! debootstrap --variant=minbase --cache-dir="$CACHE/debs/$s/debootstrap" --include="$pkgs" \
		"$s" "$root" http://deb.debian.org/debian >"$out.log" 2>&1; then
		tail -n 20 "$out.log" >&2
		echo "siw: debootstrap of $s failed (log: $out.log)" >&2
		return 1
	fi
	for p in "$hdeb" "$cdeb" "$kdeb"; do # keeping merged-/usr's /lib -> usr/lib
		dpkg-deb --fsys-tarfile "$p" | tar -x --keep-directory-symlink -C "$root" || return 1
	done
	mkdir -p "$root/siw"
	if ! dpkg-deb --fsys-tarfile "$srcdeb" | tar -xO "./usr/src/linux-source-$mm.tar.xz" |
		tar -xJf - -C "$root/siw" --strip-components=5 "linux-source-$mm/drivers/infiniband/sw/siw"; then
		echo "siw: no drivers/infiniband/sw/siw in linux-source-$mm" >&2
		return 1
	fi
	trap 'umount "$root/proc" 2>/dev/null' EXIT # also when interrupted
	mount -t proc proc "$root/proc"             # objtool reads /proc/self
	chroot "$root" make -C "/usr/src/linux-headers-$kver" M=/siw CONFIG_RDMA_SIW=m modules >>"$out.log" 2>&1 || rc=$?
	umount "$root/proc"
	if [ "$rc" != 0 ] || [ ! -s "$root/siw/siw.ko" ]; then
		tail -n 20 "$out.log" >&2
		echo "siw: make of siw.ko for $kver failed (log: $out.log)" >&2
		return 1
	fi
	p=$(modinfo -F vermagic "$root/siw/siw.ko")
	case $p in "$kver "*) ;; *)
		echo "siw: the built siw.ko has vermagic '$p', not $kver" >&2
		return 1
		;;
	esac
	chroot "$root" strip --strip-debug /siw/siw.ko
	cp "$root/siw/siw.ko" "$out"
	log "siw: built siw.ko for $kver with $cc ($s linux-source-$mm $sv)"
}
