package hostauth

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gonvme/gonvme/hostfs"
)

// Support is Probe's answer.
type Support struct {
	// Known is false when nothing the probe reads decides the question.
	Known bool
	// Supported is meaningful only when Known.
	Supported bool
	// Evidence names what decided it, for messages: "controller nvme0
	// has dhchap_secret", "/boot/config-6.1.0-48-amd64: CONFIG_NVME_AUTH
	// is not set", …
	Evidence string
	// Release is the running kernel's release, "" if unreadable.
	Release string
}

// fabricsTransports are the controller transports that take a secret.
var fabricsTransports = map[string]bool{"rdma": true, "tcp": true, "fc": true, "loop": true}

// Probe decides whether the kernel under root has DH-HMAC-CHAP host
// support. It only reads files.
func Probe(root hostfs.FS) Support {
	rel, _ := root.ReadAttr("/proc/sys/kernel/osrelease")
	s := fromControllers(root)
	if !s.Known {
		s = fromConfig(root, rel)
	}
	if !s.Known {
		s = fromModules(root)
	}
	s.Release = rel
	return s
}

func fromControllers(root hostfs.FS) Support {
	ents, err := root.ReadDir("/sys/class/nvme")
	if err != nil {
		return Support{}
	}
	for _, e := range ents {
		dir := "/sys/class/nvme/" + e.Name()
		if t, _ := root.ReadAttr(dir + "/transport"); !fabricsTransports[t] {
			continue
		}
		if HasSecretAttr(root, e.Name()) {
			return Support{Known: true, Supported: true, Evidence: "controller " + e.Name() + " has a dhchap_secret attribute"}
		}
		return Support{Known: true, Evidence: "fabrics controller " + e.Name() + " has no dhchap_secret attribute"}
	}
	return Support{}
}

// HasSecretAttr reports whether controller name (such as "nvme3") has the
// dhchap_secret attribute that kernels with host authentication give
// every fabrics controller.
func HasSecretAttr(root hostfs.FS, name string) bool {
	return exists(root, "/sys/class/nvme/"+name+"/dhchap_secret")
}

func fromConfig(root hostfs.FS, release string) Support {
	paths := []string{"/proc/config.gz"}
	if release != "" {
		paths = append(paths, "/boot/config-"+release)
	}
	for _, p := range paths {
		b, err := root.ReadFile(p)
		if err != nil {
			continue
		}
		if strings.HasSuffix(p, ".gz") {
			if b, err = gunzip(b); err != nil {
				continue
			}
		}
		if s, ok := ParseConfig(b); ok {
			s.Evidence = root.Path(p) + ": " + s.Evidence
			return s
		}
	}
	return Support{}
}

func gunzip(b []byte) ([]byte, error) {
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(io.LimitReader(r, 16<<20))
}

// ParseConfig reads a kernel configuration: CONFIG_NVME_HOST_AUTH (6.7
// and later) decides when the file names it, else CONFIG_NVME_AUTH, the
// host option's name from 6.0 to 6.6. ok is false for a file that names
// neither, or does not configure the NVMe host at all.
func ParseConfig(b []byte) (s Support, ok bool) {
	vals := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if name, ok := strings.CutPrefix(line, "# "); ok {
			if name, ok := strings.CutSuffix(name, " is not set"); ok {
				vals[name] = "n"
			}
			continue
		}
		if name, v, ok := strings.Cut(line, "="); ok {
			vals[name] = v
		}
	}
	if vals["CONFIG_NVME_CORE"] == "" || vals["CONFIG_NVME_CORE"] == "n" {
		return Support{}, false
	}
	for _, name := range []string{"CONFIG_NVME_HOST_AUTH", "CONFIG_NVME_AUTH"} {
		switch v := vals[name]; v {
		case "y", "m":
			return Support{Known: true, Supported: true, Evidence: name + "=" + v}, true
		case "n":
			return Support{Known: true, Evidence: name + " is not set"}, true
		}
	}
	return Support{Known: true, Evidence: "CONFIG_NVME_HOST_AUTH and CONFIG_NVME_AUTH are not set"}, true
}

// fromModules looks for the authentication library among the modules
// that nvme_core uses. It decides only when nvme_core is a loadable
// module (it has /sys/module/nvme_core/initstate): a built-in nvme_core
// leaves no holder links.
func fromModules(root hostfs.FS) Support {
	for _, m := range []string{"nvme_auth", "nvme_common"} {
		if exists(root, "/sys/module/"+m+"/holders/nvme_core") {
			return Support{Known: true, Supported: true, Evidence: "module nvme_core uses " + m}
		}
	}
	if !exists(root, "/sys/module/nvme_core/initstate") {
		return Support{}
	}
	return Support{Known: true, Evidence: "module nvme_core uses neither nvme_auth nor nvme_common (no /sys/module/nvme_auth/holders/nvme_core): the kernel was built without CONFIG_NVME_HOST_AUTH (CONFIG_NVME_AUTH before 6.7)"}
}

func exists(root hostfs.FS, abs string) bool {
	_, err := os.Lstat(root.Path(abs))
	return err == nil
}

// Error is a refused keyed connect: the kernel has no host authentication.
// It matches errors.ErrUnsupported.
type Error struct {
	Flag    string  // the flag or key concerned: "-S/--dhchap-secret", …
	Support Support // what the probe found
}

func (e *Error) Error() string {
	kernel := "the running kernel"
	if e.Support.Release != "" {
		kernel += " (" + e.Support.Release + ")"
	}
	return fmt.Sprintf("%s: %s cannot authenticate with DH-HMAC-CHAP (%s); it would ignore the key and connect "+
		"unauthenticated wherever the target allows it, so nothing was connected. Use a kernel built with "+
		"CONFIG_NVME_HOST_AUTH (Debian 13's 6.12 has it), or leave the key out to connect without authentication",
		e.Flag, kernel, e.Support.Evidence)
}

func (e *Error) Is(target error) bool { return target == errors.ErrUnsupported }
