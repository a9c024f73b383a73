// Package hostauth tells whether the running kernel can authenticate as
// an NVMe-oF host with DH-HMAC-CHAP. /dev/nvme-fabrics lists dhchap_secret
// even on kernels built without host authentication (Debian 12's 6.1),
// which then ignore the secret and connect unauthenticated wherever the
// target allows it; this package looks at what the kernel was built with.
//
// Probe reads, in order: the dhchap_secret attribute of connected fabrics
// controllers (present exactly when the support is built in, on every
// kernel), the kernel configuration (/proc/config.gz or
// /boot/config-<release>, often absent) and the module that provides the
// authentication code (nvme_core holds nvme_auth since 6.7, nvme_common
// before). HasSecretAttr checks one controller after a connect.
package hostauth
