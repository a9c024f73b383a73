package fabrics

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/nqn"
)

func rdma(mod func(*Options)) Options {
	o := Options{Transport: "rdma", NQN: testNQN, Traddr: "169.254.99.1", Trsvcid: "4420"}
	mod(&o)
	return o
}

func tcp(mod func(*Options)) Options {
	o := Options{Transport: "tcp", NQN: testNQN, Traddr: "127.0.0.1", Trsvcid: "4420"}
	mod(&o)
	return o
}

func fc(mod func(*Options)) Options {
	o := Options{Transport: "fc", NQN: testNQN,
		Traddr:     "nn-0x20000090fa942779:pn-0x10000090fa942779",
		HostTraddr: "nn-0x20000090fae0b5f5:pn-0x10000090fae0b5f5"}
	mod(&o)
	return o
}

func TestValidateRejects(t *testing.T) {
	badCRC := []byte(specSecret)
	badCRC[20] = 'A'
	cases := []struct {
		name   string
		opts   Options
		option string // the *ValidationError's Option
	}{
		{"transport missing", Options{NQN: testNQN}, "transport"},
		{"nqn missing", Options{Transport: "rdma", Traddr: "169.254.99.1"}, "nqn"},
		{"transport unknown", rdma(func(o *Options) { o.Transport = "iwarp" }), "transport"},
		{"transport is case-sensitive", rdma(func(o *Options) { o.Transport = "RDMA" }), "transport"},
		{"transport smuggles a token", rdma(func(o *Options) { o.Transport = "rdma,duplicate_connect" }), "transport"},
		{"nqn of 223 bytes", rdma(func(o *Options) { o.NQN = strings.Repeat("n", 223) }), "nqn"},
		{"nqn with NUL", rdma(func(o *Options) { o.NQN = "toto\x00" }), "nqn"},
		{"nqn smuggles traddr", rdma(func(o *Options) { o.NQN = testNQN + ",traddr=10.0.0.1" }), "nqn"},
		{"nqn newline", rdma(func(o *Options) { o.NQN = testNQN + "\nduplicate_connect" }), "nqn"},
		{"nqn space", rdma(func(o *Options) { o.NQN = "nqn.2026-11.io.gonvme:test 1" }), "nqn"},
		{"nqn tab", rdma(func(o *Options) { o.NQN = "nqn.2026-11.io.gonvme:test\t1" }), "nqn"},
		{"nqn NUL", rdma(func(o *Options) { o.NQN = testNQN + "\x00" }), "nqn"},
		{"nqn escape character", rdma(func(o *Options) { o.NQN = testNQN + "\x1b[31m" }), "nqn"},
		{"nqn DEL", rdma(func(o *Options) { o.NQN = testNQN + "\x7f" }), "nqn"},
		{"nqn C1 control", rdma(func(o *Options) { o.NQN = testNQN + "\u0085" }), "nqn"},
		{"nqn invalid UTF-8", rdma(func(o *Options) { o.NQN = testNQN + "\xff" }), "nqn"},
		{"nqn longer than 223 bytes", rdma(func(o *Options) { o.NQN = "nqn.2026-11.io.gonvme:" + strings.Repeat("x", 202) }), "nqn"},
		{"traddr with '='", rdma(func(o *Options) { o.Traddr = "a=b" }), "traddr"},
		{"traddr host name over rdma", rdma(func(o *Options) { o.Traddr = "target.example" }), "traddr"},
		{"traddr IPv4 with leading zero", rdma(func(o *Options) { o.Traddr = "169.254.099.1" }), "traddr"},
		{"traddr missing over rdma", rdma(func(o *Options) { o.Traddr = "" }), "traddr"},
		{"traddr missing over tcp", tcp(func(o *Options) { o.Traddr = "" }), "traddr"},
		{"traddr missing over fc", fc(func(o *Options) { o.Traddr = "" }), "traddr"},
		{"traddr IP over fc", fc(func(o *Options) { o.Traddr = "10.0.0.1" }), "traddr"},
		{"traddr fc mixed 0x forms", fc(func(o *Options) { o.Traddr = "nn-0x20000090fa942779:pn-10000090fa942779" }), "traddr"},
		{"traddr fc short wwn", fc(func(o *Options) { o.Traddr = "nn-0x2000:pn-0x1000" }), "traddr"},
		{"traddr fc not hex", fc(func(o *Options) { o.Traddr = "nn-0x2000009gfa942779:pn-0x10000090fa942779" }), "traddr"},
		{"traddr over 255 bytes", Options{Transport: "loop", NQN: testNQN, Traddr: strings.Repeat("1", 256)}, "traddr"},
		{"traddr no-break space", Options{Transport: "loop", NQN: testNQN, Traddr: "1\u00a02"}, "traddr"},
		{"traddr line separator", Options{Transport: "loop", NQN: testNQN, Traddr: "1\u20282"}, "traddr"},
		{"host_traddr missing over fc", fc(func(o *Options) { o.HostTraddr = "" }), "host_traddr"},
		{"host_traddr not an IP over tcp", tcp(func(o *Options) { o.HostTraddr = "eth0" }), "host_traddr"},
		{"host_traddr not FC over fc", fc(func(o *Options) { o.HostTraddr = "10.0.0.2" }), "host_traddr"},
		{"trsvcid zero", rdma(func(o *Options) { o.Trsvcid = "0" }), "trsvcid"},
		{"trsvcid above 65535", rdma(func(o *Options) { o.Trsvcid = "65536" }), "trsvcid"},
		{"trsvcid leading zero", rdma(func(o *Options) { o.Trsvcid = "04420" }), "trsvcid"},
		{"trsvcid hexadecimal", rdma(func(o *Options) { o.Trsvcid = "0x114c" }), "trsvcid"},
		{"trsvcid signed", rdma(func(o *Options) { o.Trsvcid = "+4420" }), "trsvcid"},
		{"trsvcid not a number", tcp(func(o *Options) { o.Trsvcid = "nvme" }), "trsvcid"},
		{"trsvcid over fc", fc(func(o *Options) { o.Trsvcid = "4420" }), "trsvcid"},
		{"hostnqn of 223 bytes", rdma(func(o *Options) { o.HostNQN = strings.Repeat("h", 223) }), "hostnqn"},
		{"hostnqn smuggles hostid", rdma(func(o *Options) { o.HostNQN = testHostNQN + ",hostid=" + testHostID }), "hostnqn"},
		{"hostid not a UUID", rdma(func(o *Options) { o.HostID = "a1e0c3d2" }), "hostid"},
		{"hostid 36 bytes but not a UUID", rdma(func(o *Options) { o.HostID = strings.Repeat("z", 36) }), "hostid"},
		{"host_iface over rdma", rdma(func(o *Options) { o.HostIface = "eth0" }), "host_iface"},
		{"host_iface longer than 15 bytes", tcp(func(o *Options) { o.HostIface = "abcdefghijklmnop" }), "host_iface"},
		{"host_iface with slash", tcp(func(o *Options) { o.HostIface = "eth/0" }), "host_iface"},
		{"host_iface dot-dot", tcp(func(o *Options) { o.HostIface = ".." }), "host_iface"},
		{"hdr_digest over rdma", rdma(func(o *Options) { o.HdrDigest = true }), "hdr_digest"},
		{"data_digest over rdma", rdma(func(o *Options) { o.DataDigest = true }), "data_digest"},
		{"tls over rdma", rdma(func(o *Options) { o.TLS = true }), "tls"},
		{"concat over rdma", rdma(func(o *Options) { o.Concat = true; o.DHCHAPSecret = specSecret }), "concat"},
		{"keyring over rdma", rdma(func(o *Options) { o.Keyring = Int(1) }), "keyring"},
		{"tls_key over rdma", rdma(func(o *Options) { o.TLSKey = Int(1) }), "tls_key"},
		{"tos over fc", fc(func(o *Options) { o.Tos = Int(0) }), "tos"},
		{"nr_write_queues over fc", fc(func(o *Options) { o.NrWriteQueues = Int(1) }), "nr_write_queues"},
		{"reconnect_delay over loop", Options{Transport: "loop", NQN: testNQN, ReconnectDelay: Int(10)}, "reconnect_delay"},
		{"queue_size below 16", rdma(func(o *Options) { o.QueueSize = Int(15) }), "queue_size"},
		{"queue_size above 1024", rdma(func(o *Options) { o.QueueSize = Int(1025) }), "queue_size"},
		{"nr_io_queues zero", rdma(func(o *Options) { o.NrIOQueues = Int(0) }), "nr_io_queues"},
		{"nr_io_queues above int32", rdma(func(o *Options) { o.NrIOQueues = Int(math.MaxInt32 + 1) }), "nr_io_queues"},
		{"nr_write_queues zero", rdma(func(o *Options) { o.NrWriteQueues = Int(0) }), "nr_write_queues"},
		{"nr_poll_queues zero", tcp(func(o *Options) { o.NrPollQueues = Int(0) }), "nr_poll_queues"},
		{"keep_alive_tmo negative", rdma(func(o *Options) { o.KeepAliveTmo = Int(-1) }), "keep_alive_tmo"},
		{"reconnect_delay zero", rdma(func(o *Options) { o.ReconnectDelay = Int(0) }), "reconnect_delay"},
		{"ctrl_loss_tmo below -1", rdma(func(o *Options) { o.CtrlLossTmo = Int(-2) }), "ctrl_loss_tmo"},
		{"ctrl_loss_tmo default below -1", rdma(func(o *Options) { o.CtrlLossTmo = Int(-5); o.Defaults = set("ctrl_loss_tmo") }), "ctrl_loss_tmo"},
		{"fast_io_fail_tmo below -1", rdma(func(o *Options) { o.FastIOFailTmo = Int(-2) }), "fast_io_fail_tmo"},
		{"tos negative", rdma(func(o *Options) { o.Tos = Int(-1) }), "tos"},
		{"tos above 255", rdma(func(o *Options) { o.Tos = Int(256) }), "tos"},
		{"keyring zero", tcp(func(o *Options) { o.Keyring = Int(0) }), "keyring"},
		{"tls_key zero", tcp(func(o *Options) { o.TLSKey = Int(0) }), "tls_key"},
		{"dhchap_secret without prefix", rdma(func(o *Options) { o.DHCHAPSecret = "secret" }), "dhchap_secret"},
		{"dhchap_secret unknown hash", rdma(func(o *Options) { o.DHCHAPSecret = strings.Replace(specSecret, ":00:", ":04:", 1) }), "dhchap_secret"},
		{"dhchap_secret without final colon", rdma(func(o *Options) { o.DHCHAPSecret = strings.TrimSuffix(specSecret, ":") }), "dhchap_secret"},
		{"dhchap_secret not base64", rdma(func(o *Options) { o.DHCHAPSecret = "DHHC-1:00:not*base64*at*all:" }), "dhchap_secret"},
		{"dhchap_secret 16-byte key", rdma(func(o *Options) { o.DHCHAPSecret = makeSecret("00", 16) }), "dhchap_secret"},
		{"dhchap_secret bad CRC", rdma(func(o *Options) { o.DHCHAPSecret = string(badCRC) }), "dhchap_secret"},
		{"dhchap_secret smuggles a token", rdma(func(o *Options) { o.DHCHAPSecret = specSecret + ",duplicate_connect" }), "dhchap_secret"},
		{"dhchap_ctrl_secret malformed", rdma(func(o *Options) { o.DHCHAPSecret = specSecret; o.DHCHAPCtrlSecret = "DHHC-1:00:x:" }), "dhchap_ctrl_secret"},
		{"dhchap_ctrl_secret alone", rdma(func(o *Options) { o.DHCHAPCtrlSecret = specSecret }), "dhchap_ctrl_secret"},
		{"concat without dhchap_secret", tcp(func(o *Options) { o.Concat = true }), "concat"},
		{"concat with tls", tcp(func(o *Options) { o.Concat = true; o.DHCHAPSecret = specSecret; o.TLS = true }), "concat"},
		{"concat with tls_key", tcp(func(o *Options) { o.Concat = true; o.DHCHAPSecret = specSecret; o.TLSKey = Int(7) }), "concat"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.opts.Validate()
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate() = %v, want a *ValidationError for %s", err, c.option)
			}
			if ve.Option != c.option {
				t.Errorf("Validate() refused option %q (%v), want %q", ve.Option, err, c.option)
			}
			if !strings.Contains(err.Error(), c.option) {
				t.Errorf("message %q does not name the option %q", err, c.option)
			}
			if _, checkErr := c.opts.Check(); checkErr == nil {
				t.Error("Check() accepted what Validate() refused")
			}
		})
	}
}

