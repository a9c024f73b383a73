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

func TestParseJSONConfigRefusesKeyServiceNames(t *testing.T) {
	for _, key := range []string{"keyring", "tls_key", "tls_key_identity"} {
		in := `[{"hostnqn":"` + hostA + `","subsystems":[{"nqn":"` + subA + `","ports":[{"transport":"tcp",
		  "` + key + `":"x"}]}]}]`
		_, err := ParseJSONConfig([]byte(in), "c.json")
		if err == nil || !strings.Contains(err.Error(), "ports[0]."+key+": names a key or keyring") || !strings.Contains(err.Error(), "--keyring") {
			t.Errorf("%s: err = %v, want it refused with a hint", key, err)
		}
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
	if where := Configure(hosts, &o); where != "c.json:5" {
		t.Errorf("Configure matched %q, want c.json:5", where)
	}
	want := fabrics.Options{Transport: "tcp", Traddr: "127.0.0.1", Trsvcid: "4420", NQN: subA, HostNQN: hostA,
		NrIOQueues: n(4), QueueSize: n(32), CtrlLossTmo: n(-1), DHCHAPSecret: keyA, Defaults: map[string]bool{}}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("Configure\n got %+v\nwant %+v", o, want)
	}
	other := fabrics.Options{Transport: "tcp", Traddr: "127.0.0.1", NQN: subA, HostNQN: "nqn.2014-08.org.example:another"}
	if where := Configure(hosts, &other); where != "" || other.QueueSize != nil || other.DHCHAPSecret != "" {
		t.Errorf("another host NQN took %q: %+v", where, other)
	}
}
