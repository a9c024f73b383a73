package topology

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tree is a hand-made sysfs: file path (relative to the root) → content; a
// content of "-> target" makes a symbolic link, as the class directories are
// in a real /sys.
type tree map[string]string

const (
	ctrlDevices   = "sys/devices/virtual/nvme-fabrics/ctl/"
	subsysDevices = "sys/devices/virtual/nvme-subsystem/"
)

// ctrl adds a fabrics controller with the given attributes.
func (tr tree) ctrl(name string, attrs map[string]string) tree {
	tr["sys/class/nvme/"+name] = "-> ../../devices/virtual/nvme-fabrics/ctl/" + name
	tr[ctrlDevices+name+"/uevent"] = "MAJOR=243\nMINOR=0\nDEVNAME=" + name + "\n"
	for k, v := range attrs {
		tr[ctrlDevices+name+"/"+k] = v + "\n"
	}
	return tr
}

// subsys adds a subsystem linking to ctrls.
func (tr tree) subsys(name string, attrs map[string]string, ctrls ...string) tree {
	tr["sys/class/nvme-subsystem/"+name] = "-> ../../devices/virtual/nvme-subsystem/" + name
	for k, v := range attrs {
		tr[subsysDevices+name+"/"+k] = v + "\n"
	}
	for _, c := range ctrls {
		tr[subsysDevices+name+"/"+c] = "-> ../../nvme-fabrics/ctl/" + c
	}
	return tr
}

// ns adds a namespace block device under dir (a subsystem or controller
// device directory).
func (tr tree) ns(dir, name string, nsid, sectors, lba string) tree {
	tr.block(dir, name)
	p := dir + name + "/"
	tr[p+"nsid"] = nsid + "\n"
	tr[p+"size"] = sectors + "\n"
	tr[p+"queue/logical_block_size"] = lba + "\n"
	tr[p+"queue/physical_block_size"] = lba + "\n"
	tr[p+"uuid"] = "f3c4a7a2-0e57-4b8e-9f1b-6d0c6a1e2b3c\n"
	tr[p+"nguid"] = "f3c4a7a2-0e57-4b8e-9f1b-6d0c6a1e2b3c\n"
	return tr
}

// path adds a hidden per-path device under a controller.
func (tr tree) path(ctrl, name, nsid, ana string) tree {
	tr.block(ctrlDevices+ctrl+"/", name)
	tr[ctrlDevices+ctrl+"/"+name+"/nsid"] = nsid + "\n"
	tr[ctrlDevices+ctrl+"/"+name+"/ana_state"] = ana + "\n"
	return tr
}

// block links /sys/block/name to the device name under dir, as the kernel
// lists every namespace and per-path device there.
func (tr tree) block(dir, name string) {
	tr["sys/block/"+name] = "-> ../" + strings.TrimPrefix(dir, "sys/") + name
}

// write materialises the tree under a new temporary root.
func (tr tree) write(t testing.TB) string {
	t.Helper()
	root := t.TempDir()
	for p, content := range tr {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if target, ok := strings.CutPrefix(content, "-> "); ok {
			if err := os.Symlink(target, full); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// fabricsCtrl returns the attributes a 6.1 kernel shows for a fabrics
// controller.
func fabricsCtrl(transport, address, subnqn, state string) map[string]string {
	return map[string]string{
		"transport":    transport,
		"address":      address,
		"subsysnqn":    subnqn,
		"hostnqn":      "nqn.2014-08.org.nvmexpress:uuid:6f2a1c0e-8a4b-4c55-9d3e-2b7f0c1a9e44",
		"hostid":       "6f2a1c0e-8a4b-4c55-9d3e-2b7f0c1a9e44",
		"state":        state,
		"model":        "Linux",
		"serial":       "9a4f0c2b1e3d5a7c",
		"firmware_rev": "6.1.0-18",
		"cntrltype":    "io",
		"dctype":       "none",
		"numa_node":    "-1",
		"cntlid":       "1",
	}
}
