package config

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/fabrics"
)

const (
	hostA = "nqn.2014-08.org.nvmexpress:uuid:6f2a1c0e-8a4b-4c55-9d3e-2b7f0c1a9e44"
	subA  = "nqn.2023-01.io.example:sub1"
	keyA  = "DHHC-1:00:ia6zGodOr4SEG0Zzaw398rpY0wqipUWj4jWjUh4HWUz6aQ2n:"
)

// Every per-port key libnvme's json.c reads, with the connect option it
// becomes.
func TestPortOptionsHonoursEveryLibnvmeKey(t *testing.T) {
	in := `[{"hostnqn":"` + hostA + `","subsystems":[{"nqn":"` + subA + `","ports":[{
	  "transport":"tcp","traddr":"127.0.0.1","trsvcid":"4420","host_traddr":"127.0.0.2","host_iface":"lo",
	  "dhchap_key":"` + keyA + `","dhchap_ctrl_key":"` + keyA + `",
	  "nr_io_queues":2,"nr_write_queues":3,"nr_poll_queues":4,"queue_size":32,"keep_alive_tmo":7,
	  "reconnect_delay":3,"ctrl_loss_tmo":-1,"fast_io_fail_tmo":5,"tos":8,
	  "duplicate_connect":true,"disable_sqflow":true,"hdr_digest":true,"data_digest":true,"tls":true,"concat":true}]}]}]`
	hosts, err := ParseJSONConfig([]byte(in), "c.json")
	if err != nil {
		t.Fatal(err)
	}
	got := hosts[0].Subsystems[0].Ports[0].Options()
	n := fabrics.Int
	want := fabrics.Options{HostTraddr: "127.0.0.2", HostIface: "lo", DHCHAPSecret: keyA, DHCHAPCtrlSecret: keyA,
		NrIOQueues: n(2), NrWriteQueues: n(3), NrPollQueues: n(4), QueueSize: n(32), KeepAliveTmo: n(7),
		ReconnectDelay: n(3), CtrlLossTmo: n(-1), FastIOFailTmo: n(5), Tos: n(8),
		DuplicateConnect: true, DisableSQFlow: true, HdrDigest: true, DataDigest: true, TLS: true, Concat: true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Options()\n got %+v\nwant %+v", got, want)
	}
}

func TestParseJSONConfigKeyService(t *testing.T) {
	in := `[{"hostnqn":"` + hostA + `","subsystems":[{"nqn":"` + subA + `","ports":[{"transport":"tcp","tls":true,
	  "keyring":".nvme","tls_key_identity":"NVMe0R01 ` + hostA + ` ` + subA + `"}]}]}]`
	hosts, err := ParseJSONConfig([]byte(in), "c.json")
	if err != nil {
		t.Fatal(err)
	}
	if p := hosts[0].Subsystems[0].Ports[0]; p.Keyring != ".nvme" || p.TLSKeyIdentity != "NVMe0R01 "+hostA+" "+subA {
		t.Errorf("port %+v: want the keyring and identity as written", p)
	}
	for key, val := range map[string]string{"tls_key": `"NVMeTLSkey-1:01:abc:"`, "keyring": `""`, "tls_key_identity": `"a\u0007b"`} {
		in := `[{"hostnqn":"` + hostA + `","subsystems":[{"nqn":"` + subA + `","ports":[{"transport":"tcp","` + key + `":` + val + `}]}]}]`
		if _, err := ParseJSONConfig([]byte(in), "c.json"); err == nil || !strings.Contains(err.Error(), "ports[0]."+key+": ") {
			t.Errorf("%s %s: err = %v, want it refused", key, val, err)
		}
	}
	const psk = "NVMeTLSkey-1:01:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:"
	for _, bad := range []string{"x", strings.Replace(psk, "AAEC", "AAED", 1), "NVMeTLSkey-0" + psk[12:]} {
		_, err = ParseJSONConfig([]byte(`[{"hostnqn":"`+hostA+`","subsystems":[{"nqn":"`+subA+`","ports":[{"transport":"tcp","tls_key":"`+bad+`"}]}]}]`), "c.json")
		if err == nil || !strings.Contains(err.Error(), "interchange form") || (len(bad) > 20 && strings.Contains(err.Error(), bad[16:])) {
			t.Errorf("tls_key %q: %v, want it refused without being quoted", bad, err)
		}
	}
	hosts, err = ParseJSONConfig([]byte(`[{"hostnqn":"`+hostA+`","subsystems":[{"nqn":"`+subA+`","ports":[{"transport":"tcp","tls_key":"`+psk+`"}]}]}]`), "c.json")
	if err != nil || hosts[0].Subsystems[0].Ports[0].TLSKey != psk {
		t.Errorf("tls_key: %v, %+v", err, hosts)
	}
}

