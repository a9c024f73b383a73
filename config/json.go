package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/nqn"
	"github.com/gonvme/gonvme/optstring"
	"github.com/gonvme/gonvme/tlspsk"
)

// JSONConfigPath is libnvme's configuration of hosts, subsystems and ports.
const JSONConfigPath = "/etc/nvme/config.json"

// Host is one entry of config.json's top-level array.
type Host struct {
	HostNQN   string // hostnqn (required)
	HostID    string // hostid
	DHCHAPKey string // dhchap_key
	// PersistentDiscovery keeps every discovery controller of this host
	// (persistent_discovery_ctrl).
	PersistentDiscovery bool
	Subsystems          []Subsys
}

// Subsys is one entry of a host's "subsystems".
type Subsys struct {
	NQN         string // nqn (required)
	Application string // application: the --context that manages it, "" for none
	Ports       []Port
}

// Port is one entry of a subsystem's "ports": a way to reach it, with the
// connect options to use. Pointer fields are nil when the key is absent.
type Port struct {
	Transport     string // transport (required)
	Traddr        string // traddr
	Trsvcid       string // trsvcid
	HostTraddr    string // host_traddr
	HostIface     string // host_iface
	DHCHAPKey     string // dhchap_key
	DHCHAPCtrlKey string // dhchap_ctrl_key
	// Keyring and TLSKeyIdentity name, with tls, the keyring (by
	// description) and the TLS PSK in it (by identity) to connect with.
	Keyring        string // keyring
	TLSKeyIdentity string // tls_key_identity
	// TLSKey is a PSK in interchange form that a TLS connect inserts into
	// the keyring first, as libnvme does (see the CLI's importPSK).
	TLSKey string // tls_key

	NrIOQueues     *int // nr_io_queues
	NrWriteQueues  *int // nr_write_queues
	NrPollQueues   *int // nr_poll_queues
	QueueSize      *int // queue_size
	KeepAliveTmo   *int // keep_alive_tmo
	ReconnectDelay *int // reconnect_delay
	CtrlLossTmo    *int // ctrl_loss_tmo
	FastIOFailTmo  *int // fast_io_fail_tmo
	Tos            *int // tos

	Persistent       bool // persistent
	DuplicateConnect bool // duplicate_connect
	DisableSQFlow    bool // disable_sqflow
	HdrDigest        bool // hdr_digest
	DataDigest       bool // data_digest
	TLS              bool // tls
	Concat           bool // concat
	Discovery        bool // discovery

	Where string // "FILE:LINE" of the port object
}

// ReadJSONConfig reads /etc/nvme/config.json. A missing file yields no hosts
// and no error.
func ReadJSONConfig(fs hostfs.FS) ([]Host, error) {
	b, err := fs.ReadFile(JSONConfigPath)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the JSON configuration: %w", err)
	}
	return ParseJSONConfig(b, fs.Path(JSONConfigPath))
}

// ParseJSONConfig parses a libnvme config.json: an array of hosts, with the
// key names of libnvme's doc/config-schema.json. Unknown keys are ignored.
// Required keys (hostnqn, nqn, transport), values of the wrong type, duplicate
// keys, integers outside the C int range, and string values that are empty
// or contain ',', '=', white space or control characters are errors naming
// file, line and JSON path. DH-HMAC-CHAP keys may contain '=' (base64
// padding). file names the input in errors and in Port.Where.
func ParseJSONConfig(b []byte, file string) ([]Host, error) {
	root, err := parseJSONTree(b, file)
	if err != nil {
		return nil, err
	}
	w := walker{file: file}
	items, ok := root.value.([]*node)
	if !ok {
		return nil, w.fail(root, "", "the top level must be an array of hosts, as libnvme writes it, not "+root.kind())
	}
	hosts := make([]Host, 0, len(items))
	for i, hn := range items {
		hosts = append(hosts, w.host(hn, fmt.Sprintf("[%d]", i)))
	}
	if w.err != nil {
		return nil, w.err
	}
	return hosts, nil
}

// walker converts nodes to the config types, keeping the first error.
type walker struct {
	file string
	err  error
}

