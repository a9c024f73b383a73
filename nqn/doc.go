// Package nqn validates NVMe Qualified Names and resolves the host's
// identity (host NQN and host ID).
//
// An NQN is valid wherever the Linux kernel accepts it: non-empty, at most
// 222 bytes, and safe in an option string. The specification's forms,
// "nqn.yyyy-mm.reverse.domain[:name]" and "nqn.2014-08.org.nvmexpress:uuid:"
// followed by a UUID, are advice (SpecForm), never a requirement: kernel
// targets serve subsystems named "toto" too.
//
// The host identity follows libnvme: explicit values, then the first host
// of config.json, then LIBNVME_HOSTNQN / LIBNVME_HOSTID or /etc/nvme/hostnqn
// and /etc/nvme/hostid, then derived (the host ID from a UUID-form host
// NQN, the host NQN from the host ID), and finally a host ID that is stable
// on one machine (the DMI product UUID, else a hash of /etc/machine-id).
package nqn
