package fabrics

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/gonvme/gonvme/dhchap"
	"github.com/gonvme/gonvme/nqn"
	"github.com/gonvme/gonvme/optstring"
)

// ValidationError is a value refused before anything is written to the
// kernel.
type ValidationError struct {
	Option string // the kernel token: "traddr", "trsvcid", "nqn", …
	Value  string // the offending value; "" when the option is missing or a flag
	Rule   string // what the value must be, as a sentence fragment
	Err    error  // the underlying cause, such as an *nqn.Error; may be nil
}

func (e *ValidationError) Error() string {
	switch {
	case e.Value == "":
		return e.Option + ": " + e.Rule
	case isSecret(e.Option):
		return fmt.Sprintf("invalid %s (value not shown): %s", e.Option, e.Rule)
	default:
		return fmt.Sprintf("invalid %s %q: %s", e.Option, e.Value, e.Rule)
	}
}

func (e *ValidationError) Unwrap() error { return e.Err }

func isSecret(option string) bool {
	return option == "dhchap_secret" || option == "dhchap_ctrl_secret"
}

// maxValueLen bounds every string value; NQNs are held to nqn.MaxLen. It
// keeps the whole option string far below the one page the kernel accepts.
const maxValueLen = 255

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// genericOptions are accepted by every transport (NVMF_ALLOWED_OPTS plus
// the required transport and nqn, drivers/nvme/host/fabrics.c).
var genericOptions = set("transport", "nqn", "queue_size", "nr_io_queues",
	"keep_alive_tmo", "hostnqn", "hostid", "duplicate_connect", "disable_sqflow",
	"discovery", "fast_io_fail_tmo", "dhchap_secret", "dhchap_ctrl_secret")

// transportRules are the required and allowed options of each transport
// driver (nvme_rdma_transport, nvme_tcp_transport, nvme_fc_transport,
// nvme_loop_transport); allowed includes required.
var transportRules = map[string]struct {
	required []string
	allowed  map[string]bool
}{
	"rdma": {[]string{"traddr"}, set("traddr", "trsvcid", "host_traddr",
		"reconnect_delay", "ctrl_loss_tmo", "nr_write_queues", "nr_poll_queues", "tos")},
	"tcp": {[]string{"traddr"}, set("traddr", "trsvcid", "host_traddr",
		"reconnect_delay", "ctrl_loss_tmo", "nr_write_queues", "nr_poll_queues", "tos",
		"host_iface", "hdr_digest", "data_digest", "tls", "keyring", "tls_key", "concat")},
	"fc":   {[]string{"traddr", "host_traddr"}, set("traddr", "host_traddr", "reconnect_delay", "ctrl_loss_tmo")},
	"loop": {nil, set("traddr")},
}

func transportAllows(transport, name string) bool {
	return genericOptions[name] || transportRules[transport].allowed[name]
}

var optionsByName = func() map[string]option {
	m := make(map[string]option, len(options))
	for _, p := range options {
		m[p.name] = p
	}
	return m
}()

func (o *Options) has(name string) bool { return optionsByName[name].isSet(o) }

// Validate checks every set option and returns a *ValidationError for the
// first problem found: a missing transport or NQN, a value that is malformed,
// out of the kernel's range or unsafe to place in the option string, an
// option the transport does not accept, or a combination the kernel refuses.
func (o *Options) Validate() error {
	if o.Transport == "" {
		return &ValidationError{Option: "transport", Rule: "is required: one of " + strings.Join(Transports, ", ")}
	}
	if o.NQN == "" {
		return &ValidationError{Option: "nqn", Rule: "is required: the NQN of the subsystem to connect to"}
	}
	for _, p := range options {
		if p.isSet(o) {
			if err := o.check(p); err != nil {
				return err
			}
		}
	}
	for _, name := range transportRules[o.Transport].required {
		if !o.has(name) {
			return &ValidationError{Option: name, Rule: "is required by the " + o.Transport + " transport"}
		}
	}
	for _, p := range options {
		if p.isSet(o) && !o.Defaults[p.name] && !transportAllows(o.Transport, p.name) {
			return &ValidationError{Option: p.name, Value: p.value(o), Rule: notAllowedRule(o.Transport, p.name)}
		}
	}
	return o.checkCombinations()
}

func notAllowedRule(transport, name string) string {
	var takers []string
	for _, t := range Transports {
		if transportRules[t].allowed[name] {
			takers = append(takers, t)
		}
	}
	return fmt.Sprintf("the %s transport does not take this option (%s only)", transport, strings.Join(takers, ", "))
}

func (o *Options) checkCombinations() error {
	switch {
	case o.DHCHAPCtrlSecret != "" && o.DHCHAPSecret == "":
		return &ValidationError{Option: "dhchap_ctrl_secret", Rule: "needs dhchap_secret as well: the controller authenticates itself only inside the host's own authentication"}
	case o.Concat && o.DHCHAPSecret == "":
		return &ValidationError{Option: "concat", Rule: "needs dhchap_secret: secure concatenation derives its TLS key from DH-HMAC-CHAP"}
	case o.Concat && o.TLS:
		return &ValidationError{Option: "concat", Rule: "cannot be combined with tls: secure concatenation sets up TLS itself"}
	case o.Concat && o.TLSKey != nil:
		return &ValidationError{Option: "concat", Rule: "cannot be combined with tls_key: secure concatenation derives its own key"}
	}
	return nil
}

