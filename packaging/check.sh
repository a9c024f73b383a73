#!/usr/bin/env bash
# packaging/check.sh: checks the gonvme packages in dist/ (built by
# "make package" when missing). Run as root on Debian 12, as CI does: it
# installs what it needs with apt-get (lintian, rpm, systemd, man-db,
# bash-completion), installs the .deb with dpkg several times over, enables
# and removes units, and inspects the .rpm without installing it.
#
# The machine is left as it was found: /etc/nvme (which nvme-cli may own) is
# saved first and put back at the end, and gonvme is purged. A gonvme
# package already installed when the check starts is purged first.
#
# Prints one line per check and ends with "N passed, N failed"; exits
# non-zero when a check failed.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
ok() {
	passed=$((passed + 1))
	echo "ok    $*"
}
bad() {
	failed=$((failed + 1))
	echo "FAIL  $*"
}
note() { echo "      $*"; }
indent() { sed 's/^/      /' | head -n "${1:-30}"; }

# check NAME COMMAND...: ok when COMMAND exits 0, else its output is shown.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		bad "$name"
		printf '%s\n' "$out" | indent
		return 1
	fi
}

finish() {
	echo
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && exit 0
	exit 1
}

if [ "$(id -u)" != 0 ]; then
	bad "check.sh must run as root (it installs and removes the .deb)"
	finish
fi

export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
work=$(mktemp -d /tmp/gonvme-check.XXXXXX)

# --- tools ------------------------------------------------------------------
need=()
command -v lintian >/dev/null || need+=(lintian)
command -v rpm >/dev/null || need+=(rpm)
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v man >/dev/null || need+=(man-db)
command -v modprobe >/dev/null || [ -x /sbin/modprobe ] || need+=(kmod)
[ -f /usr/share/bash-completion/bash_completion ] || need+=(bash-completion)
if [ "${#need[@]}" -gt 0 ]; then
	if apt-get install -y --no-install-recommends "${need[@]}" >"$work/apt.log" 2>&1 ||
		{ apt-get update >>"$work/apt.log" 2>&1 &&
			apt-get install -y --no-install-recommends "${need[@]}" >>"$work/apt.log" 2>&1; }; then
		ok "apt-get install ${need[*]}"
	else
		bad "apt-get install ${need[*]}"
		tail -n 20 "$work/apt.log" | indent
		finish
	fi
fi

# --- the packages -----------------------------------------------------------
shopt -s nullglob
debs=(dist/gonvme_*.deb)
rpms=(dist/gonvme-*.rpm)
if [ "${#debs[@]}" -eq 0 ] || [ "${#rpms[@]}" -eq 0 ]; then
	note "no packages in dist/: running make -f Makefile.pkg package"
	make -f Makefile.pkg package >"$work/make.log" 2>&1 || { tail -n 20 "$work/make.log" | indent; }
	debs=(dist/gonvme_*.deb)
	rpms=(dist/gonvme-*.rpm)
fi
if [ "${#debs[@]}" -ne 1 ] || [ "${#rpms[@]}" -ne 1 ]; then
	bad "exactly one dist/gonvme_*.deb and one dist/gonvme-*.rpm (found: ${debs[*]:-none} ${rpms[*]:-none})"
	finish
fi
deb=${debs[0]}
rpm=${rpms[0]}
note "deb: $deb"
note "rpm: $rpm"
deb_version=$(dpkg-deb -f "$deb" Version)

# --- save the machine's state and put it back on exit -----------------------
had_nvme=no
if [ -e /etc/nvme ]; then
	had_nvme=yes
	cp -a /etc/nvme "$work/etc-nvme"
