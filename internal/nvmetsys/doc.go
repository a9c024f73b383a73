// Package nvmetsys gets a host ready for nvmet configuration: configfs
// mounted on /sys/kernel/config, the nvmet module and the transport modules
// a configuration uses loaded. The configuration itself is package nvmet's.
package nvmetsys
