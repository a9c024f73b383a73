package fabrics

import (
	"strings"
	"testing"

	"github.com/gonvme/gonvme/nqn"
)

func TestEncodeGolden(t *testing.T) {
	cases := []struct {
		name string
		opts Options
	}{
		{"rdma-io", Options{
			Transport: "rdma", NQN: testNQN, Traddr: "169.254.99.1", Trsvcid: "4420",
			HostNQN: testHostNQN, HostID: testHostID, CtrlLossTmo: Int(600),
			Defaults: set("hostnqn", "hostid", "ctrl_loss_tmo"),
		}},
		{"rdma-discovery", Options{
			Transport: "rdma", NQN: nqn.Discovery, Traddr: "169.254.99.1", Trsvcid: "4420",
			HostNQN: testHostNQN, HostID: testHostID,
		}},
		{"tcp-persistent-unique-discovery", Options{
			Transport: "tcp", NQN: "nqn.2026-11.io.gonvme:discovery", Discovery: true,
			Traddr: "127.0.0.1", Trsvcid: "8009", HostNQN: testHostNQN, HostID: testHostID,
			KeepAliveTmo: Int(30),
		}},
		{"tcp-tuned", Options{
			Transport: "tcp", NQN: testNQN, Traddr: "127.0.0.1", Trsvcid: "4420",
			HostIface: "eth0", HostTraddr: "127.0.0.2", NrIOQueues: Int(4), NrWriteQueues: Int(2),
			NrPollQueues: Int(1), QueueSize: Int(256), KeepAliveTmo: Int(5), ReconnectDelay: Int(2),
			CtrlLossTmo: Int(-1), FastIOFailTmo: Int(0), Tos: Int(0),
			HdrDigest: true, DataDigest: true, DisableSQFlow: true, DuplicateConnect: true,
		}},
		{"tcp-ipv6-zone", Options{
			Transport: "tcp", NQN: testNQN, Traddr: "fe80::1%eth0", Trsvcid: "4420",
		}},
		{"tcp-dhchap-tls", Options{
			Transport: "tcp", NQN: testNQN, Traddr: "192.0.2.10", Trsvcid: "4420",
			HostNQN: testHostNQN, DHCHAPSecret: specSecret, DHCHAPCtrlSecret: makeSecret("03", 64),
			TLS: true, Keyring: Int(12345), TLSKey: Int(678),
		}},
		{"tcp-concat", Options{
			Transport: "tcp", NQN: testNQN, Traddr: "192.0.2.10", DHCHAPSecret: makeSecret("02", 48), Concat: true,
		}},
		{"fc", Options{
			Transport: "fc", NQN: testNQN, Traddr: "nn-0x20000090fa942779:pn-0x10000090fa942779",
			HostTraddr: "nn-0x20000090fae0b5f5:pn-0x10000090fae0b5f5", CtrlLossTmo: Int(600),
		}},
		{"loop-default-dropped", Options{
			Transport: "loop", NQN: testNQN, Traddr: "1", CtrlLossTmo: Int(600), HostNQN: testHostNQN,
			Defaults: set("ctrl_loss_tmo", "hostnqn"),
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := check(t, c.opts).Encode()
			golden(t, c.name+".opts", got+"\n")
		})
	}
}

func TestEncodeFollowsDocumentedOrder(t *testing.T) {
	o := Options{
		Transport: "tcp", NQN: testNQN, Traddr: "192.0.2.1", Trsvcid: "4420", HostTraddr: "192.0.2.2",
		HostIface: "eth0", HostNQN: testHostNQN, HostID: testHostID, Discovery: true,
		DHCHAPSecret: specSecret, DHCHAPCtrlSecret: specSecret,
		QueueSize: Int(32), NrIOQueues: Int(1), NrWriteQueues: Int(1), NrPollQueues: Int(1),
		ReconnectDelay: Int(1), CtrlLossTmo: Int(1), KeepAliveTmo: Int(1), FastIOFailTmo: Int(1),
		Tos: Int(1), Keyring: Int(1), TLSKey: Int(1),
		DuplicateConnect: true, DisableSQFlow: true, HdrDigest: true, DataDigest: true, TLS: true,
	}
	got := check(t, o).Encode()
	want := "nqn transport traddr host_traddr host_iface trsvcid hostnqn hostid discovery " +
		"dhchap_secret dhchap_ctrl_secret nr_io_queues nr_write_queues nr_poll_queues queue_size " +
		"keep_alive_tmo reconnect_delay ctrl_loss_tmo fast_io_fail_tmo tos keyring tls_key " +
		"duplicate_connect disable_sqflow hdr_digest data_digest tls"
	if names := strings.Join(tokenNames(got), " "); names != want {
		t.Errorf("token order\n got: %s\nwant: %s", names, want)
	}
}

func TestEncodeDropsDefaultsTheTransportRefuses(t *testing.T) {
	o := Options{Transport: "rdma", NQN: testNQN, Traddr: "169.254.99.1", HdrDigest: true, Defaults: set("hdr_digest")}
	got := check(t, o).Encode()
	if strings.Contains(got, "hdr_digest") {
		t.Errorf("Encode kept a default rdma refuses: %s", got)
	}
	o.Defaults = nil
	if _, err := o.Check(); err == nil {
		t.Error("Check accepted hdr_digest asked for over rdma")
	}
}

func TestTarget(t *testing.T) {
	cases := []struct {
		opts Options
		want string
	}{
		{Options{Transport: "rdma", Traddr: "169.254.99.1", Trsvcid: "4420", NQN: testNQN}, "rdma 169.254.99.1:4420 " + testNQN},
		{Options{Transport: "tcp", Traddr: "fe80::1%eth0", Trsvcid: "4420", NQN: testNQN}, "tcp [fe80::1%eth0]:4420 " + testNQN},
		{Options{Transport: "tcp", Traddr: "192.0.2.1", NQN: testNQN}, "tcp 192.0.2.1 " + testNQN},
		{Options{Transport: "loop", NQN: testNQN}, "loop " + testNQN},
		{Options{Transport: "rdma", Traddr: "169.254.99.1", Trsvcid: "4420"}, "rdma 169.254.99.1:4420"},
	}
	for _, c := range cases {
		if got := c.opts.Target(); got != c.want {
			t.Errorf("Target() of %+v = %q, want %q", c.opts, got, c.want)
		}
	}
}

func TestInt(t *testing.T) {
	a, b := Int(5), Int(5)
	if *a != 5 || a == b {
		t.Errorf("Int(5) = %v (%d), want distinct pointers to 5", a, *a)
	}
}
