package nvmftest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/nqn"
)

// Subsystem is an NVM subsystem that a Fake serves (see Serve).
type Subsystem struct {
	NQN        string
	Namespaces []Namespace
	// AllowedHosts, when set, are the only host NQNs it admits.
	AllowedHosts []string
}

// Namespace is one namespace of a served Subsystem.
type Namespace struct {
	NSID    uint32
	Sectors uint64 // size in 512-byte units
	UUID    string
	NGUID   string
}

// Port is an address a Fake serves at.
type Port struct{ Transport, Traddr, Trsvcid string }

// served is what Serve set up: the subsystems, where each is offered,
// and which host subsystem directory each NQN has once connected.
type served struct {
	mu    sync.Mutex
	fs    interface{ Path(string) string }
	subs  map[string]Subsystem
	ports map[Port][]string  // I/O port → NQNs offered there
	inst  map[string]int     // NQN → nvme-subsys instance, while connected
	logs  map[string][]Entry // discovery log entries by Target key
}

// Serve makes the fake a target with subsystems subs at the I/O port io,
// listed by the discovery controller at disc, as the kernel would see it:
// an I/O connect to a subsystem there creates its nvme-subsystem, the
// multipath namespace block devices (/sys/block/nvmeSnN, /dev/nvmeSnN,
// /dev/ngSnN) and the controller's paths (nvmeScCnN); deleting the last
// controller of a subsystem removes them. A connect at io to an NQN not
// served, or from a host a subsystem does not allow, is refused with EIO
// and the line the kernel logs. Serve may be called for several ports.
func (f *Fake) Serve(disc, io Port, subs ...Subsystem) {
	if f.Kernel.served == nil {
		f.Kernel.served = &served{fs: f.FS, subs: map[string]Subsystem{}, ports: map[Port][]string{}, inst: map[string]int{},
			logs: map[string][]Entry{}}
		f.Del.afterDelete = f.Kernel.served.detach
	}
	s := f.Kernel.served
	s.mu.Lock()
	defer s.mu.Unlock()
	var entries []Entry
	for _, sub := range subs {
		s.subs[sub.NQN] = sub
		s.ports[io] = append(s.ports[io], sub.NQN)
		entries = append(entries, Sub(io.Transport, io.Traddr, io.Trsvcid, sub.NQN))
	}
	key := Target(disc.Transport, disc.Traddr, disc.Trsvcid)
	s.logs[key] = append(s.logs[key], entries...)
	f.Admin.Logs[key] = Page(s.logs[key]...)
}

// admit refuses an I/O connect as nvmet does: an NQN not served at that
// port, or a host not allowed. It returns the errno and the kernel's line.
func (s *served) admit(m map[string]string) (syscall.Errno, string) {
	if s == nil || m["nqn"] == "" || m["nqn"] == nqn.Discovery {
		return 0, ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := Port{m["transport"], m["traddr"], m["trsvcid"]}
	if !slices.Contains(s.ports[p], m["nqn"]) {
		return syscall.EIO, fmt.Sprintf("Connect Invalid Data Parameter, subsysnqn %q", m["nqn"])
	}
	if sub := s.subs[m["nqn"]]; len(sub.AllowedHosts) > 0 && !slices.Contains(sub.AllowedHosts, m["hostnqn"]) {
		return syscall.EIO, fmt.Sprintf("Connect for subsystem %s is not allowed, hostnqn: %s", m["nqn"], m["hostnqn"])
	}
	return 0, ""
}

// attach links the new controller n (instance) into its subsystem,
// creating the subsystem and its namespaces at the first connect.
func (s *served) attach(ctrl string, instance int, m map[string]string) error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, ok := s.subs[m["nqn"]]
	if !ok {
		return nil
	}
	si, ok := s.inst[sub.NQN]
	subDir := s.fs.Path(fmt.Sprintf("/sys/class/nvme-subsystem/nvme-subsys%d", si))
	if !ok {
		si = s.freeInstance()
		s.inst[sub.NQN] = si
		subDir = s.fs.Path(fmt.Sprintf("/sys/class/nvme-subsystem/nvme-subsys%d", si))
		if err := writeAttrs(subDir, map[string]string{"subsysnqn": sub.NQN, "model": "Linux", "serial": fmt.Sprintf("%016x", si+1),
			"firmware_rev": "6.1.0-56", "subsystype": "nvm", "iopolicy": "numa"}); err != nil {
			return err
		}
		for _, ns := range sub.Namespaces {
			if err := s.addNamespace(subDir, si, ns); err != nil {
				return err
			}
		}
	}
	if err := os.Symlink("../../nvme/"+ctrl, filepath.Join(subDir, ctrl)); err != nil {
		return err
	}
	if err := os.WriteFile(s.fs.Path("/sys/class/nvme/"+ctrl+"/rescan_controller"), nil, 0o200); err != nil {
		return err
	}
	for _, ns := range sub.Namespaces {
		path := fmt.Sprintf("nvme%dc%dn%d", si, instance, ns.NSID)
		if err := writeAttrs(s.fs.Path("/sys/class/nvme/"+ctrl+"/"+path), map[string]string{"ana_state": "optimized", "nsid": strconv.Itoa(int(ns.NSID))}); err != nil {
			return err
		}
		if err := os.Symlink("../class/nvme/"+ctrl+"/"+path, s.fs.Path("/sys/block/"+path)); err != nil {
			return err
		}
	}
	return nil
}

