// Package tlspsk is the NVMe/TCP TLS pre-shared key arithmetic: the PSK
// interchange format ("NVMeTLSkey-1:01:<base64 key and CRC-32>:"), the
// retained PSK derived from a configured one, the TLS PSK identity
// (version 0 of NVMe TCP 1.0c, version 1 of NVMe TCP 2.0 with its PSK
// digest) and the TLS PSK derived for that identity, with the results
// nvme-cli 2.16 (libnvme 1.16) gets for the same input, including its
// older ("compat") derivation. It does no I/O.
package tlspsk
