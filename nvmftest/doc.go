// Package nvmftest is a fake kernel edge for the tests of nvmf and cli: a
// host root in a temporary directory (empty, or a copy of the sysfs tree
// and /etc/nvme captured from a real kernel, 6.1 unless told), a fake
// /dev/nvme-fabrics that records every option string, refuses what the
// kernel's transport drivers refuse (tokens a transport does not take,
// missing required ones, malformed FC addresses, a transport whose module is
// not loaded) and creates controllers in that root,
// admin devices that serve discovery log pages and Identify data, and a
// controller delete that records its calls and their concurrency.
//
// It is for tests only; nothing in the binary imports it.
package nvmftest
