// Package sdnotify tells the service manager about the daemon's state
// (READY=1, RELOADING=1, STOPPING=1, STATUS=…) over the datagram socket
// that systemd names in NOTIFY_SOCKET, for Type=notify units.
package sdnotify
