package nvmf

import (
	"errors"
	"os"

	"github.com/gonvme/gonvme/internal/pool"
	"github.com/gonvme/gonvme/ioctl"
	"github.com/gonvme/gonvme/topology"
)

// Identity is what Identify Namespace told of one namespace block device.
type Identity struct {
	NSID uint32
	Data *ioctl.IdentifyNamespaceData
}

// identifyWorkers bounds the Identify commands in flight: each blocks a
// thread in the kernel, and more than a few at a time only add threads.
const identifyWorkers = 16

// readWorkers bounds the namespaces whose sysfs attributes Devices reads
// at once, as many as a topology scan reads directories.
const readWorkers = 8

// IdentifyNamespaces sends Identify Namespace to each named namespace block
// device ("nvme0n1"), several at a time, through the namespace's own
// device as nvme-cli does: its generic character device /dev/ngXnY, or the
// block device on kernels without one; the namespace ID comes from the
// device (NVME_IOCTL_ID). It needs nothing from a topology scan, so it can
// run beside one. Devices that cannot be identified (not root, gone, an
// error status) are left out of the result.
func (e *Edge) IdentifyNamespaces(names []string) map[string]Identity {
	out := make([]Identity, len(names))
	pool.Each(len(names), identifyWorkers, func(i int) {
		out[i], _ = e.identifyNamespace(names[i])
	})
	ids := map[string]Identity{}
	for i, name := range names {
		if out[i].Data != nil {
			ids[name] = out[i]
		}
	}
	return ids
}

func (e *Edge) identifyNamespace(name string) (Identity, error) {
	dev, err := e.OpenNamespace(e.devPath(topology.GenericName(name)))
	if errors.Is(err, os.ErrNotExist) {
		dev, err = e.OpenNamespace(e.devPath(name))
	}
	if err != nil {
		return Identity{}, err
	}
	defer dev.Close()
	nsid, err := dev.NamespaceID()
	if err != nil {
		return Identity{}, err
	}
	id, err := ioctl.IdentifyNamespace(dev, nsid)
	if err != nil {
		return Identity{}, err
	}
	if id.LBASize() == 0 {
		return Identity{}, errors.New(name + ": Identify Namespace reports no LBA format")
	}
	return Identity{NSID: nsid, Data: id}, nil
}

// Devices lists the namespace block devices of t as `list` shows them:
// multipath namespaces under their subsystem (model, serial and firmware
// from the subsystem) and namespaces a controller owns alone (from that
// controller). A namespace in ids has its ID, capacity, used bytes and
// metadata size from Identify Namespace; any other gets its ID and
// capacity from sysfs (from the scan when it read them, topology.Everything,
// else read now) and no used bytes.
func (e *Edge) Devices(t *topology.Topology, ids map[string]Identity) []topology.Device {
	type item struct {
		ns topology.Namespace
		id [3]string // firmware, model, serial
	}
	var items []item
	for _, s := range t.Subsystems {
		for _, ns := range s.Namespaces {
			items = append(items, item{ns, [3]string{s.Firmware, s.Model, s.Serial}})
		}
	}
	for _, c := range t.Controllers {
		for _, ns := range c.Namespaces {
			items = append(items, item{ns, [3]string{c.Firmware, c.Model, c.Serial}})
		}
	}
	devs := make([]topology.Device, len(items))
	pool.Each(len(items), readWorkers, func(i int) {
		it := items[i]
		if id, ok := ids[it.ns.Name]; ok {
			devs[i] = identifiedDevice(it.ns, id, it.id)
			return
		}
		ns := it.ns
		if ns.LBASize == 0 {
			// Scanned without its attributes: read them now. A device
			// that vanished meanwhile keeps zeros.
			ns, _ = topology.ReadNamespace(e.FS, ns.Name)
		}
		devs[i] = sysfsDevice(ns, it.id)
	})
	return devs
}

// NamespaceNames lists the namespace block devices of the host, for
// IdentifyNamespaces.
func (e *Edge) NamespaceNames() ([]string, error) {
	return topology.NamespaceNames(e.FS)
}

func sysfsDevice(ns topology.Namespace, id [3]string) topology.Device {
	d := topology.Device{
		NameSpace:    ns.NSID,
		DevicePath:   "/dev/" + ns.Name,
		GenericPath:  "/dev/" + topology.GenericName(ns.Name),
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

func identifiedDevice(ns topology.Namespace, id Identity, ident [3]string) topology.Device {
	d := sysfsDevice(ns, ident)
	lba := uint64(id.Data.LBASize())
	d.NameSpace = id.NSID
	d.SectorSize = id.Data.LBASize()
	d.MetadataSize = uint32(id.Data.LBAF[id.Data.FormatIndex()].MS)
	d.MaximumLBA = id.Data.NSZE
	d.PhysicalSize = id.Data.NSZE * lba
	d.UsedBytes = id.Data.NUSE * lba
	return d
}
