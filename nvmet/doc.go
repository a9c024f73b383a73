// Package nvmet configures the Linux NVMe over Fabrics target (the kernel's
// nvmet) and null_blk devices through configfs: subsystems, namespaces,
// hosts, ports, referrals, and whole configurations in nvmetcli's JSON
// format (Read, Clear, Restore). It only reads and writes configfs; loading
// modules and mounting configfs are the caller's.
//
// A Target works on a configfs mount point given at construction (default
// /sys/kernel/config): nvmet lives under <root>/nvmet, null_blk devices under
// <root>/nullb. When the root is not a configfs mount (an ordinary directory,
// as in unit tests) the Target emulates the configfs rules that matter:
// default groups are created on mkdir, attribute files are created on write,
// and removing a group fails while it still holds links or child groups.
//
// Typical use:
//
//	t := nvmet.New("")
//	dev, _ := t.CreateNullBlk("nullb0", 64)
//	_ = t.CreateSubsystem(nvmet.Subsystem{NQN: nqn, AllowAnyHost: true,
//		Namespaces: []nvmet.Namespace{{NSID: 1, DevicePath: dev}}})
//	_ = t.CreatePort(1, nvmet.Addr{Trtype: "rdma", Adrfam: "ipv4",
//		Traddr: "169.254.99.1", Trsvcid: "4420"})
//	_ = t.Link(1, nqn)
//	cfg, _ := t.Read() // cfg.Marshal() is what nvmetcli save writes
package nvmet