func (s *served) freeInstance() int {
	for i := 0; ; i++ {
		if _, err := os.Lstat(s.fs.Path(fmt.Sprintf("/sys/class/nvme-subsystem/nvme-subsys%d", i))); os.IsNotExist(err) {
			return i
		}
	}
}

func (s *served) addNamespace(subDir string, si int, ns Namespace) error {
	name := fmt.Sprintf("nvme%dn%d", si, ns.NSID)
	dir := filepath.Join(subDir, name)
	wwid := "uuid." + ns.UUID
	if ns.UUID == "" {
		wwid = "eui." + ns.NGUID
	}
	if err := writeAttrs(dir, map[string]string{"nsid": strconv.Itoa(int(ns.NSID)), "size": strconv.FormatUint(ns.Sectors, 10),
		"uuid": ns.UUID, "nguid": ns.NGUID, "wwid": wwid, "dev": fmt.Sprintf("259:%d", si*64+int(ns.NSID)),
		"queue/logical_block_size": "512", "queue/physical_block_size": "512"}); err != nil {
		return err
	}
	if err := os.Symlink("..", filepath.Join(dir, "device")); err != nil {
		return err
	}
	if err := os.MkdirAll(s.fs.Path("/sys/block"), 0o755); err != nil {
		return err
	}
	rel, err := filepath.Rel(s.fs.Path("/sys/block"), dir)
	if err != nil {
		return err
	}
	if err := os.Symlink(rel, s.fs.Path("/sys/block/"+name)); err != nil {
		return err
	}
	if err := os.MkdirAll(s.fs.Path("/dev"), 0o755); err != nil {
		return err
	}
	for _, dev := range []string{name, fmt.Sprintf("ng%dn%d", si, ns.NSID)} {
		if err := os.WriteFile(s.fs.Path("/dev/"+dev), nil, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// isControllerName reports whether name is a controller's, "nvme3".
func isControllerName(name string) bool {
	n, ok := strings.CutPrefix(name, "nvme")
	_, err := strconv.Atoi(n)
	return ok && err == nil
}

// detach removes the deleted controller's paths and, with its last
// controller gone, the subsystem and its namespaces.
func (s *served) detach(ctrl string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	blocks, _ := os.ReadDir(s.fs.Path("/sys/block"))
	for nqn, si := range s.inst {
		subDir := s.fs.Path(fmt.Sprintf("/sys/class/nvme-subsystem/nvme-subsys%d", si))
		for _, b := range blocks {
			if p, err := filepath.Match(fmt.Sprintf("nvme%dc*n*", si), b.Name()); err == nil && p {
				if _, err := os.Stat(s.fs.Path("/sys/block/" + b.Name())); err != nil {
					os.Remove(s.fs.Path("/sys/block/" + b.Name()))
				}
			}
		}
		entries, _ := os.ReadDir(subDir)
		if slices.ContainsFunc(entries, func(e os.DirEntry) bool { return isControllerName(e.Name()) }) {
			continue
		}
		for _, ns := range s.subs[nqn].Namespaces {
			os.Remove(s.fs.Path(fmt.Sprintf("/sys/block/nvme%dn%d", si, ns.NSID)))
			os.Remove(s.fs.Path(fmt.Sprintf("/dev/nvme%dn%d", si, ns.NSID)))
			os.Remove(s.fs.Path(fmt.Sprintf("/dev/ng%dn%d", si, ns.NSID)))
		}
		os.RemoveAll(subDir)
		delete(s.inst, nqn)
	}
}

// writeAttrs writes sysfs-style attribute files (value and a newline)
// under dir, creating directories as needed.
func writeAttrs(dir string, attrs map[string]string) error {
	for name, v := range attrs {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(v+"\n"), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// nextName is the name the next controller would get.
func (k *Kernel) nextName() string {
	for n := 0; ; n++ {
		name := "nvme" + strconv.Itoa(n)
		if _, err := os.Lstat(k.fs.Path("/sys/class/nvme/" + name)); os.IsNotExist(err) {
			return name
		}
	}
}

// Resize changes the size of namespace nsid of the served subsystem nqn,
// as the host sees it once a rescan revalidated it.
func (f *Fake) Resize(t testing.TB, nqn string, nsid uint32, sectors uint64) {
	t.Helper()
	s := f.Kernel.served
	s.mu.Lock()
	defer s.mu.Unlock()
	si, ok := s.inst[nqn]
	if !ok {
		t.Fatalf("nvmftest: %s is not connected", nqn)
	}
	p := s.fs.Path(fmt.Sprintf("/sys/block/nvme%dn%d/size", si, nsid))
	if err := os.WriteFile(p, []byte(strconv.FormatUint(sectors, 10)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
