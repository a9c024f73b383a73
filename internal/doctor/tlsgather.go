package doctor

import (
	"path"
	"strconv"
	"strings"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nvmf"
)

// TlshdConfig is where tlshd reads its configuration unless -c/--config
// names another file.
const TlshdConfig = "/etc/tlshd.conf"

// gatherTLS collects the TLS checks' facts for a connect with options o:
// from the probes and from FS (each tlshd process and its
// configuration file).
func gatherTLS(p Probes, o fabrics.Options) TLSInput {
	in := TLSInput{TLSStat: p.FS.Path("/proc/net/tls_stat"), Cipher: nvmf.TLSCipher, HostNQN: o.HostNQN, NQN: o.NQN}
	if p.Supported != nil {
		if sup, err := p.Supported(); err != nil {
			in.KernelErr = err
		} else {
			has := sup["tls"] // a kernel that lists no options (before 5.17) has no TLS either
			in.KernelTLS = &has
		}
	}
	if p.TLSLayerMissing != nil {
		in.LayerMissing = p.TLSLayerMissing()
	}
	if p.Cipher != nil {
		in.CipherState = p.Cipher()
	}
	in.Tlshd = tlshdProcesses(p)
	if p.FindKeyring == nil || p.ListKeys == nil {
		in.KeyringSkip = true
		return in
	}
	if in.Keyring, in.KeyringErr = p.FindKeyring(".nvme"); in.KeyringErr != nil {
		return in
	}
	keys, err := p.ListKeys(in.Keyring)
	in.KeysErr = err
	for _, k := range keys {
		if k.Type == "psk" {
			in.PSKs = append(in.PSKs, k)
		}
	}
	return in
}

// tlshdProcesses finds the running tlshd processes (by /proc/PID/comm)
// and reads the configuration each was started with.
func tlshdProcesses(p Probes) []Tlshd {
	ents, err := p.FS.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []Tlshd
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		dir := path.Join("/proc", e.Name())
		comm, _ := p.FS.ReadAttr(dir + "/comm")
		b, _ := p.FS.ReadFile(dir + "/cmdline")
		args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
		if !isTlshd(comm, args) {
			continue
		}
		d := Tlshd{PID: pid, Config: TlshdConfig}
		if c := tlshdConfigArg(args); c != "" {
			d.Config = c
		}
		if conf, err := p.FS.ReadFile(d.Config); err != nil {
			d.ConfErr = err
		} else {
			d.Keyrings = tlshdKeyrings(string(conf))
		}
		out = append(out, d)
	}
	return out
}

// isTlshd reports whether a process (its comm and arguments) is tlshd:
// named so, or run by the dynamic loader ("ld-linux-x86-64.so.2 …
// /opt/bin/tlshd", whose comm is the loader's).
func isTlshd(comm string, args []string) bool {
	if comm == "tlshd" || len(args) == 0 {
		return comm == "tlshd"
	}
	if path.Base(args[0]) == "tlshd" {
		return true
	}
	if !strings.HasPrefix(path.Base(args[0]), "ld-") {
		return false
	}
	for _, a := range args[1:] {
		if path.Base(a) == "tlshd" {
			return true
		}
	}
	return false
}

// tlshdConfigArg returns the file tlshd's arguments name with -c FILE,
// --config FILE or --config=FILE, or "".
func tlshdConfigArg(args []string) string {
	for i, a := range args {
		switch {
		case (a == "-c" || a == "--config") && i+1 < len(args):
			return args[i+1]
		case strings.HasPrefix(a, "--config="):
			return strings.TrimPrefix(a, "--config=")
		case strings.HasPrefix(a, "-c") && len(a) > 2:
			return a[2:]
		}
	}
	return ""
}

// tlshdKeyrings returns the keyrings a tlshd.conf (a GLib key file) links
// in its [authenticate] section: keyrings=NAME;NAME;…
func tlshdKeyrings(conf string) []string {
	section := ""
	var out []string
	for _, l := range strings.Split(conf, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "" || strings.HasPrefix(l, "#"):
		case strings.HasPrefix(l, "[") && strings.HasSuffix(l, "]"):
			section = strings.TrimSpace(l[1 : len(l)-1])
		case section == "authenticate":
			k, v, ok := strings.Cut(l, "=")
			if !ok || strings.TrimSpace(k) != "keyrings" {
				continue
			}
			out = nil
			for _, r := range strings.Split(v, ";") {
				if r = strings.TrimSpace(r); r != "" {
					out = append(out, r)
				}
			}
		}
	}
	return out
}