func (w *walker) fail(n *node, path, reason string) error {
	if w.err == nil {
		w.err = &Error{File: w.file, Line: n.line, Path: path, Reason: reason}
	}
	return w.err
}

// object returns n as an object, or records an error.
func (w *walker) object(n *node, path string) *object {
	o, ok := n.value.(*object)
	if !ok {
		w.fail(n, path, "must be an object, not "+n.kind())
		return &object{}
	}
	return o
}

// array returns the array under key, nil when absent.
func (w *walker) array(o *object, path, key string) []*node {
	n := o.vals[key]
	if n == nil {
		return nil
	}
	items, ok := n.value.([]*node)
	if !ok {
		w.fail(n, path+"."+key, "must be an array, not "+n.kind())
	}
	return items
}

func (w *walker) host(n *node, path string) Host {
	o := w.object(n, path)
	h := Host{
		HostNQN:   w.nqn(n, o, path, "hostnqn"),
		HostID:    w.str(o, path, "hostid", false),
		DHCHAPKey: w.str(o, path, "dhchap_key", true),

		PersistentDiscovery: w.bool(o, path, "persistent_discovery_ctrl"),
	}
	for i, sn := range w.array(o, path, "subsystems") {
		sp := fmt.Sprintf("%s.subsystems[%d]", path, i)
		so := w.object(sn, sp)
		s := Subsys{NQN: w.nqn(sn, so, sp, "nqn"), Application: w.label(so, sp, "application")}
		for j, pn := range w.array(so, sp, "ports") {
			s.Ports = append(s.Ports, w.port(pn, fmt.Sprintf("%s.ports[%d]", sp, j)))
		}
		h.Subsystems = append(h.Subsystems, s)
	}
	return h
}

func (w *walker) port(n *node, path string) Port {
	o := w.object(n, path)
	p := Port{
		Transport:     w.str(o, path, "transport", false),
		Traddr:        w.str(o, path, "traddr", false),
		Trsvcid:       w.str(o, path, "trsvcid", false),
		HostTraddr:    w.str(o, path, "host_traddr", false),
		HostIface:     w.str(o, path, "host_iface", false),
		DHCHAPKey:     w.str(o, path, "dhchap_key", true),
		DHCHAPCtrlKey: w.str(o, path, "dhchap_ctrl_key", true),

		Keyring:        w.keyDesc(o, path, "keyring"),
		TLSKeyIdentity: w.keyDesc(o, path, "tls_key_identity"),

		NrIOQueues:     w.int(o, path, "nr_io_queues"),
		NrWriteQueues:  w.int(o, path, "nr_write_queues"),
		NrPollQueues:   w.int(o, path, "nr_poll_queues"),
		QueueSize:      w.int(o, path, "queue_size"),
		KeepAliveTmo:   w.int(o, path, "keep_alive_tmo"),
		ReconnectDelay: w.int(o, path, "reconnect_delay"),
		CtrlLossTmo:    w.int(o, path, "ctrl_loss_tmo"),
		FastIOFailTmo:  w.int(o, path, "fast_io_fail_tmo"),
		Tos:            w.int(o, path, "tos"),

		Persistent:       w.bool(o, path, "persistent"),
		DuplicateConnect: w.bool(o, path, "duplicate_connect"),
		DisableSQFlow:    w.bool(o, path, "disable_sqflow"),
		HdrDigest:        w.bool(o, path, "hdr_digest"),
		DataDigest:       w.bool(o, path, "data_digest"),
		TLS:              w.bool(o, path, "tls"),
		Concat:           w.bool(o, path, "concat"),
		Discovery:        w.bool(o, path, "discovery"),

		Where: fmt.Sprintf("%s:%d", w.file, n.line),
	}
	if p.Transport == "" {
		w.fail(n, path, `missing "transport"`)
	}
	p.TLSKey = w.psk(o, path, "tls_key")
	return p
}

// psk reads a TLS PSK in interchange form; the reason it is refused never
// quotes it.
func (w *walker) psk(o *object, path, key string) string {
	s, v := w.rawString(o, path, key)
	if v == nil {
		return ""
	}
	if _, err := tlspsk.Parse(s); err != nil {
		w.fail(v, path+"."+key, fmt.Sprintf("must be a TLS PSK in interchange form (NVMeTLSkey-1:xx:<base64>:): %v", err))
		return ""
	}
	return s
}

