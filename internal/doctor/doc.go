// Package doctor finds why a host cannot reach an NVMe over Fabrics
// target: a checklist over the host (modules, /dev/nvme-fabrics, host
// identity), its RDMA devices, the kernel's route to the target and the
// target itself, each check ok, warn, fail or skip with its evidence and,
// for warn and fail, the fix. The checks are pure functions over facts the
// caller gathers through Probes; this package never prints.
package doctor
