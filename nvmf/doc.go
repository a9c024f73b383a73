// Package nvmf is gonvme's NVMe over Fabrics host library: what a CSI
// node plugin or an orchestrator does with remote NVMe subsystems, done
// through the kernel itself (/dev/nvme-fabrics, admin ioctls, sysfs).
//
// An Edge is the host: NewEdge(hostfs.New("/")) for the real one, or
// nvmftest.New for a fake kernel that refuses what the kernel refuses.
// On it:
//
//   - Discover reads one discovery log; Walk follows referrals; ConnectAll
//     connects every path the logs offer, as connect-all does.
//   - ConnectContext connects one path and returns its controller; a path
//     connected already returns the existing controller with an error
//     matching ErrAlreadyConnected.
//   - Attach connects a subsystem by NQN through discovery controllers and
//     waits for its namespace devices (WaitNamespaces), under a lock that
//     serializes attaches and detaches across processes (Lock); Detach
//     disconnects it only when no namespace is mounted, held or open.
//   - Disconnect, DisconnectNQN and DisconnectTransport delete
//     controllers; Topology reads subsystems, controllers, namespaces and
//     paths with their ANA state; NamespaceIdentifiers gives a namespace's
//     NSID, NGUID, UUID, EUI-64 and /dev/disk/by-id names; Rescan rereads
//     namespaces after a resize.
//   - Every connect first refuses what the kernel could not carry out:
//     a secret it cannot use (CheckAuth), a TLS connect without its TLS
//     layer or cipher (CheckTLS, which loads the tls and gcm modules
//     first; ErrTLSUnavailable).
//
// Failures match classes with errors.Is (ErrNothingListening,
// ErrNotOffered, ErrHostNotAllowed, ErrModuleNotLoaded, ErrPermission, …);
// their text explains the cause. Calls that may block take a context.
// The package never prints or logs; secrets never appear in its errors.
package nvmf
