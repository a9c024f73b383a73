package config

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gonvme/gonvme/fabrics"
)

// FlagKind is what a fabrics flag takes.
type FlagKind int

// Flag kinds.
const (
	FlagString FlagKind = iota
	FlagInt
	FlagBool
)

// Flag is one of nvme-cli's shared fabrics flags. The same table builds
// gonvme's command-line flags and parses discovery.conf lines.
type Flag struct {
	Long  string
	Short string // "" when no letter is given to it
	Kind  FlagKind
	Usage string
	// Set stores the value v (n when Kind is FlagInt) in o.
	Set func(o *fabrics.Options, v string, n int)
}

func setInt(f func(o *fabrics.Options) **int) func(*fabrics.Options, string, int) {
	return func(o *fabrics.Options, _ string, n int) { *f(o) = fabrics.Int(n) }
}

// Flags are the fabrics flags, in nvme-cli's order.
var Flags = []Flag{
	{"transport", "t", FlagString, "transport type: rdma, tcp, fc or loop", func(o *fabrics.Options, v string, _ int) { o.Transport = v }},
	{"nqn", "n", FlagString, "subsystem NQN", func(o *fabrics.Options, v string, _ int) { o.NQN = v }},
	{"traddr", "a", FlagString, "transport address (IP address for rdma and tcp)", func(o *fabrics.Options, v string, _ int) { o.Traddr = v }},
	{"trsvcid", "s", FlagString, "transport service id, the port (rdma 4420; tcp 8009 for discovery, 4420 for I/O)", func(o *fabrics.Options, v string, _ int) { o.Trsvcid = v }},
	{"host-traddr", "w", FlagString, "host transport address to connect from", func(o *fabrics.Options, v string, _ int) { o.HostTraddr = v }},
	{"host-iface", "f", FlagString, "host interface to connect through (tcp only)", func(o *fabrics.Options, v string, _ int) { o.HostIface = v }},
	{"hostnqn", "q", FlagString, "host NQN (default: /etc/nvme/hostnqn)", func(o *fabrics.Options, v string, _ int) { o.HostNQN = v }},
	{"hostid", "I", FlagString, "host ID, a UUID (default: /etc/nvme/hostid)", func(o *fabrics.Options, v string, _ int) { o.HostID = v }},
	{"dhchap-secret", "S", FlagString, "DH-HMAC-CHAP host key \"DHHC-1:…\" (@FILE reads it from FILE)", func(o *fabrics.Options, v string, _ int) { o.DHCHAPSecret = v }},
	{"nr-io-queues", "i", FlagInt, "number of I/O queues (default: one per CPU)", setInt(func(o *fabrics.Options) **int { return &o.NrIOQueues })},
	{"nr-write-queues", "W", FlagInt, "number of write queues", setInt(func(o *fabrics.Options) **int { return &o.NrWriteQueues })},
	{"nr-poll-queues", "P", FlagInt, "number of poll queues", setInt(func(o *fabrics.Options) **int { return &o.NrPollQueues })},
	{"queue-size", "Q", FlagInt, "I/O queue depth (default 128)", setInt(func(o *fabrics.Options) **int { return &o.QueueSize })},
	{"keep-alive-tmo", "k", FlagInt, "keep-alive timeout in seconds", setInt(func(o *fabrics.Options) **int { return &o.KeepAliveTmo })},
	{"reconnect-delay", "c", FlagInt, "reconnect delay in seconds", setInt(func(o *fabrics.Options) **int { return &o.ReconnectDelay })},
	{"ctrl-loss-tmo", "l", FlagInt, "controller loss timeout in seconds, -1 for never (default 600)", setInt(func(o *fabrics.Options) **int { return &o.CtrlLossTmo })},
	{"fast_io_fail_tmo", "F", FlagInt, "fast I/O fail timeout in seconds", setInt(func(o *fabrics.Options) **int { return &o.FastIOFailTmo })},
	{"tos", "T", FlagInt, "type of service", setInt(func(o *fabrics.Options) **int { return &o.Tos })},
	{"keyring", "", FlagInt, "keyring for TLS keys", setInt(func(o *fabrics.Options) **int { return &o.Keyring })},
	{"tls-key", "", FlagInt, "TLS key: a key serial, or on the command line a PSK in interchange form (NVMeTLSkey-1:xx:...:) to insert first", setInt(func(o *fabrics.Options) **int { return &o.TLSKey })},
	{"duplicate-connect", "D", FlagBool, "allow a second connection to the same subsystem and address", func(o *fabrics.Options, _ string, _ int) { o.DuplicateConnect = true }},
	{"disable-sqflow", "d", FlagBool, "disable submission queue flow control", func(o *fabrics.Options, _ string, _ int) { o.DisableSQFlow = true }},
	{"hdr-digest", "g", FlagBool, "enable header digest (tcp only)", func(o *fabrics.Options, _ string, _ int) { o.HdrDigest = true }},
	{"data-digest", "G", FlagBool, "enable data digest (tcp only)", func(o *fabrics.Options, _ string, _ int) { o.DataDigest = true }},
	{"tls", "", FlagBool, "enable TLS (tcp only)", func(o *fabrics.Options, _ string, _ int) { o.TLS = true }},
	{"concat", "", FlagBool, "enable secure concatenation (tcp only)", func(o *fabrics.Options, _ string, _ int) { o.Concat = true }},
}