func TestPortMatches(t *testing.T) {
	p := Port{Transport: "tcp", Traddr: "::1", Trsvcid: "4420"}
	tests := []struct {
		o    fabrics.Options
		want bool
	}{
		{fabrics.Options{Transport: "tcp", Traddr: "0:0::1", Trsvcid: "4420"}, true},
		{fabrics.Options{Transport: "tcp", Traddr: "::1"}, true}, // no trsvcid: not compared
		{fabrics.Options{Transport: "tcp", Traddr: "::1", Trsvcid: "4420", HostIface: "lo"}, true},
		{fabrics.Options{Transport: "rdma", Traddr: "::1", Trsvcid: "4420"}, false},
		{fabrics.Options{Transport: "tcp", Traddr: "::2", Trsvcid: "4420"}, false},
		{fabrics.Options{Transport: "tcp", Traddr: "::1", Trsvcid: "4421"}, false},
	}
	for _, tt := range tests {
		if got := p.Matches(tt.o); got != tt.want {
			t.Errorf("Matches(%+v) = %v, want %v", tt.o, got, tt.want)
		}
	}
}

func TestConfigure(t *testing.T) {
	n := fabrics.Int
	hosts := []Host{{HostNQN: hostA, DHCHAPKey: keyA, Subsystems: []Subsys{
		{NQN: "nqn.2023-01.io.example:other", Ports: []Port{{Transport: "tcp", QueueSize: n(99), Where: "c.json:2"}}},
		{NQN: subA, Ports: []Port{
			{Transport: "rdma", QueueSize: n(98), Where: "c.json:4"},
			{Transport: "tcp", Traddr: "127.0.0.1", QueueSize: n(32), CtrlLossTmo: n(-1), NrIOQueues: n(2), Where: "c.json:5"},
		}},
	}}}
	o := fabrics.Options{Transport: "tcp", Traddr: "127.0.0.1", Trsvcid: "4420", NQN: subA, HostNQN: hostA,
		NrIOQueues: n(4), CtrlLossTmo: n(600), Defaults: map[string]bool{"ctrl_loss_tmo": true}}
	if p := Configure(hosts, &o); p == nil || p.Where != "c.json:5" {
		t.Errorf("Configure matched %+v, want c.json:5", p)
	}
	want := fabrics.Options{Transport: "tcp", Traddr: "127.0.0.1", Trsvcid: "4420", NQN: subA, HostNQN: hostA,
		NrIOQueues: n(4), QueueSize: n(32), CtrlLossTmo: n(-1), DHCHAPSecret: keyA, Defaults: map[string]bool{}}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("Configure\n got %+v\nwant %+v", o, want)
	}
	other := fabrics.Options{Transport: "tcp", Traddr: "127.0.0.1", NQN: subA, HostNQN: "nqn.2014-08.org.example:another"}
	if p := Configure(hosts, &other); p != nil || other.QueueSize != nil || other.DHCHAPSecret != "" {
		t.Errorf("another host NQN took %+v: %+v", p, other)
	}
}
