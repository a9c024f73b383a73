// Package nqn validates NVMe Qualified Names and resolves the host's
// identity (host NQN and host ID).
//
// An NQN is at most 223 bytes of UTF-8 in one of two forms from the NVMe base
// specification: "nqn.yyyy-mm.reverse.domain[:string]" or
// "nqn.2014-08.org.nvmexpress:uuid:" followed by a 36-character UUID. The
// well-known discovery NQN is "nqn.2014-08.org.nvmexpress.discovery".
//
// The host identity comes from explicit values, then /etc/nvme/hostnqn and
// /etc/nvme/hostid, then is derived: a host NQN generated from the DMI
// product UUID (or a random UUID), and a host ID equal to the UUID inside the
// host NQN.
package nqn
