package doctor

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/nqn"
)

// module is a kernel module a transport needs, by its /sys/module name.
var modules = []struct{ name, modprobe, transport string }{
	{"nvme_fabrics", "nvme-fabrics", ""},
	{"nvme_rdma", "nvme-rdma", "rdma"},
	{"nvme_tcp", "nvme-tcp", "tcp"},
}

// moduleLoaded reports whether a module is loaded or built in.
func moduleLoaded(root hostfs.FS, name string) bool {
	if _, err := root.ReadDir("/sys/module/" + name); err == nil {
		return true
	}
	rel, err := root.ReadAttr("/proc/sys/kernel/osrelease")
	if err != nil {
		return false
	}
	b, err := root.ReadFile("/lib/modules/" + rel + "/modules.builtin")
	if err != nil {
		return false
	}
	for _, l := range strings.Split(string(b), "\n") {
		base := l[strings.LastIndex(l, "/")+1:]
		if strings.ReplaceAll(strings.TrimSuffix(base, ".ko"), "-", "_") == name {
			return true
		}
	}
	return false
}

// HostChecks checks the modules transport needs (all when ""), the fabrics
// device and the options the kernel supports (probe, nil as non-root),
// the host identity files and the multipath setting.
func HostChecks(root hostfs.FS, transport string, probe func() (fabrics.Supported, error)) []Check {
	var out []Check
	for _, m := range modules {
		if m.transport != "" && transport != "" && m.transport != transport {
			continue
		}
		name := "module " + m.modprobe
		switch {
		case moduleLoaded(root, m.name):
			out = append(out, check(SectionHost, name, OK, "loaded ("+root.Path("/sys/module/"+m.name)+")", ""))
		case m.transport == "" || m.transport == transport:
			out = append(out, check(SectionHost, name, Fail, "not loaded: no "+root.Path("/sys/module/"+m.name),
				"modprobe "+m.modprobe))
		default:
			out = append(out, check(SectionHost, name, Warn, "not loaded: no "+root.Path("/sys/module/"+m.name)+"; "+m.transport+" targets cannot be reached",
				"modprobe "+m.modprobe+" (if this host uses "+m.transport+")"))
		}
	}
	out = append(out, fabricsDevice(root, probe))
	out = append(out, identityChecks(root)...)
	mp, err := root.ReadAttr("/sys/module/nvme_core/parameters/multipath")
	switch {
	case err != nil:
		out = append(out, check(SectionHost, "multipath", Skip, "nvme_core not loaded or without native multipath: "+errText(err), ""))
	case mp == "Y":
		out = append(out, check(SectionHost, "multipath", OK, "native NVMe multipath on (nvme_core multipath=Y): paths to one subsystem share one /dev/nvmeXnY", ""))
	default:
		out = append(out, check(SectionHost, "multipath", OK, "native NVMe multipath off (nvme_core multipath="+quote(mp)+"): each path is its own block device", ""))
	}
	return out
}

func fabricsDevice(root hostfs.FS, probe func() (fabrics.Supported, error)) Check {
	const name = "/dev/nvme-fabrics"
	if _, err := root.ReadDir("/sys/class/misc/nvme-fabrics"); err != nil {
		return check(SectionHost, name, Fail, "the kernel has no fabrics device: no "+root.Path("/sys/class/misc/nvme-fabrics"), "modprobe nvme-fabrics")
	}
	if probe == nil {
		return needsRoot(SectionHost, name, "reading the options this kernel supports from "+root.Path(fabrics.DevicePath))
	}
	sup, err := probe()
	switch {
	case err != nil:
		return check(SectionHost, name, Fail, "reading "+root.Path(fabrics.DevicePath)+": "+err.Error(), "check that the device node exists (udev) and that nothing else holds it")
	case sup == nil:
		return check(SectionHost, name, OK, "present; this kernel does not list its options (before Linux 5.17)", "")
	}
	var names []string
	for k := range sup {
		names = append(names, k)
	}
	sort.Strings(names)
	return check(SectionHost, name, OK, fmt.Sprintf("present; %d options: %s", len(names), join(names)), "")
}

// zeroUUID is the host UUID of many VM images, shared by all their clones.
const zeroUUID = "00000000-0000-0000-0000-000000000000"

func identityChecks(root hostfs.FS) []Check {
	var out []Check
	hostNQN, nerr := nqn.ReadHostNQN(root)
	hostID, ierr := nqn.ReadHostID(root)
	fixNQN := "gonvme gen-hostnqn > " + nqn.HostNQNFile
	switch {
	case errors.Is(nerr, fs.ErrNotExist):
		out = append(out, check(SectionHost, "hostnqn", Warn, root.Path(nqn.HostNQNFile)+" missing or empty: each connect derives a host NQN", fixNQN))
	case nerr != nil:
		out = append(out, check(SectionHost, "hostnqn", Fail, nerr.Error(), fixNQN))
	default:
		out = append(out, check(SectionHost, "hostnqn", OK, quote(hostNQN)+" ("+root.Path(nqn.HostNQNFile)+")", ""))
	}
	u, uuidForm := nqn.UUIDOf(hostNQN)
	fixID := "write the UUID of the host NQN to " + nqn.HostIDFile
	if !uuidForm {
		fixID = "uuidgen > " + nqn.HostIDFile
	}
	switch {
	case errors.Is(ierr, fs.ErrNotExist):
		out = append(out, check(SectionHost, "hostid", Warn, root.Path(nqn.HostIDFile)+" missing or empty: connects derive one", fixID))
	case ierr != nil:
		out = append(out, check(SectionHost, "hostid", Fail, ierr.Error(), fixID))
	case strings.EqualFold(hostID, zeroUUID) || uuidForm && u.String() == zeroUUID:
		out = append(out, check(SectionHost, "hostid", Fail,
			"the all-zero UUID ("+root.Path(nqn.HostIDFile)+", host NQN "+quote(hostNQN)+"): every clone of this image has it and targets take them for one host",
			"give this host its own identity: uuidgen > "+nqn.HostIDFile+" and put that UUID into "+nqn.HostNQNFile+" (nqn.2014-08.org.nvmexpress:uuid:UUID)"))
	case uuidForm && !strings.EqualFold(u.String(), hostID):
		out = append(out, check(SectionHost, "hostid", Fail,
			"host ID "+hostID+" differs from the UUID "+u.String()+" inside the host NQN: tools that derive one from the other (nvme-cli, gonvme) then send another pairing, and kernels from 6.5 refuse a host NQN in use with another host ID",
			"echo "+u.String()+" > "+nqn.HostIDFile))
	default:
		out = append(out, check(SectionHost, "hostid", OK, hostID+" ("+root.Path(nqn.HostIDFile)+")", ""))
	}
	return out
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Path + ": " + pe.Err.Error()
	}
	return err.Error()
}
