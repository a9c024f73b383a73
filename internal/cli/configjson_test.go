package cli

import (
	"strings"
	"testing"

	"github.com/gonvme/gonvme/nvmftest"
)

// tunedConfig gives test1's tcp port at 127.0.0.1:4420 settings of every
// kind: numbers, flags and the controller's DH-HMAC-CHAP keys.
const tunedConfig = `[{"hostnqn":"` + nvmftest.HostNQN + `","subsystems":[
  {"nqn":"` + test1 + `","ports":[{"transport":"tcp","traddr":"127.0.0.1","trsvcid":"4420",
    "nr_io_queues":2,"queue_size":32,"keep_alive_tmo":7,"ctrl_loss_tmo":-1,"reconnect_delay":3,"tos":8,
    "duplicate_connect":true,"disable_sqflow":true,"hdr_digest":true,"data_digest":true,
    "dhchap_key":"` + specKey + `","dhchap_ctrl_key":"` + specKey + `"}]}]}]
`

const specKey = "DHHC-1:00:ia6zGodOr4SEG0Zzaw398rpY0wqipUWj4jWjUh4HWUz6aQ2n:"

func wantTokens(t *testing.T, m map[string]string, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got, ok := m[k]; !ok || got != v {
			t.Errorf("%s: got %q (present %v), want %q", k, got, ok, v)
		}
	}
}

var tunedTokens = map[string]string{"nr_io_queues": "2", "queue_size": "32", "keep_alive_tmo": "7",
	"ctrl_loss_tmo": "-1", "reconnect_delay": "3", "tos": "8", "duplicate_connect": "", "disable_sqflow": "",
	"hdr_digest": "", "data_digest": "", "dhchap_secret": specKey, "dhchap_ctrl_secret": specKey}

func TestConfigJSONSettingsReachTheConnect(t *testing.T) {
	t.Run("connect", func(t *testing.T) {
		f := nvmftest.New(t, nvmftest.Empty)
		f.Kernel.HostAuth = true // the configured keys need a kernel that uses them
		f.WriteFile(t, "/etc/nvme/config.json", tunedConfig)
		if r := run(t, f, "connect", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", test1, "-Q", "64"); r.code != 0 {
			t.Fatalf("%v", r)
		}
		want := map[string]string{}
		for k, v := range tunedTokens {
			want[k] = v
		}
		want["queue_size"] = "64" // the command line comes first
		wantTokens(t, write(t, f, "nqn="+test1), want)
	})
	t.Run("another subsystem or port takes none", func(t *testing.T) {
		f := nvmftest.New(t, nvmftest.Empty)
		f.WriteFile(t, "/etc/nvme/config.json", tunedConfig)
		for _, args := range [][]string{{"-n", test2, "-s", "4420"}, {"-n", test1, "-s", "4421"}} {
			if r := run(t, f, append([]string{"connect", "-t", "tcp", "-a", tcpAddr}, args...)...); r.code != 0 {
				t.Fatalf("%v", r)
			}
		}
		for _, w := range f.Kernel.Writes() {
			if strings.Contains(w, "queue_size") || strings.Contains(w, "ctrl_loss_tmo=-1") {
				t.Errorf("write %q took settings of another port", w)
			}
		}
	})
	t.Run("connect-all", func(t *testing.T) {
		f := withPages(t, nvmftest.New(t, nvmftest.Empty))
		f.WriteFile(t, "/etc/nvme/config.json", tunedConfig)
		f.Kernel.HostAuth = true
		if r := run(t, f, "connect-all", "-t", "tcp", "-a", tcpAddr, "-s", "4420"); r.code != 0 {
			t.Fatalf("%v", r)
		}
		wantTokens(t, write(t, f, "nqn="+test1), tunedTokens)
		if m := write(t, f, "nqn="+test2); hasKey(m, "queue_size") || m["ctrl_loss_tmo"] != "600" {
			t.Errorf("test2's path %v took test1's settings", m)
		}
		// The port is a discovery target too, but its settings are test1's.
		if m := write(t, f, "nqn=nqn.2014-08.org.nvmexpress.discovery"); hasKey(m, "nr_io_queues") || hasKey(m, "dhchap_secret") || hasKey(m, "tos") {
			t.Errorf("discovery connect %v took the I/O port's settings", m)
		}
	})
	t.Run("-J none", func(t *testing.T) {
		f := nvmftest.New(t, nvmftest.Empty)
		f.WriteFile(t, "/etc/nvme/config.json", tunedConfig)
		if r := run(t, f, "connect", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", test1, "-J", "none"); r.code != 0 {
			t.Fatalf("%v", r)
		}
		if m := write(t, f, "nqn="+test1); hasKey(m, "queue_size") {
			t.Errorf("-J none: %v", m)
		}
	})
}

