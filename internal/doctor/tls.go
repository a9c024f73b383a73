package doctor

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gonvme/gonvme/keyring"
	"github.com/gonvme/gonvme/nvmf"
)

// SectionTLS holds the checks of doctor --tls.
const SectionTLS = "tls"

// TLSInput is what the TLS checks look at (see gatherTLS).
type TLSInput struct {
	// KernelTLS says whether /dev/nvme-fabrics lists the tls option; nil
	// when unknown: not root, or KernelErr says why the options could not
	// be read.
	KernelTLS *bool
	KernelErr error
	// TLSStat is the path of /proc/net/tls_stat; LayerMissing says the
	// tls module is not loaded (it is missing).
	TLSStat      string
	LayerMissing bool
	// Cipher is the cipher kernel TLS uses, and CipherState what the
	// kernel says of it.
	Cipher      string
	CipherState nvmf.CipherState
	Tlshd       []Tlshd
	// Keyring is the .nvme keyring's serial; KeyringErr why it was not
	// found; KeyringSkip says its lookup needs root.
	Keyring     int
	KeyringErr  error
	KeyringSkip bool
	HostNQN     string
	NQN         string
	// PSKs are the psk keys of the .nvme keyring; KeysErr why they could
	// not be listed.
	PSKs    []keyring.Key
	KeysErr error
}

// Tlshd is one running tlshd: its pid, its configuration file and the
// keyrings that file's [authenticate] section links (ConfErr when it
// cannot be read).
type Tlshd struct {
	PID      int
	Config   string
	Keyrings []string
	ConfErr  error
}

// TLSChecks checks what an NVMe/TCP TLS connect needs: a kernel with
// NVMe/TCP TLS, its TLS layer and cipher, tlshd configured for the .nvme
// keyring, that keyring, and a PSK for the host and subsystem.
func TLSChecks(in TLSInput) []Check {
	var out []Check
	switch {
	case in.KernelErr != nil:
		out = append(out, check(SectionTLS, "kernel", Skip, "the options this kernel supports cannot be read: "+in.KernelErr.Error()+" (see the host checks)", ""))
	case in.KernelTLS == nil:
		out = append(out, needsRoot(SectionTLS, "kernel", "reading the options this kernel supports"))
	case !*in.KernelTLS:
		return append(out, check(SectionTLS, "kernel", Fail, "the kernel's fabrics options include no tls: this kernel has no NVMe/TCP TLS",
			"run a kernel with NVMe/TCP TLS (Linux 6.7 and later built with CONFIG_NVME_TCP_TLS; Debian 13's 6.12 has it)"))
	default:
		out = append(out, check(SectionTLS, "kernel", OK, "the fabrics options include tls (NVMe/TCP TLS)", ""))
	}
	if in.LayerMissing {
		out = append(out, check(SectionTLS, "tls module", Warn, "not loaded: no "+in.TLSStat,
			"modprobe tls (gonvme connect --tls loads it; load it at boot in /etc/modules-load.d)"))
	} else {
		out = append(out, check(SectionTLS, "tls module", OK, "loaded ("+in.TLSStat+")", ""))
	}
	name := "cipher " + in.Cipher
	switch {
	case in.CipherState == nvmf.CipherPresent:
		out = append(out, check(SectionTLS, name, OK, "the kernel has it: kernel TLS seals the records with it", ""))
	case in.CipherState == nvmf.CipherMissing:
		out = append(out, check(SectionTLS, name, Fail, "the kernel cannot allocate "+in.Cipher+" (asked through AF_ALG), which kernel TLS seals the records with after the handshake",
			"modprobe gcm aesni-intel (or the generic aes, ctr and ghash), and load them at boot (/etc/modules-load.d)"))
	default:
		out = append(out, check(SectionTLS, name, Skip, "not registered yet (the kernel builds it on first use) and not asked: algif_aead is not loaded", ""))
	}
	out = append(out, tlshdChecks(in.Tlshd)...)
	out = append(out, keyChecks(in)...)
	return out
}

func tlshdChecks(ds []Tlshd) []Check {
	if len(ds) == 0 {
		return []Check{check(SectionTLS, "tlshd", Fail, "no tlshd process: the kernel hands every TLS handshake to tlshd",
			"install ktls-utils and start tlshd (systemctl enable --now tlshd)")}
	}
	var pids []string
	for _, d := range ds {
		pids = append(pids, strconv.Itoa(d.PID))
	}
	// ktls-utils 1.0 links .nvme into tlshd's session keyring whatever the
	// configuration says (seen in the e2e guest with keyrings= empty);
	// earlier releases link only the keyrings configured. So the
	// configuration is evidence, not a failure.
	d := ds[0]
	conf := d.Config + " links .nvme"
	switch {
	case d.ConfErr != nil:
		conf = "its configuration cannot be read: " + errText(d.ConfErr)
	case !slices.Contains(d.Keyrings, ".nvme"):
		conf = d.Config + " links no .nvme keyring"
	}
	if !strings.HasSuffix(conf, "links .nvme") {
		conf += " (ktls-utils 1.0 and later link .nvme themselves; earlier releases need 'keyrings=.nvme' in its [authenticate] section)"
	}
	return []Check{check(SectionTLS, "tlshd", OK, "running: pid "+join(pids)+"; "+conf, "")}
}

func keyChecks(in TLSInput) []Check {
	switch {
	case in.KeyringSkip:
		return []Check{needsRoot(SectionTLS, "keyring .nvme", "looking up the .nvme keyring and its PSKs")}
	case in.KeyringErr != nil:
		return []Check{check(SectionTLS, "keyring .nvme", Fail, "not found: "+in.KeyringErr.Error(),
			"modprobe nvme-keyring (it creates .nvme; gonvme's gen-tls-key, check-tls-key --insert and tls-key --import load it)")}
	}
	out := []Check{check(SectionTLS, "keyring .nvme", OK, fmt.Sprintf("serial %d", in.Keyring), "")}
	if in.KeysErr != nil {
		return append(out, check(SectionTLS, "psk", Fail, "listing the .nvme keyring: "+in.KeysErr.Error(), "run as root"))
	}
	var mine, matching []string
	for _, k := range in.PSKs {
		f := strings.Fields(k.Description)
		if len(f) < 3 || k.Type != "psk" || f[1] != in.HostNQN {
			continue
		}
		mine = append(mine, quote(k.Description))
		if f[2] == in.NQN {
			matching = append(matching, fmt.Sprintf("%s (serial %d)", quote(f[0]), k.Serial))
		}
	}
	insert := "gonvme gen-tls-key --insert -n " + in.HostNQN + " -c SUBNQN (and give the target the same configured PSK), or gonvme check-tls-key --insert -n " +
		in.HostNQN + " -c SUBNQN -d <the target's PSK>"
	switch {
	case in.NQN == "" && len(mine) == 0:
		return append(out, check(SectionTLS, "psk", Warn, "no PSK for host "+quote(in.HostNQN)+" in .nvme", insert))
	case in.NQN == "":
		return append(out, check(SectionTLS, "psk", OK, fmt.Sprintf("%d PSK(s) for host %s: %s", len(mine), quote(in.HostNQN), join(mine)), ""))
	case len(matching) == 0:
		return append(out, check(SectionTLS, "psk", Fail, "no PSK for host "+quote(in.HostNQN)+" and subsystem "+quote(in.NQN)+" in .nvme: the kernel has none to offer",
			strings.ReplaceAll(insert, "SUBNQN", in.NQN)))
	}
	return append(out, check(SectionTLS, "psk", OK, "for subsystem "+quote(in.NQN)+": identity "+join(matching), ""))
}
