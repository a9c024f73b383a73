package nvmf

import (
	"sync"

	"github.com/gonvme/gonvme/internal/render"
	"github.com/gonvme/gonvme/internal/sysfs"
	"github.com/gonvme/gonvme/ioctl"
)

// Devices lists the namespace block devices of t as `list` shows them.
// Capacities come from sysfs; when identify is set, Identify Namespace is
// sent to each namespace (concurrently) for the figures sysfs lacks (used
// bytes, and capacity in the namespace's own LBA size). A namespace whose
// Identify fails (for example without root) keeps its sysfs figures.
func (e *Edge) Devices(t *sysfs.Topology, identify bool) []render.Device {
	type item struct {
		ns   sysfs.Namespace
		ctrl *sysfs.Controller
	}
	var items []item
	for _, s := range t.Subsystems {
		ctrl := firstLive(t, s.Controllers)
		for _, ns := range s.Namespaces {
			items = append(items, item{ns, ctrl})
		}
	}
	devs := make([]render.Device, len(items))
	var wg sync.WaitGroup
	for i, it := range items {
		devs[i] = sysfsDevice(it.ns, it.ctrl)
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

func sysfsDevice(ns sysfs.Namespace, ctrl *sysfs.Controller) render.Device {
	d := render.Device{
		NameSpace:    ns.NSID,
		DevicePath:   "/dev/" + ns.Name,
		GenericPath:  "/dev/" + genericName(ns.Name),
		PhysicalSize: ns.Sectors * 512,
		SectorSize:   ns.LBASize,
	}
	if d.SectorSize == 0 {
		d.SectorSize = 512
	}
	d.MaximumLBA = d.PhysicalSize / uint64(d.SectorSize)
	d.UsedBytes = d.PhysicalSize
	if ctrl != nil {
		d.Firmware, d.ModelNumber, d.SerialNumber = ctrl.Firmware, ctrl.Model, ctrl.Serial
	}
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
	d.MaximumLBA = id.NSZE
	d.PhysicalSize = id.NSZE * lba
	d.UsedBytes = id.NUSE * lba
}

// genericName maps "nvme0n1" to its generic character device "ng0n1".
func genericName(block string) string {
	if len(block) > 4 && block[:4] == "nvme" {
		return "ng" + block[4:]
	}
	return block
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
