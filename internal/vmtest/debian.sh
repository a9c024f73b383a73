# debian.sh — sourced by prepare.sh: reach a Debian suite's archive with an apt
# configuration of our own (the machine's sources are never touched), resolve
# the kernel and nvme-cli packages there and download them into the cache.
#
# Needs: CACHE, log, die. The kernel matrix:
#   6.1  bookworm (the host's own apt, as the host is Debian 12)
#   6.12 trixie
#   7.x  sid
# shellcheck shell=bash

suite_of() { # suite_of LABEL
	case $1 in
	6.1) echo bookworm ;;
	6.12) echo trixie ;;
	7.x) echo sid ;;
	*) return 1 ;;
	esac
}

# Apt state of a suite: <cache>/apt/<suite>/{sources.list,lists,cache,status}.
# status is empty, so that the host's installed packages never win the
# candidate choice; the package cache is kept (Debian's container images
# turn it off), so that each look-up takes milliseconds.
suite_dir() { echo "$CACHE/apt/$1"; }
suite_apt() { # suite_apt SUITE apt-get|apt-cache ARGS…
	local s=$1 tool=$2 d
	shift 2
	d=$(suite_dir "$s")
	if [ "$s" = bookworm ]; then # the host's sources, lists and status
		mkdir -p "$d/cache/archives/partial"
		"$tool" -o Dir::Cache="$d/cache" -o Dir::Cache::pkgcache=pkgcache.bin -o Dir::Cache::srcpkgcache=srcpkgcache.bin "$@"
		return
	fi
	"$tool" -o Dir::Etc::sourcelist="$d/sources.list" -o Dir::Etc::sourceparts=/dev/null \
		-o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache" -o Dir::State::status="$d/status" \
		-o Dir::Cache::pkgcache=pkgcache.bin -o Dir::Cache::srcpkgcache=srcpkgcache.bin "$@"
}

# suite_update SUITE: fetch the suite's package lists when missing or older
# than GONVME_VM_APT_MAX_AGE minutes (default 360; 0 always). An archive that
# cannot be reached is fatal only when no lists were fetched before.
suite_update() {
	local s=$1 d line age=${GONVME_VM_APT_MAX_AGE:-360}
	[ "$s" = bookworm ] && return 0
	d=$(suite_dir "$s")
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
	: >>"$d/status"
	line="deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $s main"
	# rewritten only when it changes: a newer sources.list invalidates apt's cache
	[ "$(cat "$d/sources.list" 2>/dev/null)" = "$line" ] || echo "$line" >"$d/sources.list"
	if [ -f "$d/updated" ] && [ -z "$(find "$d/updated" -mmin +"$age" 2>/dev/null)" ] && [ "$age" != 0 ]; then
		return 0
	fi
	log "apt-get update for $s (own configuration in $d)"
	if suite_apt "$s" apt-get -q update >"$d/update.log" 2>&1; then
		touch "$d/updated"
	elif [ -f "$d/updated" ]; then
		log "warning: cannot reach the $s archive (see $d/update.log); using the lists from $(date -r "$d/updated" -u +%FT%TZ)"
	else
		cat "$d/update.log" >&2
		die "cannot fetch the $s package lists from deb.debian.org"
	fi
}

# candidate SUITE PKG: the version apt would install, or nothing.
candidate() {
	suite_apt "$1" apt-cache policy "$2" 2>/dev/null | awk '/Candidate:/{print $2; exit}' | grep -v '(none)' || true
}

