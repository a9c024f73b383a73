package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/fabrics"
)

type flagKind int

const (
	kindString flagKind = iota
	kindInt
	kindBool
)

// fabricFlag is one of nvme-cli's shared fabrics flags. The same table
// builds the command-line flags and parses discovery.conf lines.
type fabricFlag struct {
	long  string
	short string // "" when the command gives the letter to another flag
	kind  flagKind
	usage string
	set   func(o *fabrics.Options, v string, n int)
}

func intSetter(f func(o *fabrics.Options) **int) func(*fabrics.Options, string, int) {
	return func(o *fabrics.Options, _ string, n int) { *f(o) = fabrics.Int(n) }
}

var fabricFlags = []fabricFlag{
	{"transport", "t", kindString, "transport type: rdma, tcp, fc or loop", func(o *fabrics.Options, v string, _ int) { o.Transport = v }},
	{"nqn", "n", kindString, "subsystem NQN", func(o *fabrics.Options, v string, _ int) { o.NQN = v }},
	{"traddr", "a", kindString, "transport address (IP address for rdma and tcp)", func(o *fabrics.Options, v string, _ int) { o.Traddr = v }},
	{"trsvcid", "s", kindString, "transport service id, the port (rdma 4420; tcp 8009 for discovery, 4420 for I/O)", func(o *fabrics.Options, v string, _ int) { o.Trsvcid = v }},
	{"host-traddr", "w", kindString, "host transport address to connect from", func(o *fabrics.Options, v string, _ int) { o.HostTraddr = v }},
	{"host-iface", "f", kindString, "host interface to connect through (tcp only)", func(o *fabrics.Options, v string, _ int) { o.HostIface = v }},
	{"hostnqn", "q", kindString, "host NQN (default: /etc/nvme/hostnqn)", func(o *fabrics.Options, v string, _ int) { o.HostNQN = v }},
	{"hostid", "I", kindString, "host ID, a UUID (default: /etc/nvme/hostid)", func(o *fabrics.Options, v string, _ int) { o.HostID = v }},
	{"dhchap-secret", "S", kindString, "DH-HMAC-CHAP host key \"DHHC-1:…\" (@FILE reads it from FILE)", func(o *fabrics.Options, v string, _ int) { o.DHCHAPSecret = v }},
	{"nr-io-queues", "i", kindInt, "number of I/O queues (default: one per CPU)", intSetter(func(o *fabrics.Options) **int { return &o.NrIOQueues })},
	{"nr-write-queues", "W", kindInt, "number of write queues", intSetter(func(o *fabrics.Options) **int { return &o.NrWriteQueues })},
	{"nr-poll-queues", "P", kindInt, "number of poll queues", intSetter(func(o *fabrics.Options) **int { return &o.NrPollQueues })},
	{"queue-size", "Q", kindInt, "I/O queue depth (default 128)", intSetter(func(o *fabrics.Options) **int { return &o.QueueSize })},
	{"keep-alive-tmo", "k", kindInt, "keep-alive timeout in seconds", intSetter(func(o *fabrics.Options) **int { return &o.KeepAliveTmo })},
	{"reconnect-delay", "c", kindInt, "reconnect delay in seconds", intSetter(func(o *fabrics.Options) **int { return &o.ReconnectDelay })},
	{"ctrl-loss-tmo", "l", kindInt, "controller loss timeout in seconds, -1 for never (default 600)", intSetter(func(o *fabrics.Options) **int { return &o.CtrlLossTmo })},
	{"fast_io_fail_tmo", "F", kindInt, "fast I/O fail timeout in seconds", intSetter(func(o *fabrics.Options) **int { return &o.FastIOFailTmo })},
	{"tos", "T", kindInt, "type of service", intSetter(func(o *fabrics.Options) **int { return &o.Tos })},
	{"keyring", "", kindInt, "keyring for TLS keys", intSetter(func(o *fabrics.Options) **int { return &o.Keyring })},
	{"tls-key", "", kindInt, "TLS key serial", intSetter(func(o *fabrics.Options) **int { return &o.TLSKey })},
	{"duplicate-connect", "D", kindBool, "allow a second connection to the same subsystem and address", func(o *fabrics.Options, _ string, _ int) { o.DuplicateConnect = true }},
	{"disable-sqflow", "d", kindBool, "disable submission queue flow control", func(o *fabrics.Options, _ string, _ int) { o.DisableSQFlow = true }},
	{"hdr-digest", "g", kindBool, "enable header digest (tcp only)", func(o *fabrics.Options, _ string, _ int) { o.HdrDigest = true }},
	{"data-digest", "G", kindBool, "enable data digest (tcp only)", func(o *fabrics.Options, _ string, _ int) { o.DataDigest = true }},
	{"tls", "", kindBool, "enable TLS (tcp only)", func(o *fabrics.Options, _ string, _ int) { o.TLS = true }},
	{"concat", "", kindBool, "enable secure concatenation (tcp only)", func(o *fabrics.Options, _ string, _ int) { o.Concat = true }},
}

