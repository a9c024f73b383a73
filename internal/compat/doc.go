// Package compat names the nvme-cli 2.x releases whose output gonvme can
// reproduce (the --compat profiles) and, for each way their output
// differs, the releases that print it that way and the nvme-cli source it
// was read from. It is pure data: the render and cli packages ask a
// Profile whether it has a Feature.
package compat