func TestConfigJSONBadPortRefused(t *testing.T) {
	for name, port := range map[string]string{
		"digest over rdma":  `"transport":"rdma","traddr":"169.254.99.1","hdr_digest":true`,
		"queue_size range":  `"transport":"tcp","traddr":"127.0.0.1","queue_size":4`,
		"tls_key to import": `"transport":"tcp","traddr":"127.0.0.1","tls_key":"NVMeTLSkey-1:01:x:"`,
	} {
		t.Run(name, func(t *testing.T) {
			f := nvmftest.New(t, nvmftest.Empty)
			f.WriteFile(t, "/etc/nvme/config.json", `[{"hostnqn":"`+nvmftest.HostNQN+`","subsystems":[{"nqn":"`+test1+`","ports":[{`+port+`}]}]}]`)
			r := run(t, f, "connect", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", test1)
			if r.code != 2 || !strings.Contains(r.stderr, "config.json:1") || !strings.Contains(r.stderr, "-J none") || len(f.Kernel.Writes()) != 0 {
				t.Errorf("%v\nwant a refusal naming config.json:1, nothing written", r)
			}
		})
	}
}

// Options given beside discovery.conf lines keep every field, those that a
// hand-written merge lost included (keyring, tls_key, tls, the controller
// secret), both in the discovery connect and in the paths.
func TestDiscoveryConfKeepsCommandLineOptions(t *testing.T) {
	f := withPages(t, nvmftest.New(t, nvmftest.Empty))
	for _, tok := range []string{"tls", "keyring", "tls_key", "concat"} {
		f.Kernel.Sup[tok] = true
	}
	f.WriteFile(t, "/etc/nvme/discovery.conf", "--transport=tcp --traddr=127.0.0.1 --trsvcid=4420 --nr-io-queues=3\n")
	r := run(t, f, "connect-all", "--tls", "--keyring=5", "--tls-key=6", "--ctrl-loss-tmo=30")
	if r.code != 0 {
		t.Fatalf("%v", r)
	}
	want := map[string]string{"tls": "", "keyring": "5", "tls_key": "6", "ctrl_loss_tmo": "30"}
	wantTokens(t, write(t, f, "nqn=nqn.2014-08.org.nvmexpress.discovery"), want)
	want["nr_io_queues"] = "3" // the line's own setting reaches its paths
	wantTokens(t, write(t, f, "nqn="+test1), want)

	f = withPages(t, nvmftest.New(t, nvmftest.Empty))
	f.Kernel.HostAuth = true
	f.WriteFile(t, "/etc/nvme/discovery.conf", "--transport=tcp --traddr=127.0.0.1 --trsvcid=4420\n")
	r = run(t, f, "connect", "-n", test1, "-S", specKey, "-C", specKey)
	if r.code != 0 {
		t.Fatalf("%v", r)
	}
	wantTokens(t, write(t, f, "nqn="+test1), map[string]string{"dhchap_secret": specKey, "dhchap_ctrl_secret": specKey})
}

// A discovery controller configured as persistent stays after the run.
func TestConfiguredPersistentDiscovery(t *testing.T) {
	discoveryKept := func(f *nvmftest.Fake) bool {
		for _, name := range f.Controllers(t) {
			if b, _ := f.FS.ReadAttr("/sys/class/nvme/" + name + "/cntrltype"); b == "discovery" {
				return true
			}
		}
		return false
	}
	for name, files := range map[string][2]string{
		"discovery.conf --persistent": {"/etc/nvme/discovery.conf", "--transport=tcp --traddr=127.0.0.1 --trsvcid=4420 --persistent\n"},
		"config.json persistent":      {"/etc/nvme/config.json", `[{"hostnqn":"` + nvmftest.HostNQN + `","subsystems":[{"nqn":"nqn.2014-08.org.nvmexpress.discovery","ports":[{"transport":"tcp","traddr":"127.0.0.1","trsvcid":"4420","persistent":true}]}]}]`},
		"persistent_discovery_ctrl":   {"/etc/nvme/config.json", `[{"hostnqn":"` + nvmftest.HostNQN + `","persistent_discovery_ctrl":true,"subsystems":[{"nqn":"nqn.2014-08.org.nvmexpress.discovery","ports":[{"transport":"tcp","traddr":"127.0.0.1","trsvcid":"4420"}]}]}]`},
		"not persistent":              {"/etc/nvme/discovery.conf", "--transport=tcp --traddr=127.0.0.1 --trsvcid=4420\n"},
	} {
		t.Run(name, func(t *testing.T) {
			f := withPages(t, nvmftest.New(t, nvmftest.Empty))
			f.WriteFile(t, files[0], files[1])
			if r := run(t, f, "connect-all"); r.code != 0 {
				t.Fatalf("%v", r)
			}
			if got, want := discoveryKept(f), name != "not persistent"; got != want {
				t.Errorf("discovery controller kept: %v, want %v (controllers %v)", got, want, f.Controllers(t))
			}
		})
	}
}

// A port's keyring and tls_key_identity are looked up, with tls, and their
// serials written as keyring= and tls_key=.
func TestConfigJSONTLSKeys(t *testing.T) {
	const (
		identity = "NVMe0R01 " + nvmftest.HostNQN + " " + test1
		ring     = 0x2387d6a0
		psk      = 0x31c0ffee
	)
	port := func(extra string) string {
		return `[{"hostnqn":"` + nvmftest.HostNQN + `","subsystems":[{"nqn":"` + test1 + `","ports":[{"transport":"tcp","traddr":"127.0.0.1","trsvcid":"4420"` +
			extra + `}]}]}]`
	}
	newFake := func(t *testing.T, config string) *nvmftest.Fake {
		f := withPages(t, nvmftest.New(t, nvmftest.Empty))
		for _, tok := range []string{"tls", "keyring", "tls_key"} {
			f.Kernel.Sup[tok] = true
		}
		f.WriteFile(t, "/proc/keys", "2387d6a0 I------     1 perm 1f0b0000     0     0 keyring   .nvme: 1\n"+
			"1b6a3c52 I--Q---     2 perm 1f3f0000     0     0 keyring   other: empty\n")
		f.Keys[nvmftest.KeyName(ring, "psk", identity)] = psk
		f.WriteFile(t, "/etc/nvme/config.json", config)
		return f
	}
	t.Run("connect", func(t *testing.T) {
		f := newFake(t, port(`,"tls":true,"tls_key_identity":"`+identity+`"`))
		if r := run(t, f, "connect", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", test1); r.code != 0 {
			t.Fatalf("%v", r)
		}
		wantTokens(t, write(t, f, "nqn="+test1), map[string]string{"tls": "", "keyring": "596104864", "tls_key": "834732014"})
	})
	t.Run("connect-all, tls from the command line", func(t *testing.T) {
		f := newFake(t, port(`,"keyring":".nvme","tls_key_identity":"`+identity+`"`))
		if r := run(t, f, "connect-all", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "--tls"); r.code != 0 {
			t.Fatalf("%v", r)
		}
		wantTokens(t, write(t, f, "nqn="+test1), map[string]string{"tls": "", "keyring": "596104864", "tls_key": "834732014"})
		if m := write(t, f, "nqn="+test2); hasKey(m, "tls_key") || hasKey(m, "keyring") {
			t.Errorf("test2 took test1's key: %v", m)
		}
	})
	t.Run("without tls the names are not used", func(t *testing.T) {
		f := newFake(t, port(`,"tls_key_identity":"`+identity+`"`))
		if r := run(t, f, "connect", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", test1); r.code != 0 {
			t.Fatalf("%v", r)
		}
		if m := write(t, f, "nqn="+test1); hasKey(m, "tls_key") || hasKey(m, "keyring") {
			t.Errorf("write %v", m)
		}
	})
	t.Run("identity not in the keyring", func(t *testing.T) {
		f := newFake(t, port(`,"tls":true,"keyring":"other","tls_key_identity":"`+identity+`"`))
		r := run(t, f, "connect", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", test1)
		if r.code != 1 || !strings.Contains(r.stderr, "config.json:1: tls_key_identity") || len(f.Kernel.Writes()) != 0 {
			t.Errorf("%v\nwant exit 1 naming the port, nothing written", r)
		}
		r = run(t, f, "connect-all", "-t", "tcp", "-a", tcpAddr, "-s", "4420")
		if r.code != 1 || !strings.Contains(r.stderr, "tls_key_identity") {
			t.Errorf("connect-all: %v\nwant test1's path failed with the lookup error", r)
		}
	})
}