// check validates the value of one set option.
func (o *Options) check(p option) error {
	if p.num != nil {
		if v := **p.num(o); v < p.min || v > p.max {
			return &ValidationError{Option: p.name, Value: strconv.Itoa(v), Rule: rangeRule(p)}
		}
		return nil
	}
	if p.flag != nil {
		return nil
	}
	v := *p.str(o)
	if rule := unsafeRule(v, isSecret(p.name)); rule != "" {
		return &ValidationError{Option: p.name, Value: v, Rule: rule}
	}
	rule, err := o.checkString(p.name, v)
	if rule == "" {
		return nil
	}
	return &ValidationError{Option: p.name, Value: v, Rule: rule, Err: err}
}

func rangeRule(p option) string {
	switch {
	case p.max == maxInt:
		return fmt.Sprintf("must be a whole number of at least %d", p.min)
	default:
		return fmt.Sprintf("must be a whole number from %d to %d", p.min, p.max)
	}
}

// unsafeRule reports why s cannot travel inside the kernel's option
// string, or "" when it can (package optstring has the rule). '=' is
// allowed only in DH-HMAC-CHAP secrets, whose base64 padding needs it and
// whose format is checked separately.
func unsafeRule(s string, allowEquals bool) string {
	if len(s) > maxValueLen {
		return fmt.Sprintf("is %d bytes long; the limit is %d", len(s), maxValueLen)
	}
	mode := optstring.Plain
	if allowEquals {
		mode = optstring.AllowEquals
	}
	if err := optstring.Check(s, mode); err != nil {
		return err.Error()
	}
	return ""
}

// checkString applies the format rule of one string option. It returns ""
// when the value is acceptable, else the rule and any underlying error.
func (o *Options) checkString(name, v string) (string, error) {
	switch name {
	case "transport":
		if !slices.Contains(Transports, v) {
			return "must be one of " + strings.Join(Transports, ", "), nil
		}
	case "nqn", "hostnqn":
		if err := nqn.Validate(v); err != nil {
			rule := "is not a name the kernel accepts"
			var ne *nqn.Error
			if errors.As(err, &ne) {
				rule = ne.Reason
			}
			return rule, err
		}
	case "hostid":
		if err := nqn.ValidateHostID(v); err != nil {
			return "must be a UUID in its 36-character form, such as 6f2a1c0e-8a4b-4c55-9d3e-2b7f0c1a9e44", err
		}
	case "traddr", "host_traddr":
		return addressRule(o.Transport, v), nil
	case "trsvcid":
		return portRule(v), nil
	case "host_iface":
		return ifaceRule(v), nil
	case "dhchap_secret", "dhchap_ctrl_secret":
		return dhchapRule(v)
	}
	return "", nil
}

func addressRule(transport, v string) string {
	switch transport {
	case "rdma", "tcp":
		if _, err := netip.ParseAddr(v); err != nil {
			return "must be an IPv4 or IPv6 address (host names are not resolved)"
		}
	case "fc":
		if !isFCAddress(v) {
			return `must be a Fibre Channel address "nn-0x<16 hex digits>:pn-0x<16 hex digits>"`
		}
	}
	return ""
}

// isFCAddress accepts the two forms nvme_fc_parse_traddr accepts:
// "nn-0x<wwnn>:pn-0x<wwpn>" and "nn-<wwnn>:pn-<wwpn>", 16 hex digits each.
func isFCAddress(v string) bool {
	nn, pn, ok := strings.Cut(v, ":")
	if !ok {
		return false
	}
	nn, okNN := strings.CutPrefix(nn, "nn-")
	pn, okPN := strings.CutPrefix(pn, "pn-")
	if !okNN || !okPN || strings.HasPrefix(nn, "0x") != strings.HasPrefix(pn, "0x") {
		return false
	}
	return isHex16(strings.TrimPrefix(nn, "0x")) && isHex16(strings.TrimPrefix(pn, "0x"))
}

func isHex16(s string) bool {
	if len(s) != 16 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// portRule wants plain decimal: the kernel parses ports with base
// detection, so a leading zero would be read as octal.
func portRule(v string) string {
	const rule = "must be a port number from 1 to 65535, in decimal without leading zeros"
	if v[0] < '1' || v[0] > '9' {
		return rule
	}
	n, err := strconv.ParseUint(v, 10, 16)
	if err != nil || n == 0 {
		return rule
	}
	return ""
}

// ifaceRule follows the kernel's dev_valid_name: below IFNAMSIZ (16)
// bytes, not "." or "..", no '/' or ':'.
func ifaceRule(v string) string {
	if len(v) > 15 || v == "." || v == ".." || strings.ContainsAny(v, "/:") {
		return "must be a network interface name: at most 15 bytes, not '.' or '..', without '/' or ':'"
	}
	return ""
}

// dhchapRule checks a secret the way the kernel decodes it (see
// dhchap.Parse), including the key length its hash requires.
func dhchapRule(v string) (string, error) {
	_, err := dhchap.Parse(v)
	var e *dhchap.Error
	if errors.As(err, &e) {
		return e.Reason + ` ('gonvme check-dhchap-key' checks a secret, 'gonvme gen-dhchap-key' makes one)`, err
	}
	return "", nil
}