func TestValidateAccepts(t *testing.T) {
	cases := []struct {
		name string
		opts Options
	}{
		{"queue_size at 16", rdma(func(o *Options) { o.QueueSize = Int(16) })},
		{"queue_size at 1024", rdma(func(o *Options) { o.QueueSize = Int(1024) })},
		{"tos at 255", rdma(func(o *Options) { o.Tos = Int(255) })},
		{"ctrl_loss_tmo -1 reconnects forever", rdma(func(o *Options) { o.CtrlLossTmo = Int(-1) })},
		{"fast_io_fail_tmo -1 is off", rdma(func(o *Options) { o.FastIOFailTmo = Int(-1) })},
		{"keep_alive_tmo 0", rdma(func(o *Options) { o.KeepAliveTmo = Int(0) })},
		{"nr_io_queues at int32 max", rdma(func(o *Options) { o.NrIOQueues = Int(math.MaxInt32) })},
		{"trsvcid 1", rdma(func(o *Options) { o.Trsvcid = "1" })},
		{"trsvcid 65535", rdma(func(o *Options) { o.Trsvcid = "65535" })},
		{"no trsvcid", rdma(func(o *Options) { o.Trsvcid = "" })},
		{"IPv6", rdma(func(o *Options) { o.Traddr = "2001:db8::1" })},
		{"IPv6 link-local with zone", tcp(func(o *Options) { o.Traddr = "fe80::1%eth0"; o.HostTraddr = "fe80::2%eth0" })},
		{"IPv4-mapped IPv6", tcp(func(o *Options) { o.Traddr = "::ffff:192.0.2.1" })},
		{"fc without 0x", fc(func(o *Options) {
			o.Traddr = "nn-20000090FA942779:pn-10000090FA942779"
			o.HostTraddr = "nn-20000090fae0b5f5:pn-10000090fae0b5f5"
		})},
		{"fc timeouts", fc(func(o *Options) { o.ReconnectDelay = Int(10); o.CtrlLossTmo = Int(600) })},
		{"loop without traddr", Options{Transport: "loop", NQN: testNQN}},
		{"discovery NQN with discovery flag", rdma(func(o *Options) { o.NQN = nqn.Discovery; o.Discovery = true })},
		{"host_iface of 15 bytes", tcp(func(o *Options) { o.HostIface = "abcdefghijklmno" })},
		{"dhchap 32-byte key", rdma(func(o *Options) { o.DHCHAPSecret = makeSecret("01", 32) })},
		{"dhchap 48-byte key with padding", rdma(func(o *Options) { o.DHCHAPSecret = makeSecret("02", 48) })},
		{"dhchap 64-byte key with padding", rdma(func(o *Options) {
			o.DHCHAPSecret = specSecret
			o.DHCHAPCtrlSecret = makeSecret("03", 64)
		})},
		{"dhchap hash differing from key size", rdma(func(o *Options) { o.DHCHAPSecret = makeSecret("03", 32) })},
		{"generic options over loop", Options{Transport: "loop", NQN: testNQN, Traddr: "1",
			QueueSize: Int(64), NrIOQueues: Int(2), KeepAliveTmo: Int(5), HostNQN: testHostNQN, HostID: testHostID,
			DuplicateConnect: true, DisableSQFlow: true, FastIOFailTmo: Int(5)}},
		{"tcp-only default over rdma", rdma(func(o *Options) { o.TLS = true; o.Defaults = set("tls") })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.opts.Validate(); err != nil {
				t.Errorf("Validate() = %v, want nil", err)
			}
		})
	}
}

