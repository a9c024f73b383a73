#!/bin/sh
# gonvme .rpm %preun: before erasure ($1 = 0), not before an upgrade.
# Disables the units the administrator enabled, as RPM distributions'
# %systemd_preun does, so that no dangling enablement links remain, and
# stops gonvme-monitor.service, a daemon (its I/O controllers stay
# connected). Nothing else is stopped: the connect units are oneshot, and
# stopping gonvme-target.service would take the target's storage off the
# network.
set -e

if [ "$1" = 0 ] && command -v systemctl >/dev/null 2>&1; then
	systemctl --no-reload disable gonvme-autoconnect.service >/dev/null 2>&1 || true
	systemctl --no-reload disable gonvme-target.service >/dev/null 2>&1 || true
	systemctl --no-reload disable --now gonvme-monitor.service >/dev/null 2>&1 || true
	for link in /etc/systemd/system/*.wants/gonvme-connect@*.service; do
		[ -L "$link" ] || continue
		systemctl --no-reload disable "${link##*/}" >/dev/null 2>&1 || true
	done
fi

exit 0
