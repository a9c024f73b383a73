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
// controller). Capacities come from sysfs; when identify is set, Identify
// Namespace is sent to each namespace (concurrently) for what sysfs lacks:
// used bytes and metadata size. A namespace whose Identify fails (for
// example without root) keeps its sysfs figures.
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
		devs[i] = sysfsDevice(it.ns, it.id)
		if !identify || it.ctrl == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.identifyInto(&devs[i], it.ctrl.Name, it.ns.NSID)
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

// identifyInto replaces sysfs estimates with the controller's own figures.
func (e *Edge) identifyInto(d *render.Device, ctrl string, nsid uint32) {
	dev, err := e.OpenAdmin(e.devPath(ctrl))
	if err != nil {
		return
	}
	defer dev.Close()
	id, err := ioctl.IdentifyNamespace(dev, nsid)
	if err != nil || id.LBASize() == 0 {
		return
	}
	lba := uint64(id.LBASize())
	d.SectorSize = id.LBASize()
	d.MetadataSize = uint32(id.LBAF[id.FormatIndex()].MS)
	d.MaximumLBA = id.NSZE
	d.PhysicalSize = id.NSZE * lba
	d.UsedBytes = id.NUSE * lba
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
