package fabrics

import (
	"errors"
	"strings"
)

// DevicePath is the kernel's NVMe over Fabrics control device.
const DevicePath = "/dev/nvme-fabrics"

// Kernel is the edge to /dev/nvme-fabrics.
type Kernel interface {
	// Probe returns the option tokens the running kernel supports, read from
	// the device before any write, or (nil, nil) when the kernel cannot say
	// (it answers EINVAL before Linux 5.17). Implementations cache the answer
	// and are safe for concurrent use.
	Probe() (Supported, error)
	// Create opens the device read-write, writes the whole option string in
	// one write, which blocks until the controller is live or has failed, and
	// reads back the kernel's reply. Kernel refusals are *KernelError values.
	Create(opts string) (Reply, error)
}

// Connect asks the kernel which options it supports, drops defaults it
// lacks, encodes the option string and creates the controller. Kernel
// refusals are *KernelError values explained for v's transport and naming
// v.Target().
func Connect(k Kernel, v Validated) (Reply, error) {
	s, err := Plan(k, v)
	if err != nil {
		return Reply{}, err
	}
	r, err := k.Create(s)
	if err != nil {
		return Reply{}, v.o.annotate(err)
	}
	return r, nil
}

// Plan is Connect without the write: the option string Connect would
// write, after one probe. It holds secrets in clear; see Redact.
func Plan(k Kernel, v Validated) (string, error) {
	sup, err := k.Probe()
	if err != nil {
		return "", v.o.annotate(err)
	}
	fitted, err := v.Restrict(sup)
	if err != nil {
		return "", err
	}
	return fitted.Encode(), nil
}

// Redact returns an option string with the values of its secrets
// (dhchap_secret, dhchap_ctrl_secret) replaced by "<redacted>", for
// printing. TLS keys never appear in option strings: the kernel takes
// their serial numbers.
func Redact(opts string) string {
	toks := strings.Split(opts, ",")
	for i, t := range toks {
		if name, _, ok := strings.Cut(t, "="); ok && isSecret(name) {
			toks[i] = name + "=<redacted>"
		}
	}
	return strings.Join(toks, ",")
}

// annotate names the target in a *KernelError and explains its errno for
// o's transport; other errors pass unchanged.
func (o Options) annotate(err error) error {
	var ke *KernelError
	if !errors.As(err, &ke) {
		return err
	}
	c := *ke
	c.Target = o.Target()
	c.Meaning, c.Hint = Explain(c.Op, o.Transport, c.Errno)
	return &c
}