// noneMeansUnset are the flags whose value "none" means not given, as
// libnvme reads them: nvme-cli's udev rules and nvmf-connect@.service pass
// --trsvcid=none for FC and --host-traddr=none, --host-iface=none when
// there is none.
var noneMeansUnset = map[string]bool{"trsvcid": true, "host-traddr": true, "host-iface": true}

// OptionsFrom builds fabrics options from flag values; lookup returns a
// flag's value (by its long name) and whether it was given. Numbers are
// checked here, so the error names the flag as the user typed it.
func OptionsFrom(lookup func(long string) (string, bool)) (fabrics.Options, error) {
	var o fabrics.Options
	for _, f := range Flags {
		v, ok := lookup(f.Long)
		if !ok {
			continue
		}
		n := 0
		switch f.Kind {
		case FlagInt:
			var err error
			n, err = strconv.Atoi(strings.TrimSpace(v))
			if err != nil || strings.TrimSpace(v) != v {
				return o, numberError(f.Long, v)
			}
		case FlagBool:
			if v != "true" {
				continue
			}
		default:
			if v == "none" && noneMeansUnset[f.Long] {
				continue
			}
		}
		f.Set(&o, v, n)
	}
	return o, nil
}

// numberError says a number flag's value is not a whole number, quoting
// it unless it may be a secret: --tls-key takes a serial, but a PSK given
// in its place must not be printed. A PSK reaches here only from
// discovery.conf (the command line takes it out first).
func numberError(long, v string) error {
	if long != "tls-key" {
		return fmt.Errorf("--%s: %q is not a whole number", long, v)
	}
	if strings.HasPrefix(strings.TrimSpace(v), "NVMeTLSkey-") {
		return fmt.Errorf("--tls-key: a PSK in interchange form is taken on the command line and as config.json's tls_key, not in discovery.conf " +
			"(a file every user may read): import it (gonvme tls-key --import, or check-tls-key --insert) and give its key serial here, " +
			"or give none and let the kernel find it by identity in the .nvme keyring")
	}
	return fmt.Errorf("--tls-key: not a key serial (a whole number) nor a PSK in interchange form (NVMeTLSkey-1:xx:<base64>:); the value is not shown, it may be a secret")
}

// lookupConfFlag finds a flag a discovery.conf line may use: the fabrics
// flags (by long name or letter; -d means --device on discover's command
// line, so it is not taken as --disable-sqflow here) plus discover's own
// that make sense there.
func lookupConfFlag(name string) (Flag, bool) {
	for _, f := range Flags {
		if name == f.Long || (f.Short != "" && name == f.Short && f.Short != "d") {
			return f, true
		}
	}
	switch name {
	case "persistent", "p":
		return Flag{Long: "persistent", Kind: FlagBool}, true
	case "verbose", "v":
		return Flag{Long: "verbose", Kind: FlagBool}, true
	case "quiet", "force":
		return Flag{Long: name, Kind: FlagBool}, true
	}
	return Flag{}, false
}

// ParseArgs parses the words of one discovery.conf line
// ("--transport=rdma -a 10.0.0.1 -s 4420 --persistent") into flag values.
func ParseArgs(args []string) (map[string]string, error) {
	vals := map[string]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		var name, val string
		var hasVal bool
		switch {
		case strings.HasPrefix(a, "--"):
			name, val, hasVal = strings.Cut(a[2:], "=")
		case strings.HasPrefix(a, "-") && len(a) >= 2:
			name = a[1:2]
			if len(a) > 2 {
				val, hasVal = strings.TrimPrefix(a[2:], "="), true
			}
		default:
			return nil, fmt.Errorf("unexpected word %q (expected a flag such as --traddr=ADDRESS)", a)
		}
		f, ok := lookupConfFlag(name)
		if !ok {
			return nil, fmt.Errorf("unknown flag %q", a)
		}
		if f.Kind == FlagBool {
			if hasVal {
				return nil, fmt.Errorf("flag --%s takes no value", f.Long)
			}
			vals[f.Long] = "true"
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("flag --%s needs a value", f.Long)
			}
			i++
			val = args[i]
		}
		vals[f.Long] = val
	}
	return vals, nil
}
