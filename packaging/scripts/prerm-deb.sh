#!/bin/sh
# gonvme .deb prerm: before removal ("remove"), not before an upgrade.
# Removes the links that enabling gonvme's units created (systemctl enable
# gonvme-autoconnect.service, gonvme-connect@NAME.service,
# gonvme-target.service), which would
# otherwise dangle once the unit files are gone. deb-systemd-helper cannot
# do this: it only removes links it made itself, and the package enables
# nothing. gonvme-monitor.service, a daemon, is stopped (its I/O
# controllers stay connected); nothing else is: the connect units are
# oneshot, and stopping gonvme-target.service would take the target's
# storage off the network.
set -e

if [ "$1" = remove ]; then
	# The monitor is a daemon: stop it (its I/O controllers stay connected).
	if [ -d /run/systemd/system ]; then
		systemctl stop gonvme-monitor.service >/dev/null 2>&1 || true
	fi
	for link in /etc/systemd/system/*.wants/gonvme-autoconnect.service \
		/etc/systemd/system/*.wants/gonvme-monitor.service \
		/etc/systemd/system/*.wants/gonvme-connect@*.service \
		/etc/systemd/system/*.wants/gonvme-target.service; do
		[ -L "$link" ] || continue
		case $(readlink "$link") in
		*/gonvme-autoconnect.service | */gonvme-monitor.service | */gonvme-connect@.service | */gonvme-target.service)
			rm -f "$link"
			;;
		esac
	done
fi

exit 0