// urfaveFlags builds the command-line flags; letters listed in taken are
// left to the command's own flags (nvme-cli gives -d to --device in
// discover and connect-all).
func urfaveFlags(taken ...string) []cli.Flag {
	skip := map[string]bool{}
	for _, t := range taken {
		skip[t] = true
	}
	var fl []cli.Flag
	for _, f := range fabricFlags {
		var aliases []string
		if f.short != "" && !skip[f.short] {
			aliases = []string{f.short}
		}
		if f.kind == kindBool {
			fl = append(fl, &cli.BoolFlag{Name: f.long, Aliases: aliases, Usage: f.usage})
		} else {
			fl = append(fl, &cli.StringFlag{Name: f.long, Aliases: aliases, Usage: f.usage})
		}
	}
	return fl
}

// noneMeansUnset are the flags whose value "none" means not given, as
// libnvme reads them: nvme-cli's udev rules and nvmf-connect@.service pass
// --trsvcid=none for FC and --host-traddr=none, --host-iface=none when
// there is none.
var noneMeansUnset = map[string]bool{"trsvcid": true, "host-traddr": true, "host-iface": true}

// optionsFrom builds the fabrics options from flag values; lookup returns a
// flag's value and whether it was given. Numbers are checked here, so the
// message names the flag as the user typed it.
func optionsFrom(lookup func(long string) (string, bool)) (fabrics.Options, error) {
	var o fabrics.Options
	for _, f := range fabricFlags {
		v, ok := lookup(f.long)
		if !ok {
			continue
		}
		n := 0
		switch f.kind {
		case kindInt:
			var err error
			n, err = strconv.Atoi(strings.TrimSpace(v))
			if err != nil || strings.TrimSpace(v) != v {
				return o, usageErrorf("--%s: %q is not a whole number", f.long, v)
			}
		case kindBool:
			if v != "true" {
				continue
			}
		default:
			if v == "none" && noneMeansUnset[f.long] {
				continue
			}
		}
		f.set(&o, v, n)
	}
	return o, nil
}

// contextLookup reads flags from a parsed command line.
func contextLookup(c *cli.Context) func(string) (string, bool) {
	return func(long string) (string, bool) {
		if !c.IsSet(long) {
			return "", false
		}
		if v, ok := c.Value(long).(bool); ok {
			return strconv.FormatBool(v), true
		}
		return c.String(long), true
	}
}

// lookupConfFlag finds a flag a discovery.conf line may use: the fabrics
// flags (by long name or letter; -d means --device on discover's command
// line, so it is not taken as --disable-sqflow here) plus discover's own
// that make sense there.
func lookupConfFlag(name string) (fabricFlag, bool) {
	for _, f := range fabricFlags {
		if name == f.long || (f.short != "" && name == f.short && f.short != "d") {
			return f, true
		}
	}
	switch name {
	case "persistent", "p":
		return fabricFlag{long: "persistent", kind: kindBool}, true
	case "verbose", "v":
		return fabricFlag{long: "verbose", kind: kindBool}, true
	case "quiet", "force":
		return fabricFlag{long: name, kind: kindBool}, true
	}
	return fabricFlag{}, false
}

// parseConfArgs parses the words of one discovery.conf line
// ("--transport=rdma -a 10.0.0.1 -s 4420 --persistent") into flag values.
func parseConfArgs(args []string) (map[string]string, error) {
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
		if f.kind == kindBool {
			if hasVal {
				return nil, fmt.Errorf("flag --%s takes no value", f.long)
			}
			vals[f.long] = "true"
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("flag --%s needs a value", f.long)
			}
			i++
			val = args[i]
		}
		vals[f.long] = val
	}
	return vals, nil
}
