// Package kmsg reads the kernel log records that appear while an operation
// runs, so a failed connect can show the kernel's own explanation (for
// example "rdma connection establishment failed (-104)") next to the error.
//
// A Journal is opened before the operation (it skips everything already
// logged) and read after it. Parsing a /dev/kmsg record is a pure function.
package kmsg