fi
restore() {
	dpkg -P gonvme >/dev/null 2>&1
	rm -f /etc/systemd/system/*.wants/gonvme-autoconnect.service \
		/etc/systemd/system/*.wants/gonvme-monitor.service \
		/etc/systemd/system/*.wants/gonvme-connect@*.service /etc/systemd/system/*.wants/gonvme-target.service
	rm -rf /etc/nvme
	if [ "$had_nvme" = yes ]; then
		cp -a "$work/etc-nvme" /etc/nvme
	fi
	rm -rf "$work"
}
trap restore EXIT

if dpkg-query -W -f='${Status}' gonvme 2>/dev/null | grep -qv 'not-installed'; then
	note "gonvme is installed already ($(dpkg-query -W -f='${Version}' gonvme)); purging it first"
	dpkg -P gonvme >/dev/null 2>&1
fi

# Some images keep dpkg from installing manual pages; let ours through.
dpkg_opts=()
if grep -rqsE '^[[:space:]]*path-exclude[= ][[:space:]]*/usr/share/man' /etc/dpkg/dpkg.cfg /etc/dpkg/dpkg.cfg.d; then
	dpkg_opts+=("--path-include=/usr/share/man/man8/gonvme*")
	note "dpkg excludes /usr/share/man here; installing with ${dpkg_opts[*]}"
fi
install_deb() { dpkg "${dpkg_opts[@]}" -i "$deb" </dev/null; }
remove_deb() { dpkg -r gonvme </dev/null; }
purge_deb() { dpkg -P gonvme </dev/null; }

# fingerprint FILE...: content, inode and modification time.
fingerprint() {
	local f
	for f; do
		printf '%s %s\n' "$(stat -c '%i %Y %a' "$f")" "$(sha256sum <"$f")"
	done
}

uuid_re='[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'

# --- .deb metadata -----------------------------------------------------------
check "deb metadata: name, section admin, maintainer, homepage, license in copyright" bash -c '
	f() { dpkg-deb -f "$1" "$2"; }
	[ "$(f "$1" Package)" = gonvme ] && [ "$(f "$1" Section)" = admin ] &&
	[ "$(f "$1" Maintainer)" = "gonvme developers <gonvme@example.org>" ] &&
	[ "$(f "$1" Homepage)" = https://github.com/gonvme/gonvme ] &&
	[ -n "$(f "$1" Description)" ] &&
	dpkg-deb --fsys-tarfile "$1" | tar -xOf - ./usr/share/doc/gonvme/copyright | grep -q "^License: Apache-2.0"' _ "$deb"
check "deb metadata: no Depends, Conflicts or Pre-Depends; Suggests kmod" bash -c '
	for k in Depends Pre-Depends Conflicts Breaks; do
		[ -z "$(dpkg-deb -f "$1" $k)" ] || { echo "$k: $(dpkg-deb -f "$1" $k)"; exit 1; }
	done
	[ "$(dpkg-deb -f "$1" Suggests)" = kmod ]' _ "$deb"

dpkg-deb -c "$deb" | awk '$1 ~ /^-/ { sub(/^\./, "", $6); print $6 }' | sort >"$work/deb-files"
check "deb ships none of nvme-cli's files (discovery.conf, hostnqn, hostid)" bash -c '
	! grep -E "^/etc/nvme/(discovery\.conf|hostnqn|hostid)$" "$1"' _ "$work/deb-files"
if dpkg-query -W -f='${Status}' nvme-cli 2>/dev/null | grep -q 'ok installed'; then
	dpkg -L nvme-cli | sort >"$work/nvme-cli-files"
	check "deb and the installed nvme-cli package share no file" bash -c '
		common=$(comm -12 "$1" "$2"); [ -z "$common" ] || { echo "$common"; exit 1; }' _ "$work/deb-files" "$work/nvme-cli-files"
fi

# --- install over existing identity files --------------------------------------
rm -rf /etc/nvme
mkdir -p /etc/nvme
printf 'nqn.2014-08.com.example:gonvme-check-host\n' >/etc/nvme/hostnqn
printf '0f0e0d0c-0b0a-4908-8706-050403020100\n' >/etc/nvme/hostid
touch -d '2001-02-03 04:05:06' /etc/nvme/hostnqn /etc/nvme/hostid
fingerprint /etc/nvme/hostnqn /etc/nvme/hostid >"$work/id-before"

check "dpkg -i installs the .deb (identity files present)" install_deb
check "postinst left the existing /etc/nvme/hostnqn and hostid untouched" bash -c '
	fingerprint() { for f; do printf "%s %s\n" "$(stat -c "%i %Y %a" "$f")" "$(sha256sum <"$f")"; done; }
	diff "$1" <(fingerprint /etc/nvme/hostnqn /etc/nvme/hostid)' _ "$work/id-before"

# --- what the package installed ------------------------------------------------
check "/usr/sbin/gonvme is installed, executable and static" bash -c '
	[ -x /usr/sbin/gonvme ] && [ "$(stat -c %a /usr/sbin/gonvme)" = 755 ] &&
	! readelf -lW /usr/sbin/gonvme | grep -q "Requesting program interpreter" &&
	! readelf -dW /usr/sbin/gonvme 2>/dev/null | grep -q NEEDED'
version_out=$(/usr/sbin/gonvme --version 2>&1)
note "gonvme --version: $version_out"
check "gonvme --version prints the version and commit the package was built from" bash -c '
	out=$1 deb_version=$2
	[[ $out =~ ^gonvme\ version\ ([^ ]+)\ \(commit\ ([^ ]+)\)$ ]] || { echo "unexpected: $out"; exit 1; }
	v=${BASH_REMATCH[1]} c=${BASH_REMATCH[2]}
	[ "$v" != dev ] && [ "$c" != unknown ] || { echo "version not stamped: $out"; exit 1; }
	want=$(sh packaging/version.sh deb "$v")
	[ "$want" = "$deb_version" ] || { echo "binary $v maps to $want, package is $deb_version"; exit 1; }
	[ "$(/usr/sbin/gonvme version)" = "$out" ]' _ "$version_out" "$deb_version"

# The commands the installed binary lists (each needs a manual page, in
# the .deb and the .rpm); the nvme-cli ones must be among them.
mapfile -t commands < <(/usr/sbin/gonvme --help | awk '/^COMMANDS:/{on=1; next} /^[A-Z]/{on=0} on && $1 != "" {sub(/,$/, "", $1); print $1}')
check "gonvme --help lists nvme-cli's fabrics commands" bash -c '
	for want in discover connect connect-all disconnect disconnect-all list list-subsys gen-hostnqn show-hostnqn version; do
		printf "%s\n" "$@" | grep -qx "$want" || { echo "missing $want in: $*"; exit 1; }
	done' _ "${commands[@]}"
check "man -w gonvme-connect finds the installed page" bash -c '
	[ "$(man -w gonvme-connect)" = /usr/share/man/man8/gonvme-connect.8.gz ]'
check "man -w finds gonvme(8) and a page for each of: ${commands[*]}" bash -c '
	man -w gonvme >/dev/null || exit 1
	for c; do man -w "gonvme-$c" >/dev/null || exit 1; done' _ "${commands[@]}"
check "every command gonvme --help lists has a manual page" bash -c '
	for c in $(/usr/sbin/gonvme --help | awk "/^COMMANDS:/{on=1; next} /^[A-Z]/{on=0} on && \$1 != \"\" {sub(/,$/, \"\", \$1); print \$1}"); do
		[ -f "/usr/share/man/man8/gonvme-$c.8.gz" ] || { echo "no page for $c"; exit 1; }
	done'
check "manual pages render without warnings (man --warnings)" bash -c '
	for p in /usr/share/man/man8/gonvme*.8.gz; do
		err=$(MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$p" 2>&1 >/dev/null)
		[ -z "$err" ] || { echo "$p: $err"; exit 1; }
	done'

check "bash completion in /usr/share/bash-completion/completions/gonvme and loaded by bash-completion" bash -c '
	[ -f /usr/share/bash-completion/completions/gonvme ] || exit 1
	out=$(bash -c "
		source /usr/share/bash-completion/bash_completion
		_completion_loader gonvme
		complete -p gonvme
		COMP_WORDS=(gonvme connect --transport \"\"); COMP_CWORD=3
		COMP_LINE=\"gonvme connect --transport \"; COMP_POINT=\${#COMP_LINE}
		_gonvme; echo \"\${COMPREPLY[*]}\"
		COMP_WORDS=(gonvme connect-al); COMP_CWORD=1; COMP_LINE=\"gonvme connect-al\"; COMP_POINT=\${#COMP_LINE}
		_gonvme; echo \"\${COMPREPLY[*]}\"")
	echo "$out"
	[ "$out" = "complete -F _gonvme gonvme
rdma tcp fc loop
connect-all" ]'
check "zsh completion in /usr/share/zsh/vendor-completions/_gonvme" bash -c '
	head -n 1 /usr/share/zsh/vendor-completions/_gonvme | grep -qx "#compdef gonvme" || exit 1
	if command -v zsh >/dev/null; then zsh -n /usr/share/zsh/vendor-completions/_gonvme; fi'

check "systemd units in /lib/systemd/system" test -f /lib/systemd/system/gonvme-autoconnect.service -a -f /lib/systemd/system/gonvme-connect@.service \
	-a -f /lib/systemd/system/gonvme-target.service -a -f /lib/systemd/system/gonvme-monitor.service
# systemd-analyze verify works without systemd as PID 1 (it loads the units
# into a test manager). It exits 0 on some problems (unknown keys), so any
# output at all counts as a failure.
check "systemd-analyze verify accepts gonvme-autoconnect.service, gonvme-connect@.service, gonvme-target.service and gonvme-monitor.service" bash -c '
	out=$(systemd-analyze verify /lib/systemd/system/gonvme-autoconnect.service \
		/lib/systemd/system/gonvme-connect@.service /lib/systemd/system/gonvme-target.service \
		/lib/systemd/system/gonvme-monitor.service 2>&1) && [ -z "$out" ] || { echo "$out"; exit 1; }'
check "gonvme-target.service: restore at start, clear at stop, remains active, like nvmetcli's nvmet.service" bash -c '
	u=/lib/systemd/system/gonvme-target.service
	grep -qx "ExecStart=/usr/sbin/gonvme target restore" $u && grep -qx "ExecStop=/usr/sbin/gonvme target clear" $u &&
	grep -qx "Type=oneshot" $u && grep -qx "RemainAfterExit=yes" $u && grep -qx "Requires=sys-kernel-config.mount" $u'
check "gonvme target restore without /etc/nvmet/config.json is exit 0 with a note (the unit at a first boot)" bash -c '
	root=$(mktemp -d); trap "rm -rf $root" EXIT
	out=$(GONVME_ROOT=$root /usr/sbin/gonvme target restore 2>&1) && printf "%s\n" "$out" | grep -q "no /etc/nvmet/config.json: nothing to restore" ||
		{ echo "$out"; exit 1; }'
check "gonvme-monitor.service: Type=notify monitor, conflicts with gonvme-autoconnect.service, reload by SIGHUP" bash -c '
	u=/lib/systemd/system/gonvme-monitor.service
	grep -qx "ExecStart=/usr/sbin/gonvme monitor \$GONVME_MONITOR_FLAGS" $u &&
	grep -qx "Type=notify" $u && grep -qx "Conflicts=gonvme-autoconnect.service" $u &&
	grep -qx "ExecReload=/bin/kill -HUP \$MAINPID" $u && grep -qx "After=network-online.target" $u'
check "gonvme-autoconnect.service: connect-all after network-online.target, oneshot, only with discovery.conf or config.json" bash -c '
	u=/lib/systemd/system/gonvme-autoconnect.service
	grep -qx "ExecStart=/usr/sbin/gonvme connect-all \$GONVME_CONNECT_ALL_FLAGS" $u &&
	grep -qx "After=network-online.target" $u && grep -qx "Wants=network-online.target" $u &&
	grep -qx "Type=oneshot" $u &&
	grep -qx "ConditionPathExists=|/etc/nvme/discovery.conf" $u &&
	grep -qx "ConditionPathExists=|/etc/nvme/config.json" $u'
check "udev rules and helper: 71-gonvme-autoconnect.rules, /usr/lib/gonvme/udev-autoconnect (0755), gonvme-aen@.service" bash -c '
	r=/lib/udev/rules.d/71-gonvme-autoconnect.rules
	grep -q "ENV{NVME_AEN}==\"0x70f002\", RUN+=\"/usr/lib/gonvme/udev-autoconnect \$kernel\"" $r &&
	grep -q "ENV{NVME_EVENT}==\"rediscover\", RUN+=\"/usr/lib/gonvme/udev-autoconnect \$kernel\"" $r &&
	[ "$(stat -c %a /usr/lib/gonvme/udev-autoconnect)" = 755 ] &&
	systemd-analyze verify /lib/systemd/system/gonvme-aen@.service'
check "the udev helper is inert by default and starts gonvme-aen@nvmeN.service only when turned on" bash -c '
	d=$(mktemp -d) && trap "rm -rf $d" EXIT
	printf "#!/bin/sh\necho \"\$*\" >>%s/calls\n" "$d" >"$d/systemctl" && chmod +x "$d/systemctl"
	PATH=$d:$PATH /usr/lib/gonvme/udev-autoconnect nvme3 && [ ! -e "$d/calls" ] || exit 1
	cp /etc/default/gonvme "$d/defaults" && echo GONVME_UDEV_AUTOCONNECT=yes >>"$d/defaults"
	for dev in nvme3 nvme "nvme3;x" ../nvme1 nvme1n1; do
		PATH=$d:$PATH GONVME_DEFAULTS=$d/defaults /usr/lib/gonvme/udev-autoconnect "$dev"
	done
	[ "$(cat "$d/calls")" = "--no-block start gonvme-aen@nvme3.service" ]'
check "udev TLS keys rule and helper: 71-gonvme-tls-keys.rules (not nvme-cli's 70-nvmf-keys.rules), /usr/lib/gonvme/udev-tls-keys (0755)" bash -c '
	r=/lib/udev/rules.d/71-gonvme-tls-keys.rules
	grep -q "ACTION==\"add\", SUBSYSTEM==\"module\", KERNEL==\"nvme_tcp\", TEST==\"/etc/nvme/tls-keys\", RUN+=\"/usr/lib/gonvme/udev-tls-keys\"" $r &&
	! dpkg -S /lib/udev/rules.d/70-nvmf-keys.rules 2>/dev/null | grep -q gonvme &&
	[ "$(stat -c %a /usr/lib/gonvme/udev-tls-keys)" = 755 ]'
check "the udev TLS keys helper is inert by default and runs gonvme tls-key --import only when turned on" bash -c '
	d=$(mktemp -d) && trap "rm -rf $d" EXIT
	printf "#!/bin/sh\necho \"\$*\" >>%s/calls\n" "$d" >"$d/gonvme" && chmod +x "$d/gonvme"
	PATH=$d:$PATH /usr/lib/gonvme/udev-tls-keys && [ ! -e "$d/calls" ] || exit 1
	cp /etc/default/gonvme "$d/defaults" && echo GONVME_UDEV_TLS_KEYS=yes >>"$d/defaults"
	if [ -f /etc/nvme/tls-keys ]; then
		PATH=$d:$PATH GONVME_DEFAULTS=$d/defaults /usr/lib/gonvme/udev-tls-keys &&
		[ "$(cat "$d/calls")" = "tls-key --import --keyfile /etc/nvme/tls-keys" ]
	else
		touch /etc/nvme/tls-keys
		PATH=$d:$PATH GONVME_DEFAULTS=$d/defaults /usr/lib/gonvme/udev-tls-keys; rc=$?
		rm -f /etc/nvme/tls-keys
		[ $rc = 0 ] && [ "$(cat "$d/calls")" = "tls-key --import --keyfile /etc/nvme/tls-keys" ]
	fi'
check "units are not enabled by the installation" bash -c '
	[ "$(systemctl is-enabled gonvme-autoconnect.service 2>&1)" = disabled ] &&
	[ "$(systemctl is-enabled gonvme-target.service 2>&1)" = disabled ] &&
	[ "$(systemctl is-enabled gonvme-monitor.service 2>&1)" = disabled ] &&
	! ls /etc/systemd/system/*.wants/gonvme-* 2>/dev/null | grep -q .'
check "/etc/default/gonvme is a conffile" bash -c '
	dpkg-query -W -f="\${Conffiles}\n" gonvme | grep -q "^ /etc/default/gonvme "'
check "docs: README, LICENSE, copyright, changelog, examples in /usr/share/doc/gonvme" bash -c '
	d=/usr/share/doc/gonvme
	for f in README.md LICENSE copyright changelog.Debian.gz examples/discovery.conf examples/gonvme-connect.d/example.conf; do
		[ -f $d/$f ] || { echo "missing $d/$f"; exit 1; }
	done
	cmp -s $d/LICENSE LICENSE || cmp -s $d/LICENSE /usr/share/common-licenses/Apache-2.0'

# The copyright file must name every Go module linked into the binary.
go_bin=$(command -v go || echo /usr/local/go/bin/go)
if [ -x "$go_bin" ]; then
	check "copyright covers every Go module linked into /usr/sbin/gonvme" bash -c '
		missing=
		for m in $("$1" version -m /usr/sbin/gonvme | awk "\$1 == \"dep\" {print \$2}"); do
			grep -qx "Files: $m/\*" /usr/share/doc/gonvme/copyright || missing="$missing $m"
		done
		[ -z "$missing" ] || { echo "not in debian/copyright:$missing"; exit 1; }' _ "$go_bin"
else
	note "skipped: copyright vs linked modules (no go toolchain)"
fi

# The shipped examples must be accepted by gonvme. In a fake root without
# /dev/nvme-fabrics every connect fails (exit status 1, one "host driver is
# not loaded" line per discovery controller), while a value gonvme cannot
# read is reported with its file and line, or as bad usage (exit status 2).
check "examples/discovery.conf: every line is a discovery controller gonvme accepts" bash -c '
	root=$(mktemp -d); trap "rm -rf $root" EXIT
	mkdir -p $root/etc/nvme $root/sys/class/nvme $root/sys/class/nvme-subsystem $root/dev
	cp /usr/share/doc/gonvme/examples/discovery.conf $root/etc/nvme/
	want=$(grep -cv -e "^#" -e "^[[:space:]]*$" $root/etc/nvme/discovery.conf)
	out=$(GONVME_ROOT=$root /usr/sbin/gonvme discover --config=none 2>&1); rc=$?
	got=$(printf "%s\n" "$out" | grep -c "host driver is not loaded")
	[ "$rc" = 1 ] && [ "$got" = "$want" ] && ! printf "%s\n" "$out" | grep -Eq "discovery\.conf:[0-9]+: " ||
		{ echo "exit $rc, $got of $want controllers tried:"; echo "$out"; exit 1; }'
check "examples/gonvme-connect.d/example.conf and /etc/default/gonvme give connect-all valid flags" bash -c '
	root=$(mktemp -d); trap "rm -rf $root" EXIT
	mkdir -p $root/etc/nvme $root/sys/class/nvme $root/sys/class/nvme-subsystem $root/dev
	. /usr/share/doc/gonvme/examples/gonvme-connect.d/example.conf
	. /etc/default/gonvme
	example=$(sed -n "s/^#   GONVME_CONNECT_ALL_FLAGS=\"\(.*\)\"$/\1/p" /etc/default/gonvme)
	[ -n "$GONVME_DISCOVERY" ] && [ -n "$example" ] || { echo "variables not found"; exit 1; }
	out=$(GONVME_ROOT=$root /usr/sbin/gonvme connect-all $GONVME_CONNECT_ALL_FLAGS $example $GONVME_DISCOVERY 2>&1); rc=$?
	[ "$rc" = 1 ] && [ "$(printf "%s\n" "$out" | grep -c "host driver is not loaded")" = 1 ] ||
		{ echo "exit $rc:"; echo "$out"; exit 1; }'

# --- local edits of a conffile survive reinstalling ------------------------------
echo '# local edit by check.sh' >>/etc/default/gonvme
check "dpkg -i again (reinstall) keeps the local edit of /etc/default/gonvme" bash -c '
	dpkg "$@" </dev/null >/dev/null 2>&1 && grep -qx "# local edit by check.sh" /etc/default/gonvme' _ "${dpkg_opts[@]}" -i "$deb"

# --- enabled units, then dpkg -r -------------------------------------------------
cp /usr/share/doc/gonvme/examples/gonvme-connect.d/example.conf /etc/nvme/gonvme-connect.d/check.conf
check "systemctl enable gonvme-autoconnect.service gonvme-connect@check.service gonvme-target.service gonvme-monitor.service" bash -c '
	systemctl enable gonvme-autoconnect.service gonvme-connect@check.service gonvme-target.service gonvme-monitor.service &&
	[ -L /etc/systemd/system/multi-user.target.wants/gonvme-target.service ] &&
	[ -L /etc/systemd/system/multi-user.target.wants/gonvme-autoconnect.service ] &&
	[ -L /etc/systemd/system/multi-user.target.wants/gonvme-monitor.service ] &&
	[ -L /etc/systemd/system/multi-user.target.wants/gonvme-connect@check.service ]'
fingerprint /etc/nvme/hostnqn /etc/nvme/hostid >"$work/id-before"
check "dpkg -r removes the package" remove_deb
check "dpkg -r removed the binary, units, manual pages and completion" bash -c '
	for f in /usr/sbin/gonvme /lib/systemd/system/gonvme-autoconnect.service /lib/systemd/system/gonvme-connect@.service \
		/lib/systemd/system/gonvme-target.service \
		/lib/systemd/system/gonvme-monitor.service /lib/systemd/system/gonvme-aen@.service \
		/lib/udev/rules.d/71-gonvme-autoconnect.rules /usr/lib/gonvme/udev-autoconnect \
		/lib/udev/rules.d/71-gonvme-tls-keys.rules /usr/lib/gonvme/udev-tls-keys \
		/usr/share/man/man8/gonvme.8.gz /usr/share/man/man8/gonvme-connect.8.gz \
		/usr/share/bash-completion/completions/gonvme /usr/share/zsh/vendor-completions/_gonvme; do
		[ ! -e $f ] || { echo "still there: $f"; exit 1; }
	done
	[ "$(dpkg-query -W -f="\${Status}" gonvme)" = "deinstall ok config-files" ]'
check "dpkg -r removed the enablement links (no dangling links)" bash -c '
	! ls -l /etc/systemd/system/*.wants/gonvme-* 2>/dev/null | grep .'
check "dpkg -r left /etc/nvme alone (hostnqn, hostid, gonvme-connect.d/check.conf)" bash -c '
	fingerprint() { for f; do printf "%s %s\n" "$(stat -c "%i %Y %a" "$f")" "$(sha256sum <"$f")"; done; }
	diff "$1" <(fingerprint /etc/nvme/hostnqn /etc/nvme/hostid) && [ -f /etc/nvme/gonvme-connect.d/check.conf ]' _ "$work/id-before"
check "dpkg -P purges /etc/default/gonvme and still leaves /etc/nvme alone" bash -c '
	dpkg -P gonvme </dev/null >/dev/null 2>&1 || true
	[ ! -e /etc/default/gonvme ] && [ -f /etc/nvme/hostnqn ] && [ -f /etc/nvme/hostid ] &&
	! dpkg-query -W gonvme >/dev/null 2>&1'

# --- install with identity files missing -------------------------------------------
rm -rf /etc/nvme
check "dpkg -i without /etc/nvme" install_deb
check "postinst created /etc/nvme/hostnqn (UUID form, 0644) and hostid = the UUID in it" bash -c '
	re=$1
	nqn=$(cat /etc/nvme/hostnqn) id=$(cat /etc/nvme/hostid)
	echo "hostnqn=$nqn hostid=$id"
	[[ $nqn =~ ^nqn\.2014-08\.org\.nvmexpress:uuid:($re)$ ]] || exit 1
	[ "$id" = "${BASH_REMATCH[1]}" ] &&
	[ "$(stat -c %a /etc/nvme/hostnqn)" = 644 ] && [ "$(stat -c %a /etc/nvme/hostid)" = 644 ] &&
	[ "$(/usr/sbin/gonvme show-hostnqn)" = "$nqn" ]' _ "$uuid_re"
purge_deb >/dev/null 2>&1

rm -f /etc/nvme/hostid
printf 'nqn.2014-08.org.nvmexpress:uuid:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\n' >/etc/nvme/hostnqn
fingerprint /etc/nvme/hostnqn >"$work/nqn-before"
install_deb >/dev/null 2>&1
check "hostnqn present, hostid missing: hostid created from the hostnqn's UUID, hostnqn untouched" bash -c '
	fingerprint() { for f; do printf "%s %s\n" "$(stat -c "%i %Y %a" "$f")" "$(sha256sum <"$f")"; done; }
	diff "$1" <(fingerprint /etc/nvme/hostnqn) &&
	[ "$(cat /etc/nvme/hostid)" = 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d ]' _ "$work/nqn-before"
purge_deb >/dev/null 2>&1

rm -f /etc/nvme/hostnqn
printf '5a5a5a5a-1b1b-4c4c-8d8d-6e6e6e6e6e6e\n' >/etc/nvme/hostid
fingerprint /etc/nvme/hostid >"$work/id-before"
install_deb >/dev/null 2>&1
check "hostid present, hostnqn missing: hostnqn created by gen-hostnqn, hostid untouched" bash -c '
	fingerprint() { for f; do printf "%s %s\n" "$(stat -c "%i %Y %a" "$f")" "$(sha256sum <"$f")"; done; }
	diff "$1" <(fingerprint /etc/nvme/hostid) &&
	grep -Eqx "nqn\.2014-08\.org\.nvmexpress:uuid:$2" /etc/nvme/hostnqn' _ "$work/id-before" "$uuid_re"
purge_deb >/dev/null 2>&1

# --- lintian ---------------------------------------------------------------------
lintian --display-level '>=warning' --fail-on error "$deb" >"$work/lintian.log" 2>&1
lintian_rc=$?
grep -v 'running with root privileges' "$work/lintian.log" >"$work/lintian.tags"
if [ "$lintian_rc" -eq 0 ] && ! grep -q '^E: ' "$work/lintian.tags"; then
	ok "lintian: no errors on the .deb (warnings: $(grep -c '^W: ' "$work/lintian.tags"))"
else
	bad "lintian: errors on the .deb (exit $lintian_rc)"
fi
indent 50 <"$work/lintian.tags"

# --- the .rpm --------------------------------------------------------------------
cat >"$work/rpm-expected" <<'EOF'
/etc/default/gonvme
/etc/nvme/gonvme-connect.d
/usr/lib/systemd/system/gonvme-autoconnect.service
/usr/lib/systemd/system/gonvme-connect@.service
/usr/lib/systemd/system/gonvme-target.service
/usr/lib/systemd/system/gonvme-aen@.service
/usr/lib/systemd/system/gonvme-monitor.service
/usr/lib/udev/rules.d/71-gonvme-autoconnect.rules
/usr/lib/udev/rules.d/71-gonvme-tls-keys.rules
/usr/lib/gonvme
/usr/lib/gonvme/udev-autoconnect
/usr/lib/gonvme/udev-tls-keys
/usr/sbin/gonvme
/usr/share/bash-completion/completions/gonvme
/usr/share/doc/gonvme
/usr/share/doc/gonvme/README.md
/usr/share/doc/gonvme/examples
/usr/share/doc/gonvme/examples/discovery.conf
/usr/share/doc/gonvme/examples/gonvme-connect.d
/usr/share/doc/gonvme/examples/gonvme-connect.d/example.conf
/usr/share/licenses/gonvme
/usr/share/licenses/gonvme/LICENSE
/usr/share/zsh/site-functions/_gonvme
EOF
for c in "" "${commands[@]}"; do
	echo "/usr/share/man/man8/gonvme${c:+-$c}.8.gz"
done >>"$work/rpm-expected"
sort -o "$work/rpm-expected" "$work/rpm-expected"
check "rpm -qpl lists exactly the expected files" bash -c '
	diff "$1" <(rpm -qpl "$2" 2>/dev/null | sort)' _ "$work/rpm-expected" "$rpm"
rpm -qpi "$rpm" 2>/dev/null | indent 12
check "rpm -qpi: name, version, license, URL, summary" bash -c '
	info=$(rpm -qpi "$1" 2>/dev/null)
	field() { printf "%s\n" "$info" | sed -n "s/^$1 *: //p"; }
	[ "$(field Name)" = gonvme ] && [ "$(field License)" = Apache-2.0 ] &&
	[ "$(field URL)" = https://github.com/gonvme/gonvme ] &&
	[ "$(field Version)-$(field Release)" = "$2" ] &&
	[ -n "$(field Summary)" ] && printf "%s\n" "$info" | grep -q "^Description :"' _ "$rpm" "$deb_version"
check "rpm -qp --scripts: %post creates the host identity, %preun disables units, %postun reloads" bash -c '
	s=$(rpm -qp --scripts "$1" 2>/dev/null)
	printf "%s\n" "$s" | grep -q "^postinstall scriptlet" &&
	printf "%s\n" "$s" | grep -q "/usr/sbin/gonvme gen-hostnqn" &&
	printf "%s\n" "$s" | grep -q "^preuninstall scriptlet" &&
	printf "%s\n" "$s" | grep -q "systemctl --no-reload disable gonvme-autoconnect.service" &&
	printf "%s\n" "$s" | grep -q "systemctl --no-reload disable gonvme-target.service" &&
	printf "%s\n" "$s" | grep -q "^postuninstall scriptlet"' _ "$rpm"
check "rpm: /etc/default/gonvme is %config(noreplace), LICENSE is %license" bash -c '
	[ "$(rpm -qpc "$1" 2>/dev/null)" = /etc/default/gonvme ] &&
	rpm -qp --qf "[%{FILEFLAGS:fflags} %{FILENAMES}\n]" "$1" 2>/dev/null | grep -qx "cn /etc/default/gonvme" &&
	rpm -qpL "$1" 2>/dev/null | grep -qx /usr/share/licenses/gonvme/LICENSE' _ "$rpm"
check "rpm: no run-time requirements beyond /bin/sh; suggests kmod" bash -c '
	req=$(rpm -qp --requires "$1" 2>/dev/null | grep -v "^rpmlib(" | grep -vx "/bin/sh")
	[ -z "$req" ] || { echo "requires: $req"; exit 1; }
	[ "$(rpm -qp --suggests "$1" 2>/dev/null)" = kmod ] &&
	[ -z "$(rpm -qp --conflicts "$1" 2>/dev/null)" ]' _ "$rpm"
check "rpm: digests verify and /usr/sbin/gonvme is mode 0755" bash -c '
	rpm -K --nosignature "$1" 2>/dev/null | grep -q "digests OK" &&
	rpm -qp --qf "[%{FILEMODES:perms} %{FILENAMES}\n]" "$1" 2>/dev/null | grep -qx -- "-rwxr-xr-x /usr/sbin/gonvme"' _ "$rpm"

# --- packaging/version.sh ----------------------------------------------------------------
check "packaging/version.sh maps git describe to sortable package versions" bash -c '
	while read -r in semver deb; do
		[ "$(sh packaging/version.sh semver "$in")" = "$semver" ] &&
		[ "$(sh packaging/version.sh deb "$in")" = "$deb" ] || { echo "$in"; exit 1; }
	done <<EOT
v1.2.3 1.2.3 1.2.3-1
v1.2.3-4-gabc1234 1.2.3+4.gabc1234 1.2.3+4.gabc1234-1
v1.2.3-rc1 1.2.3-rc1 1.2.3~rc1-1
v1.2.3-4-gabc1234-dirty 1.2.3+4.gabc1234.dirty 1.2.3+4.gabc1234.dirty-1
abc1234 0.0.0+gabc1234 0.0.0+gabc1234-1
0.0.0-dev 0.0.0-dev 0.0.0~dev-1
EOT
	dpkg --compare-versions 1.2.3~rc1-1 lt 1.2.3-1 && dpkg --compare-versions 1.2.3-1 lt 1.2.3+4.gabc1234-1 &&
	dpkg --compare-versions 1.2.3+4.gabc1234-1 lt 1.2.4-1'

# --- reproducibility ----------------------------------------------------------------------
if command -v make >/dev/null && [ -x "$go_bin" ] && [ -f Makefile.pkg ]; then
	sha256sum "$deb" "$rpm" >"$work/sums"
	if PATH=$PATH:$(dirname "$go_bin") make -f Makefile.pkg package >"$work/rebuild.log" 2>&1; then
		if [ -f "$deb" ] && [ -f "$rpm" ]; then
			check "rebuilding gives byte-identical .deb and .rpm (reproducible)" sha256sum -c --quiet "$work/sums" ||
				note "(a source edited between the two builds, even an untracked file, also changes them)"
		else
			note "skipped: reproducibility (the sources changed since $deb was built: the rebuild is $(ls dist/gonvme_*.deb))"
		fi
	else
		bad "rebuilding the packages failed"
		tail -n 20 "$work/rebuild.log" | indent
	fi
else
	note "skipped: reproducibility (needs make and go)"
fi

finish
