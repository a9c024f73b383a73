package nvmf

import (
	"sync"

	"github.com/gonvme/gonvme/internal/render"
	"github.com/gonvme/gonvme/internal/sysfs"
	"github.com/gonvme/gonvme/ioctl"
)

// Devices lists the namespace block devices of t as `list` shows them:
// multipath namespaces under their subsystem (model, serial and firmware
// from the subsystem) and namespaces a controller owns alone (from that
// controller). When identify is set, Identify Namespace is sent to each
// namespace (concurrently) for its capacity, used bytes and metadata size.
// A namespace whose Identify fails (for example without root), or that is
// not identified, gets its capacity from sysfs: from the scan when it read
// them (sysfs.Everything), else read now (sysfs.ReadCapacity).
func (e *Edge) Devices(t *sysfs.Topology, identify bool) []render.Device {
	type item struct {
		ns   sysfs.Namespace
		ctrl *sysfs.Controller // to send Identify through
		id   [3]string         // firmware, model, serial
	}
	var items []item
	for _, s := range t.Subsystems {
		ctrl := firstLive(t, s.Controllers)
		for _, ns := range s.Namespaces {
			items = append(items, item{ns, ctrl, [3]string{s.Firmware, s.Model, s.Serial}})
		}
	}
	for _, c := range t.Controllers {
		for _, ns := range c.Namespaces {
			items = append(items, item{ns, c, [3]string{c.Firmware, c.Model, c.Serial}})
		}
	}
	devs := make([]render.Device, len(items))
	var wg sync.WaitGroup
	for i, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if identify && it.ctrl != nil && e.identifyInto(&devs[i], it.ctrl.Name, it.ns, it.id) {
				return
			}
			ns := it.ns
			if ns.LBASize == 0 {
				// Scanned without capacities; a device that vanished
				// meanwhile keeps zeros.
				ns.Sectors, ns.LBASize, _ = sysfs.ReadCapacity(e.FS, ns.Name)
			}
			devs[i] = sysfsDevice(ns, it.id)
		}()
	}
	wg.Wait()
	return devs
}

func sysfsDevice(ns sysfs.Namespace, id [3]string) render.Device {
	d := render.Device{
		NameSpace:    ns.NSID,
		DevicePath:   "/dev/" + ns.Name,
		GenericPath:  "/dev/" + sysfs.GenericName(ns.Name),
		PhysicalSize: ns.Sectors * 512,
		SectorSize:   ns.LBASize,
		Firmware:     id[0],
		ModelNumber:  id[1],
		SerialNumber: id[2],
	}
	if d.SectorSize == 0 {
		d.SectorSize = 512
	}
	d.MaximumLBA = d.PhysicalSize / uint64(d.SectorSize)
	return d
}

// identifyInto fills d from the controller's Identify Namespace data and
// reports whether it could.
func (e *Edge) identifyInto(d *render.Device, ctrl string, ns sysfs.Namespace, ident [3]string) bool {
	dev, err := e.OpenAdmin(e.devPath(ctrl))
	if err != nil {
		return false
	}
	defer dev.Close()
	id, err := ioctl.IdentifyNamespace(dev, ns.NSID)
	if err != nil || id.LBASize() == 0 {
		return false
	}
	*d = sysfsDevice(ns, ident)
	lba := uint64(id.LBASize())
	d.SectorSize = id.LBASize()
	d.MetadataSize = uint32(id.LBAF[id.FormatIndex()].MS)
	d.MaximumLBA = id.NSZE
	d.PhysicalSize = id.NSZE * lba
	d.UsedBytes = id.NUSE * lba
	return true
}

// firstLive returns the first live controller among names, else the first
// one that exists.
func firstLive(t *sysfs.Topology, names []string) *sysfs.Controller {
	var first *sysfs.Controller
	for _, n := range names {
		c := t.Controller(n)
		if c == nil {
			continue
		}
		if c.State == "live" {
			return c
		}
		if first == nil {
			first = c
		}
	}
	return first
}
