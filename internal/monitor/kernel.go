package monitor

import (
	"github.com/gonvme/gonvme/internal/uevent"
)

// The NVMe core's uevent variables (drivers/nvme/host/core.c):
// nvme_aen_uevent sends the AEN result as NVME_AEN=%#08x; a discovery log
// change notice is 0x70f002 (log page 0x70, notice 0xf0, type 2).
// nvme_start_ctrl sends NVME_EVENT=rediscover when a discovery controller
// that was live before reconnects.
const (
	aenDiscoveryLogChange = "0x70f002"
	eventRediscover       = "rediscover"
)

// FromUevent is the monitor's event for a kernel uevent, and false for an
// event the monitor does not react to.
func FromUevent(u uevent.Uevent) (Event, bool) {
	if u.Subsystem() != "nvme" {
		return Event{}, false
	}
	switch {
	case u.Action == "remove":
		return Event{Kind: Removal, Device: u.Device()}, true
	case u.Action != "change":
	case u.Env["NVME_AEN"] == aenDiscoveryLogChange, u.Env["NVME_EVENT"] == eventRediscover:
		return Event{Kind: LogChange, Device: u.Device()}, true
	}
	return Event{}, false
}