// maxKeyDescription is the kernel's limit on a key description.
const maxKeyDescription = 4095

// keyDesc reads the description of a kernel key or keyring. It is looked
// up, never written into the option string, so white space is allowed
// (PSK identities have it); control characters are not.
func (w *walker) keyDesc(o *object, path, key string) string {
	v := o.vals[key]
	if v == nil {
		return ""
	}
	s, ok := v.value.(string)
	switch {
	case !ok:
		w.fail(v, path+"."+key, "must be a string, not "+v.kind())
	case s == "" || len(s) > maxKeyDescription:
		w.fail(v, path+"."+key, fmt.Sprintf("must be a key description of 1 to %d bytes", maxKeyDescription))
	case strings.IndexFunc(s, isControl) >= 0:
		w.fail(v, path+"."+key, fmt.Sprintf("%q contains a control character", s))
	}
	return s
}

// nqn reads a required NQN key of the object n.
func (w *walker) nqn(n *node, o *object, path, key string) string {
	if o.vals[key] == nil {
		w.fail(n, path, fmt.Sprintf("missing %q", key))
		return ""
	}
	s, v := w.rawString(o, path, key)
	if v == nil {
		return ""
	}
	if err := nqn.Validate(s); err != nil && w.err == nil {
		w.err = &Error{File: w.file, Line: v.line, Path: path + "." + key, Reason: err.Error(), Err: err}
	}
	return s
}

// rawString reads the string at key, with its node; nil when the key is
// absent or, reported, holds another type.
func (w *walker) rawString(o *object, path, key string) (string, *node) {
	v := o.vals[key]
	if v == nil {
		return "", nil
	}
	s, ok := v.value.(string)
	if !ok {
		w.fail(v, path+"."+key, "must be a string, not "+v.kind())
		return "", nil
	}
	return s, v
}

// str reads an optional string key. secret allows '=' (base64 padding of
// DH-HMAC-CHAP keys).
func (w *walker) str(o *object, path, key string, secret bool) string {
	s, v := w.rawString(o, path, key)
	if v == nil {
		return ""
	}
	if reason := unsafeValue(s, secret); reason != "" {
		w.fail(v, path+"."+key, reason)
	}
	return s
}

// label reads a string that is only compared, never written to the kernel:
// any string will do.
func (w *walker) label(o *object, path, key string) string {
	v := o.vals[key]
	if v == nil {
		return ""
	}
	s, ok := v.value.(string)
	if !ok {
		w.fail(v, path+"."+key, "must be a string, not "+v.kind())
	}
	return s
}

func (w *walker) int(o *object, path, key string) *int {
	v := o.vals[key]
	if v == nil {
		return nil
	}
	num, ok := v.value.(json.Number)
	if !ok {
		w.fail(v, path+"."+key, "must be an integer, not "+v.kind())
		return nil
	}
	i, err := strconv.ParseInt(string(num), 10, 32)
	if err != nil || i < math.MinInt32 || i > math.MaxInt32 {
		w.fail(v, path+"."+key, fmt.Sprintf("%s is not an integer from %d to %d", num, math.MinInt32, math.MaxInt32))
		return nil
	}
	n := int(i)
	return &n
}

func (w *walker) bool(o *object, path, key string) bool {
	v := o.vals[key]
	if v == nil {
		return false
	}
	b, ok := v.value.(bool)
	if !ok {
		w.fail(v, path+"."+key, "must be true or false, not "+v.kind())
	}
	return b
}

// unsafeValue says why s cannot be passed on in a kernel option string, or
// returns "".
func unsafeValue(s string, secret bool) string {
	if s == "" {
		return "is empty (remove the key instead)"
	}
	mode := optstring.Plain
	if secret {
		mode = optstring.AllowEquals
	}
	if err := optstring.Check(s, mode); err != nil {
		return fmt.Sprintf("%q %s", s, err)
	}
	return ""
}
