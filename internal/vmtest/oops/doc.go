// Package oops recognises, in the kernel's log messages, an oops whose
// call trace runs through the NVMe target modules (nvmet, nvmet_rdma,
// nvmet_tcp): the e2e suite's own target in the guest has crashed, and
// every later test would wait on it until the guest's timeout.
package oops
