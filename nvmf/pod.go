package nvmf

import "github.com/gonvme/gonvme/fabrics"

// Timeouts PodDefaults sets for volumes of containers.
const (
	// PodCtrlLossTmo is -1: reconnect for as long as the volume is
	// attached. The kernel's default (600 s) deletes the controller
	// during a longer outage, and a mounted file system then sees its
	// device vanish.
	PodCtrlLossTmo = -1
	// PodFastIOFailTmo fails the I/O of a path that has been down for
	// 30 s (instead of queueing it forever), so that multipath uses
	// another path and the application sees errors it can handle.
	PodFastIOFailTmo = 30
)

// PodDefaults fills in the controller loss and fast I/O fail timeouts
// suited to container volumes where o leaves them unset.
func PodDefaults(o fabrics.Options) fabrics.Options {
	if o.CtrlLossTmo == nil {
		o.CtrlLossTmo = fabrics.Int(PodCtrlLossTmo)
	}
	if o.FastIOFailTmo == nil {
		o.FastIOFailTmo = fabrics.Int(PodFastIOFailTmo)
	}
	return o
}