# kernel_pkgs SUITE: "KVER PKG…", the packages holding the kernel image and
# its modules. sid's linux-image-<ver> is a metapackage over linux-binary-<ver>
# (the image) and linux-modules-<ver>.
kernel_pkgs() {
	local s=$1 img kver deps
	img=$(suite_apt "$s" apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
	if [ -z "$img" ] && [ "$s" = bookworm ]; then
		log "apt-cache knows no linux-image-amd64; running apt-get update"
		[ "$(id -u)" = 0 ] || SUDO=sudo
		${SUDO:-} apt-get update >&2
		img=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
	fi
	[ -n "$img" ] || die "cannot resolve linux-image-amd64 in $s"
	kver=${img#linux-image-}
	deps=$(suite_apt "$s" apt-cache depends "$img" 2>/dev/null)
	if grep -q "Depends: linux-binary-$kver\$" <<<"$deps"; then
		echo "$kver linux-binary-$kver linux-modules-$kver"
	else
		echo "$kver $img"
	fi
}

# fetch_deb SUITE PKG: path of PKG's candidate .deb in <cache>/debs/<suite>
# (downloaded once; the 6.1 kernel .deb at the top of the cache is reused).
fetch_deb() {
	local s=$1 p=$2 v f dir=$CACHE/debs/$1
	v=$(candidate "$s" "$p")
	[ -n "$v" ] || die "no candidate for $p in $s"
	f="${p}_${v//:/%3a}_amd64.deb"
	for d in "$dir" "$CACHE"; do
		[ -s "$d/$f" ] && { echo "$d/$f"; return; }
	done
	f="${p}_${v//:/%3a}_all.deb"
	[ -s "$dir/$f" ] && { echo "$dir/$f"; return; }
	mkdir -p "$dir"
	log "downloading $p $v ($s)"
	(cd "$dir" && suite_apt "$s" apt-get -qq download "$p=$v" 2>&1 | grep -v unsandboxed >&2 || true)
	f=$(ls "$dir/${p}_${v//:/%3a}"_*.deb 2>/dev/null | head -n1 || true)
	[ -n "$f" ] || die "apt-get download $p=$v ($s) failed"
	echo "$f"
}

# The libraries a suite's nvme-cli needs (libnvme's and libssl's too).
SUITE_NVME_PKGS=(nvme-cli libnvme1t64 libc6 libgcc-s1 libjson-c5 libkeyutils1 libssl3t64 libzstd1 zlib1g)

# suite_nvme SUITE DIR: unpack the suite's nvme-cli and its libraries into
# DIR/root and copy the binary, the dynamic loader and the libraries it needs
# to DIR/opt (bin/nvme, lib/). Prints the package versions used.
suite_nvme() {
	local s=$1 dir=$2 p deb root ld libs lib list
	root=$dir/root
	mkdir -p "$root" "$dir/opt/bin" "$dir/opt/lib"
	for p in "${SUITE_NVME_PKGS[@]}"; do
		deb=$(fetch_deb "$s" "$p")
		dpkg-deb -x "$deb" "$root"
		echo "$p=$(dpkg-deb -f "$deb" Version)"
	done
	ld=$root/usr/lib64/ld-linux-x86-64.so.2
	[ -e "$ld" ] || ld=$root/lib64/ld-linux-x86-64.so.2
	[ -e "$ld" ] || die "no dynamic loader in $s's libc6"
	libs=$root/usr/lib/x86_64-linux-gnu
	cp -L "$root/usr/sbin/nvme" "$dir/opt/bin/nvme"
	cp -L "$ld" "$dir/opt/lib/ld-linux-x86-64.so.2"
	list=$("$ld" --list --library-path "$libs" "$root/usr/sbin/nvme") || die "$s's nvme-cli does not load: $list"
	! grep -q 'not found' <<<"$list" || die "$s's nvme-cli misses libraries: $list"
	for lib in $(awk '/=> \//{print $3}' <<<"$list"); do
		cp -L "$lib" "$dir/opt/lib/"
	done
}

# trixie's tlshd (ktls-utils) and the libraries it loads, for the TLS tests
# on 6.12 and 7.x.
TLSHD_PKGS=(ktls-utils libc6 libglib2.0-0t64 libgnutls30t64 libkeyutils1 libnl-3-200 libnl-genl-3-200 libp11-kit0
	libidn2-0 libunistring5 libtasn1-6 libnettle8t64 libhogweed6t64 libgmp10 libffi8 libpcre2-8-0 libmount1
	libselinux1 libblkid1 zlib1g libzstd1 libgcc-s1)

# suite_tlshd DIR: unpack trixie's ktls-utils and its libraries into
# DIR/root and copy tlshd, the dynamic loader and the libraries it needs to
# DIR/opt (bin/tlshd, lib/). Prints the package versions used.
suite_tlshd() {
	local dir=$1 p deb root ld libs lib list
	root=$dir/root
	mkdir -p "$root" "$dir/opt/bin" "$dir/opt/lib"
	suite_update trixie
	for p in "${TLSHD_PKGS[@]}"; do
		deb=$(fetch_deb trixie "$p")
		dpkg-deb -x "$deb" "$root"
		echo "$p=$(dpkg-deb -f "$deb" Version)"
	done
	ld=$root/usr/lib64/ld-linux-x86-64.so.2
	[ -e "$ld" ] || ld=$root/lib64/ld-linux-x86-64.so.2
	libs=$root/usr/lib/x86_64-linux-gnu
	cp -L "$root/usr/sbin/tlshd" "$dir/opt/bin/tlshd"
	cp -L "$ld" "$dir/opt/lib/ld-linux-x86-64.so.2"
	list=$("$ld" --list --library-path "$libs" "$root/usr/sbin/tlshd") || die "trixie's tlshd does not load: $list"
	! grep -q 'not found' <<<"$list" || die "trixie's tlshd misses libraries: $list"
	for lib in $(awk '/=> \//{print $3}' <<<"$list"); do
		cp -L "$lib" "$dir/opt/lib/"
	done
}
