#!/bin/sh
# gonvme: after installation or upgrade (deb postinst "configure"; rpm %post
# with 1 or 2). Creates the host identity files that are missing, never
# touching existing ones (nvme-cli's included), and lets systemd see the
# units. No unit is enabled or started.
set -e

hostnqn_file=/etc/nvme/hostnqn
hostid_file=/etc/nvme/hostid

# has_content FILE: FILE exists and holds more than white space; gonvme
# treats an empty identity file as missing too.
has_content() {
	[ -f "$1" ] && grep -q '[^[:space:]]' "$1"
}

# write_file FILE VALUE: writes the line VALUE to FILE, mode 0644, through a
# temporary file so that FILE is never left half written.
write_file() {
	tmp="$1.gonvme-new"
	(umask 022 && printf '%s\n' "$2" >"$tmp")
	mv -f "$tmp" "$1"
}

# uuid_of NQN: the UUID of a UUID-form host NQN, in lower case; nothing for
# any other NQN.
uuid_of() {
	printf '%s\n' "$1" |
		sed -n 's/^nqn\.2014-08\.org\.nvmexpress:uuid:\([0-9A-Fa-f]\{8\}-[0-9A-Fa-f]\{4\}-[0-9A-Fa-f]\{4\}-[0-9A-Fa-f]\{4\}-[0-9A-Fa-f]\{12\}\)$/\1/p' |
		tr 'A-F' 'a-f'
}

create_identity() {
	mkdir -p /etc/nvme
	if ! has_content "$hostnqn_file"; then
		# gen-hostnqn: the DMI product UUID when valid, else a random one.
		nqn=$(GONVME_ROOT= /usr/sbin/gonvme gen-hostnqn) || nqn=
		case $nqn in
		nqn.*) ;;
		*)
			echo "gonvme: 'gonvme gen-hostnqn' failed; $hostnqn_file not created" >&2
			return 0
			;;
		esac
		write_file "$hostnqn_file" "$nqn"
		echo "gonvme: created $hostnqn_file"
	fi
	if ! has_content "$hostid_file"; then
		# The UUID inside the host NQN, as gonvme derives it when the file
		# is missing; a random one when the host NQN has no UUID.
		nqn=$(sed -n '/[^[:space:]]/{s/[[:space:]]//g;p;q;}' "$hostnqn_file")
		id=$(uuid_of "$nqn")
		if [ -z "$id" ]; then
			id=$(cat /proc/sys/kernel/random/uuid)
		fi
		write_file "$hostid_file" "$id"
		echo "gonvme: created $hostid_file"
	fi
}

case "$1" in
configure | 1 | 2)
	create_identity
	if [ -d /run/systemd/system ]; then
		systemctl --system daemon-reload >/dev/null 2>&1 || true
	fi
	;;
esac

exit 0
