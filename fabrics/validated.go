package fabrics

import "strings"

// Validated is Options that passed Validate, the only input Connect, Plan
// and Encode take: the options are checked once, where they enter, and
// nothing reaches the kernel unchecked. Check makes one; the zero value
// holds no options and encodes to "".
type Validated struct {
	o Options
}

// Check validates o (see Validate) and returns it as Validated.
// The value held is a deep copy: changing o afterwards changes nothing
// that was checked.
func (o Options) Check() (Validated, error) {
	c := o.clone()
	if err := c.Validate(); err != nil {
		return Validated{}, err
	}
	return Validated{o: c}, nil
}

// Options returns a copy of the validated options, to read or to change
// and Check again.
func (v Validated) Options() Options { return v.o.clone() }

// Target is Options.Target of the validated options.
func (v Validated) Target() string { return v.o.Target() }

// Encode returns the string to write to /dev/nvme-fabrics: "name=value"
// and bare flag tokens joined by ',' in the order nqn, transport, traddr,
// host_traddr, host_iface, trsvcid, hostnqn, hostid, discovery,
// dhchap_secret, dhchap_ctrl_secret, nr_io_queues, nr_write_queues,
// nr_poll_queues, queue_size, keep_alive_tmo, reconnect_delay,
// ctrl_loss_tmo, fast_io_fail_tmo, tos, keyring, tls_key,
// duplicate_connect, disable_sqflow, hdr_digest, data_digest, tls, concat.
// Defaults the transport does not accept are left out.
func (v Validated) Encode() string {
	var b strings.Builder
	for i, p := range v.o.encoded() {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(p.encode(&v.o))
	}
	return b.String()
}

// Restrict is Options.Restrict for validated options. Dropping defaults
// keeps every value valid; a dropped default the transport requires is a
// *ValidationError.
func (v Validated) Restrict(sup Supported) (Validated, error) {
	o, err := v.o.Restrict(sup)
	if err != nil {
		return Validated{}, err
	}
	for _, name := range transportRules[o.Transport].required {
		if !o.has(name) {
			return Validated{}, &ValidationError{Option: name, Rule: "is required by the " + o.Transport + " transport, and the running kernel does not list it"}
		}
	}
	return Validated{o: o}, nil
}

// clone copies o, its numbers and its Defaults, so that the copy shares
// nothing with o.
func (o Options) clone() Options {
	for _, p := range options {
		if p.num != nil && *p.num(&o) != nil {
			*p.num(&o) = Int(**p.num(&o))
		}
	}
	if o.Defaults != nil {
		d := make(map[string]bool, len(o.Defaults))
		for k, v := range o.Defaults {
			d[k] = v
		}
		o.Defaults = d
	}
	return o
}
