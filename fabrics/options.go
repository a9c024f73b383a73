package fabrics

import (
	"math"
	"net/netip"
	"strconv"
	"strings"
)

// Options holds every kernel connect token. Zero string / nil pointer /
// false = not set.
type Options struct {
	Transport, NQN, Traddr, Trsvcid, HostTraddr, HostIface, HostNQN, HostID string
	DHCHAPSecret, DHCHAPCtrlSecret                                          string

	QueueSize, NrIOQueues, NrWriteQueues, NrPollQueues, ReconnectDelay, CtrlLossTmo,
	KeepAliveTmo, FastIOFailTmo, Tos, Keyring, TLSKey *int

	DuplicateConnect, DisableSQFlow, HdrDigest, DataDigest, Discovery, TLS, Concat bool

	// Defaults names the kernel tokens (e.g. "ctrl_loss_tmo", "hostid") whose
	// values were filled in by gonvme rather than asked for by the user. A
	// default is best effort: it is left out where the transport does not take
	// it (Encode) or the running kernel does not know it (Restrict), where an
	// option the user asked for is an error.
	Defaults map[string]bool
}

// Int returns a pointer to v, for the numeric fields of Options.
func Int(v int) *int { return &v }

// Transports lists the transports the kernel knows, as spelled in the
// option string.
var Transports = []string{"rdma", "tcp", "fc", "loop"}

// option describes one kernel token and where its value lives in Options.
// Exactly one of str, num and flag is set.
type option struct {
	name     string
	str      func(*Options) *string
	num      func(*Options) **int
	flag     func(*Options) *bool
	min, max int // accepted range of a numeric token
}

func (p option) isSet(o *Options) bool {
	switch {
	case p.str != nil:
		return *p.str(o) != ""
	case p.num != nil:
		return *p.num(o) != nil
	default:
		return *p.flag(o)
	}
}

// value is the text after "name=", or "" for a flag.
func (p option) value(o *Options) string {
	switch {
	case p.str != nil:
		return *p.str(o)
	case p.num != nil:
		return strconv.Itoa(**p.num(o))
	default:
		return ""
	}
}

func (p option) clear(o *Options) {
	switch {
	case p.str != nil:
		*p.str(o) = ""
	case p.num != nil:
		*p.num(o) = nil
	default:
		*p.flag(o) = false
	}
}

func (p option) encode(o *Options) string {
	if p.flag != nil {
		return p.name
	}
	return p.name + "=" + p.value(o)
}

func textOption(name string, f func(*Options) *string) option {
	return option{name: name, str: f}
}

func numberOption(name string, lo, hi int, f func(*Options) **int) option {
	return option{name: name, num: f, min: lo, max: hi}
}

func flagOption(name string, f func(*Options) *bool) option {
	return option{name: name, flag: f}
}

// maxInt is the largest value the kernel's match_int accepts.
const maxInt = math.MaxInt32

// options lists every token in the order Encode writes them: the subsystem
// NQN first, then the address, the host identity, authentication, queue
// and timeout numbers, and flags last (the order libnvme uses too). The
// numeric ranges are those nvmf_parse_options in drivers/nvme/host/fabrics.c
// enforces, tightened where the kernel silently adjusts a value (tos above
// 255 is clamped, ctrl_loss_tmo and fast_io_fail_tmo below -1 mean -1).
var options = []option{
	textOption("nqn", func(o *Options) *string { return &o.NQN }),
	textOption("transport", func(o *Options) *string { return &o.Transport }),
	textOption("traddr", func(o *Options) *string { return &o.Traddr }),
	textOption("host_traddr", func(o *Options) *string { return &o.HostTraddr }),
	textOption("host_iface", func(o *Options) *string { return &o.HostIface }),
	textOption("trsvcid", func(o *Options) *string { return &o.Trsvcid }),
	textOption("hostnqn", func(o *Options) *string { return &o.HostNQN }),
	textOption("hostid", func(o *Options) *string { return &o.HostID }),
	flagOption("discovery", func(o *Options) *bool { return &o.Discovery }),
	textOption("dhchap_secret", func(o *Options) *string { return &o.DHCHAPSecret }),
	textOption("dhchap_ctrl_secret", func(o *Options) *string { return &o.DHCHAPCtrlSecret }),
	numberOption("nr_io_queues", 1, maxInt, func(o *Options) **int { return &o.NrIOQueues }),
	numberOption("nr_write_queues", 1, maxInt, func(o *Options) **int { return &o.NrWriteQueues }),
	numberOption("nr_poll_queues", 1, maxInt, func(o *Options) **int { return &o.NrPollQueues }),
	numberOption("queue_size", 16, 1024, func(o *Options) **int { return &o.QueueSize }),
	numberOption("keep_alive_tmo", 0, maxInt, func(o *Options) **int { return &o.KeepAliveTmo }),
	numberOption("reconnect_delay", 1, maxInt, func(o *Options) **int { return &o.ReconnectDelay }),
	numberOption("ctrl_loss_tmo", -1, maxInt, func(o *Options) **int { return &o.CtrlLossTmo }),
	numberOption("fast_io_fail_tmo", -1, maxInt, func(o *Options) **int { return &o.FastIOFailTmo }),
	numberOption("tos", 0, 255, func(o *Options) **int { return &o.Tos }),
	numberOption("keyring", 1, maxInt, func(o *Options) **int { return &o.Keyring }),
	numberOption("tls_key", 1, maxInt, func(o *Options) **int { return &o.TLSKey }),
	flagOption("duplicate_connect", func(o *Options) *bool { return &o.DuplicateConnect }),
	flagOption("disable_sqflow", func(o *Options) *bool { return &o.DisableSQFlow }),
	flagOption("hdr_digest", func(o *Options) *bool { return &o.HdrDigest }),
	flagOption("data_digest", func(o *Options) *bool { return &o.DataDigest }),
	flagOption("tls", func(o *Options) *bool { return &o.TLS }),
	flagOption("concat", func(o *Options) *bool { return &o.Concat }),
}

// encoded lists the options Encode writes: every set option, except
// defaults the transport does not accept.
func (o *Options) encoded() []option {
	var out []option
	for _, p := range options {
		if !p.isSet(o) || (o.Defaults[p.name] && !transportAllows(o.Transport, p.name)) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// Target describes the connection for messages: transport, address and
// subsystem NQN, e.g. "rdma 169.254.99.1:4420 nqn.2014-08.org.example:disk1".
func (o Options) Target() string {
	parts := []string{o.Transport}
	if addr := o.address(); addr != "" {
		parts = append(parts, addr)
	}
	if o.NQN != "" {
		parts = append(parts, o.NQN)
	}
	return strings.Join(parts, " ")
}

func (o Options) address() string {
	if o.Traddr == "" || o.Trsvcid == "" {
		return o.Traddr
	}
	if a, err := netip.ParseAddr(o.Traddr); err == nil && a.Is6() {
		return "[" + o.Traddr + "]:" + o.Trsvcid
	}
	return o.Traddr + ":" + o.Trsvcid
}