func TestValidationErrorMessage(t *testing.T) {
	cases := []struct {
		opts Options
		want string
	}{
		{Options{NQN: testNQN}, "transport: is required: one of rdma, tcp, fc, loop"},
		{rdma(func(o *Options) { o.Trsvcid = "04420" }), `invalid trsvcid "04420": must be a port number from 1 to 65535, in decimal without leading zeros`},
		{rdma(func(o *Options) { o.HdrDigest = true }), "hdr_digest: the rdma transport does not take this option (tcp only)"},
		{fc(func(o *Options) { o.Tos = Int(3) }), `invalid tos "3": the fc transport does not take this option (rdma, tcp only)`},
		{rdma(func(o *Options) { o.QueueSize = Int(8) }), `invalid queue_size "8": must be a whole number from 16 to 1024`},
		{rdma(func(o *Options) { o.NQN = testNQN + ",traddr=1.2.3.4" }), `invalid nqn "nqn.2026-11.io.gonvme:test1,traddr=1.2.3.4": contains ',' at byte 27, which would split the kernel's option string`},
		{rdma(func(o *Options) { o.DHCHAPSecret = "DHHC-1:00:c2VjcmV0:" }), "invalid dhchap_secret (value not shown): the key decodes to 6 bytes; it must be 32, 48 or 64 bytes plus a 4-byte CRC-32 (36, 52 or 68) ('gonvme check-dhchap-key' checks a secret, 'gonvme gen-dhchap-key' makes one)"},
	}
	for _, c := range cases {
		if got := c.opts.Validate(); got == nil || got.Error() != c.want {
			t.Errorf("Validate() message\n got: %v\nwant: %s", got, c.want)
		}
	}
}

// Names the kernel accepts are valid whatever their form (the guides
// gonvme comes from name their subsystems "toto").
func TestValidateAcceptsKernelNames(t *testing.T) {
	for _, name := range []string{"toto", "nvme-subsystem-name", "ahnselina_test", strings.Repeat("n", 222)} {
		o := rdma(func(o *Options) { o.NQN = name; o.HostNQN = name })
		if err := o.Validate(); err != nil {
			t.Errorf("Validate(nqn=hostnqn=%q) = %v", name, err)
		}
	}
}

func TestValidationErrorWrapsNQNError(t *testing.T) {
	o := rdma(func(o *Options) { o.HostNQN = strings.Repeat("h", 223) })
	err := o.Validate()
	var ne *nqn.Error
	if !errors.As(err, &ne) {
		t.Fatalf("Validate() = %v, want it to wrap an *nqn.Error", err)
	}
}
