// Package e2e is gonvme's end-to-end suite. Its tests (build tag e2e) are
// compiled into a static test binary that runs inside the QEMU guest of
// internal/vmtest, as root, against a real kernel NVMe-oF target (nvmet over
// soft-RoCE on a guest veth, and over TCP on 127.0.0.1), with nvme-cli in
// the same guest as the reference. Run it with `make e2e`.
package e2e
