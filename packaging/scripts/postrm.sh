#!/bin/sh
# gonvme: after removal (deb postrm "remove" or "purge"; rpm %postun with
# 0). Lets systemd forget the units. /etc/nvme (host NQN, host ID, nvme-cli's
# files, gonvme-connect.d files the administrator wrote) is left alone.
set -e

case "$1" in
remove | purge | 0)
	if [ -d /run/systemd/system ]; then
		systemctl --system daemon-reload >/dev/null 2>&1 || true
	fi
	;;
esac

exit 0
