package nvmf

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// InUse says why the namespace block device name ("nvme1n1") is in use,
// or "" when it is not: a holder (device-mapper, md) of it or of one of
// its partitions, a mount of it or of a partition (/proc/self/mountinfo),
// or a process with it open (/proc/PID/fd). Processes whose descriptors
// cannot be read (another user's, without root) are not seen.
func (e *Edge) InUse(name string) (string, error) {
	_, reason, err := e.inUse([]string{name})
	return reason, err
}

// inUse finds one of the namespaces names in use, as InUse does, reading
// the mounts and the processes' descriptors once for all of them. It
// returns that namespace and the reason, or "" twice.
func (e *Edge) inUse(names []string) (name, reason string, err error) {
	var all []blockDev
	for _, n := range names {
		devs, err := e.blockDevices(n)
		if err != nil {
			return "", "", err
		}
		for _, d := range devs {
			if holders, _ := e.FS.ReadDir("/sys/block/" + n + d.sub + "/holders"); len(holders) > 0 {
				return n, fmt.Sprintf("%s is held by %s", d.name, holders[0].Name()), nil
			}
		}
		all = append(all, devs...)
	}
	if d, r, err := e.mountedFrom(all); r != "" || err != nil {
		return d, r, err
	}
	d, r := e.openBy(all)
	return d, r, nil
}

// blockDev is a namespace block device or one of its partitions.
type blockDev struct {
	disk   string // the namespace, "nvme1n1"
	name   string // "nvme1n1p2"
	sub    string // "" for the disk, "/nvme1n1p2" for a partition
	majmin string // "259:3"
}

func (e *Edge) blockDevices(name string) ([]blockDev, error) {
	majmin, err := e.FS.ReadAttr("/sys/block/" + name + "/dev")
	if err != nil {
		return nil, fmt.Errorf("namespace %s: %w", name, err)
	}
	devs := []blockDev{{disk: name, name: name, majmin: majmin}}
	entries, _ := e.FS.ReadDir("/sys/block/" + name)
	for _, ent := range entries {
		p := ent.Name()
		if !strings.HasPrefix(p, name+"p") {
			continue
		}
		if mm, err := e.FS.ReadAttr("/sys/block/" + name + "/" + p + "/dev"); err == nil {
			devs = append(devs, blockDev{disk: name, name: p, sub: "/" + p, majmin: mm})
		}
	}
	return devs, nil
}

// mountedFrom finds a mount of one of devs in /proc/self/mountinfo and
// returns its namespace and the reason.
func (e *Edge) mountedFrom(devs []blockDev) (disk, reason string, err error) {
	b, err := e.FS.ReadFile("/proc/self/mountinfo")
	if err != nil {
		if os.IsNotExist(err) {
			return "", "", nil
		}
		return "", "", fmt.Errorf("reading the mounts: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 5 {
			continue
		}
		for _, d := range devs {
			if f[2] == d.majmin {
				return d.disk, fmt.Sprintf("%s is mounted on %s", d.name, unescapeMount(f[4])), nil
			}
		}
	}
	return "", "", sc.Err()
}

// unescapeMount undoes mountinfo's octal escapes ("\040" for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// openBy finds a process with one of devs open and returns its namespace
// and the reason.
func (e *Edge) openBy(devs []blockDev) (disk, reason string) {
	procs, _ := e.FS.ReadDir("/proc")
	want := map[string]blockDev{}
	for _, d := range devs {
		want["/dev/"+d.name] = d
	}
	for _, p := range procs {
		pid := p.Name()
		if _, err := strconv.Atoi(pid); err != nil {
			continue
		}
		fds, _ := e.FS.ReadDir("/proc/" + pid + "/fd")
		for _, fd := range fds {
			target, err := os.Readlink(e.FS.Path("/proc/" + pid + "/fd/" + fd.Name()))
			if err != nil {
				continue
			}
			if d, ok := want[target]; ok {
				return d.disk, fmt.Sprintf("%s is open by process %s", d.name, pid)
			}
		}
	}
	return "", ""
}
