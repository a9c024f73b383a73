// Package discovery reads, decodes and encodes the NVMe over Fabrics
// discovery log page (log identifier 0x70) that a discovery controller
// returns: one record per NVM subsystem port or referral a host may connect
// to.
//
// Decode and Encode are pure functions over the little-endian wire format.
// Decode treats its input as untrusted: a record count larger than the data
// present is an error (DecodePartial keeps the complete records), nothing is
// allocated beyond what the data holds, and strings are kept byte for byte
// with their space and NUL padding removed, so they may hold any bytes,
// including invalid UTF-8 or control characters; printers must escape them.
//
// Fetch reads the log from a discovery controller through ioctl.Admin the
// way libnvme does: the header, then the records, then the header again to
// make sure the generation counter did not change in between.
//
// The *String functions give nvme-cli 2.3's names for the enumerated
// fields, "unrecognized" for values it does not know.
package discovery
