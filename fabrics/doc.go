// Package fabrics connects and disconnects NVMe over Fabrics controllers
// through the Linux kernel.
//
// A connect is one write of a comma-separated option string to
// /dev/nvme-fabrics ("nqn=…,transport=rdma,traddr=…"), answered by
// "instance=N,cntlid=M" naming the new controller /dev/nvmeN. The kernel
// splits that string on ',' and '\n', so every value is validated before
// anything is written: a value that could smuggle an extra option is refused.
//
// The pieces, pure first:
//   - Options holds every kernel token; Validate checks values, per-transport
//     rules and ranges; Check returns the Validated options that Encode
//     writes as the option string, in a fixed order.
//   - ParseSupported reads the kernel's list of known tokens and
//     Options.Restrict drops defaults the running kernel lacks.
//   - ParseReply reads the kernel's answer to a connect.
//   - Explain turns an errno into what it usually means and what to try.
//
// The edge is the Kernel interface (NewKernel for the real device); Connect
// ties it all together and Disconnect deletes a controller through sysfs.
// Failures from the kernel are *KernelError values that unwrap to their
// syscall.Errno.
package fabrics
