package config

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/nqn"
)

func intp(i int) *int { return &i }

func TestParseJSONConfigFile(t *testing.T) {
	b, err := os.ReadFile("testdata/config.json")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseJSONConfig(b, "config.json")
	if err != nil {
		t.Fatalf("ParseJSONConfig: %v", err)
	}
	want := []Host{{
		HostNQN: "nqn.2014-08.org.nvmexpress:uuid:6f2a1c0e-8a4b-4c55-9d3e-2b7f0c1a9e44",
		HostID:  "6f2a1c0e-8a4b-4c55-9d3e-2b7f0c1a9e44",
		Subsystems: []Subsys{
			{NQN: "nqn.2023-01.io.example:sub1", Ports: []Port{
				{Transport: "rdma", Traddr: "169.254.99.1", Trsvcid: "4420", NrIOQueues: intp(4),
					CtrlLossTmo: intp(-1), Tos: intp(0), DuplicateConnect: true, Where: "config.json:10"},
				{Transport: "tcp", Traddr: "169.254.98.1", Trsvcid: "4420", HostIface: "eth1",
					DHCHAPKey: "DHHC-1:00:ia6zGodOr4SEG0Zzaw398rpY0wqipUWj4jWjUh4HWUz6aQ2n:",
					HdrDigest: true, DataDigest: true, Where: "config.json:19"},
			}},
			{NQN: "nqn.2014-08.org.nvmexpress.discovery", Ports: []Port{
				{Transport: "rdma", Traddr: "169.254.99.1", Persistent: true, Discovery: true, Where: "config.json:33"},
			}},
		},
	}}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Fatalf("ParseJSONConfig\n got %s\nwant %s", g, w)
	}
}

func TestParseJSONConfigEmpty(t *testing.T) {
	got, err := ParseJSONConfig([]byte("[]\n"), "c.json")
	if err != nil || got == nil || len(got) != 0 {
		t.Fatalf("ParseJSONConfig([]) = %#v, %v; want an empty list", got, err)
	}
	got, err = ParseJSONConfig([]byte(`[{"hostnqn":"nqn.2014-08.org.nvmexpress:uuid:6f2a1c0e-8a4b-4c55-9d3e-2b7f0c1a9e44","subsystems":[{"nqn":"nqn.2023-01.io.example:s"}]}]`), "c.json")
	if err != nil || len(got) != 1 || len(got[0].Subsystems) != 1 || got[0].Subsystems[0].Ports != nil {
		t.Fatalf("host with a port-less subsystem = %#v, %v", got, err)
	}
}

func TestParseJSONConfigErrors(t *testing.T) {
	const host = `"hostnqn":"nqn.2014-08.org.nvmexpress:uuid:6f2a1c0e-8a4b-4c55-9d3e-2b7f0c1a9e44"`
	withPort := func(port string) string {
		return "[{" + host + `,"subsystems":[{"nqn":"nqn.2023-01.io.example:s","ports":[` + "\n" + port + "\n]}]}]"
	}
	cases := []struct {
		name, in, want string
	}{
		{"not JSON", "[\n{,", "c.json:2: invalid JSON: invalid character ','"},
		{"truncated", "[\n{\"hostnqn\":\n", "c.json:2: invalid JSON: unexpected end of file"},
		{"trailing data", "[]\n[]", "c.json:2: invalid JSON: unexpected data after the top-level value"},
		{"trailing comma", "[\n{},\n]", "c.json:3: invalid JSON: invalid character ']'"},
		{"comment", "// hosts\n[]", "c.json:1: invalid JSON: invalid character '/'"},
		{"object at top", `{"hosts":[]}`, "c.json:1: the top level must be an array of hosts, as libnvme writes it, not an object"},
		{"host not object", `["x"]`, "c.json:1: [0]: must be an object, not a string"},
		{"missing hostnqn", "[\n{\"hostid\":\"x\"}]", `c.json:2: [0]: missing "hostnqn"`},
		{"hostnqn number", `[{"hostnqn":5}]`, "c.json:1: [0].hostnqn: must be a string, not a number"},
		{"hostnqn with comma", `[{"hostnqn":"nqn.2014-08.org.a:b,c"}]`, `c.json:1: [0].hostnqn: invalid NQN "nqn.2014-08.org.a:b,c": contains ','`},
		{"hostid with =", "[{" + host + `,"hostid":"a=b"}]`, `c.json:1: [0].hostid: "a=b" contains '='`},
		{"hostid null", "[{" + host + `,"hostid":null}]`, "c.json:1: [0].hostid: must be a string, not null"},
		{"duplicate key", "[{" + host + ",\n" + host + "}]", `c.json:2: key "hostnqn" appears twice in one object`},
		{"subsystems not array", "[{" + host + `,"subsystems":{}}]`, "c.json:1: [0].subsystems: must be an array, not an object"},
		{"missing nqn", "[{" + host + `,"subsystems":[{"ports":[]}]}]`, `c.json:1: [0].subsystems[0]: missing "nqn"`},
		{"empty nqn", "[{" + host + `,"subsystems":[{"nqn":""}]}]`, `c.json:1: [0].subsystems[0].nqn: invalid NQN "": is empty`},
		{"ports not array", "[{" + host + `,"subsystems":[{"nqn":"nqn.2023-01.io.example:s","ports":true}]}]`, "c.json:1: [0].subsystems[0].ports: must be an array, not a boolean"},
		{"port not object", withPort(`[]`), "c.json:2: [0].subsystems[0].ports[0]: must be an object, not an array"},
		{"missing transport", withPort(`{"traddr":"1.2.3.4"}`), `c.json:2: [0].subsystems[0].ports[0]: missing "transport"`},
		{"traddr with comma", withPort(`{"transport":"rdma","traddr":"1.2.3.4,nr_io_queues=1"}`), `c.json:2: [0].subsystems[0].ports[0].traddr: "1.2.3.4,nr_io_queues=1" contains ','`},
		{"host_iface with space", withPort(`{"transport":"tcp","host_iface":"eth 0"}`), `c.json:2: [0].subsystems[0].ports[0].host_iface: "eth 0" contains white space or a control character (U+0020)`},
		{"trsvcid with newline", withPort(`{"transport":"tcp","trsvcid":"4420\n"}`), `c.json:2: [0].subsystems[0].ports[0].trsvcid: "4420\n" contains white space or a control character (U+000A)`},
		{"transport with DEL", withPort(`{"transport":"tcp\u007f"}`), `c.json:2: [0].subsystems[0].ports[0].transport: "tcp\x7f" contains white space or a control character (U+007F)`},
		{"empty traddr", withPort(`{"transport":"tcp","traddr":""}`), `c.json:2: [0].subsystems[0].ports[0].traddr: is empty`},
		{"dhchap key with comma", withPort(`{"transport":"tcp","dhchap_ctrl_key":"DHHC-1:00:a=,b:"}`), `c.json:2: [0].subsystems[0].ports[0].dhchap_ctrl_key: "DHHC-1:00:a=,b:" contains ','`},
		{"int as string", withPort(`{"transport":"tcp","nr_io_queues":"4"}`), "c.json:2: [0].subsystems[0].ports[0].nr_io_queues: must be an integer, not a string"},
		{"int fraction", withPort(`{"transport":"tcp","queue_size":1.5}`), "c.json:2: [0].subsystems[0].ports[0].queue_size: 1.5 is not an integer"},
		{"int too big", withPort(`{"transport":"tcp","keep_alive_tmo":2147483648}`), "c.json:2: [0].subsystems[0].ports[0].keep_alive_tmo: 2147483648 is not an integer"},
		{"bool as int", withPort(`{"transport":"tcp","hdr_digest":1}`), "c.json:2: [0].subsystems[0].ports[0].hdr_digest: must be true or false, not a number"},
		{"too deep", "[{" + host + `,"x":` + strings.Repeat("[", maxDepth+2) + strings.Repeat("]", maxDepth+2) + "}]", "c.json:1: nested more than"},
	}
	for _, c := range cases {
		_, err := ParseJSONConfig([]byte(c.in), "c.json")
		var ce *Error
		if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: error = %v\nwant an *Error starting %q", c.name, err, c.want)
		}
	}
}

func TestParseJSONConfigNQNErrorIsTyped(t *testing.T) {
	_, err := ParseJSONConfig([]byte(`[{"hostnqn":"a b"}]`), "c.json")
	var ne *nqn.Error
	if !errors.As(err, &ne) {
		t.Fatalf("error %v does not wrap an *nqn.Error", err)
	}
}

func TestParseJSONConfigIgnoresUnknownKeys(t *testing.T) {
	in := `[{"hostnqn":"nqn.2014-08.org.nvmexpress:uuid:6f2a1c0e-8a4b-4c55-9d3e-2b7f0c1a9e44",
	  "persistent_discovery_ctrl":true, "future":{"a":[1,"x y",null]},
	  "subsystems":[{"nqn":"nqn.2023-01.io.example:s","application":"x y","ports":[{"transport":"tcp","future_key":"k e y","other":1}]}]}]`
	got, err := ParseJSONConfig([]byte(in), "c.json")
	if err != nil || len(got) != 1 || got[0].Subsystems[0].Ports[0].Transport != "tcp" || !got[0].PersistentDiscovery {
		t.Fatalf("unknown keys: %#v, %v", got, err)
	}
}

func TestReadJSONConfig(t *testing.T) {
	root := t.TempDir()
	hosts, err := ReadJSONConfig(hostfs.New(root))
	if hosts != nil || err != nil {
		t.Fatalf("missing file: %v, %v; want nil, nil", hosts, err)
	}
	p := filepath.Join(root, "etc/nvme/config.json")
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadJSONConfig(hostfs.New(root)); err == nil {
		t.Fatal("a directory in place of the file: no error")
	}
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(`[{"hostnqn":"nqn.2014-08.org.nvmexpress:uuid:6f2a1c0e-8a4b-4c55-9d3e-2b7f0c1a9e44","subsystems":[{"nqn":"nqn.2023-01.io.example:s","ports":[{"transport":"rdma"}]}]}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	hosts, err = ReadJSONConfig(hostfs.New(root))
	if err != nil || len(hosts) != 1 || hosts[0].Subsystems[0].Ports[0].Where != p+":1" {
		t.Fatalf("ReadJSONConfig = %#v, %v", hosts, err)
	}
}

func FuzzParseJSONConfig(f *testing.F) {
	seed, err := os.ReadFile("testdata/config.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	for _, s := range []string{"", "[]", "{}", `[{"hostnqn":"a"}]`, `[{"hostnqn":"a","subsystems":[{"nqn":"b","ports":[{"transport":"t","tos":-1}]}]}]`, "[[[[", `"\u0000"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		hosts, err := ParseJSONConfig(b, "f.json")
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) || ce.Line < 1 {
				t.Fatalf("error %v is not an *Error with a line", err)
			}
			return
		}
		for _, h := range hosts {
			if nqn.Validate(h.HostNQN) != nil {
				t.Fatalf("accepted unsafe hostnqn %q", h.HostNQN)
			}
			for _, s := range h.Subsystems {
				for _, p := range s.Ports {
					for _, v := range []string{p.Transport, p.Traddr, p.Trsvcid, p.HostTraddr, p.HostIface} {
						if strings.ContainsAny(v, ",= \t\n\r\x00") {
							t.Fatalf("accepted unsafe value %q", v)
						}
					}
				}
			}
		}
	})
}

func TestParseJSONConfigApplication(t *testing.T) {
	in := `[{"hostnqn":"` + nqn.Discovery + `","subsystems":[` +
		`{"nqn":"` + nqn.Discovery + `","application":"autoconnect","ports":[{"transport":"tcp","traddr":"127.0.0.1"}]},` +
		`{"nqn":"` + nqn.Discovery + `","ports":[{"transport":"rdma","traddr":"169.254.99.1"}]}]}]`
	hosts, err := ParseJSONConfig([]byte(in), "c.json")
	if err != nil {
		t.Fatal(err)
	}
	if s := hosts[0].Subsystems; len(s) != 2 || s[0].Application != "autoconnect" || s[1].Application != "" {
		t.Errorf("subsystems %+v, want application autoconnect, then none", s)
	}
	bad := strings.Replace(in, `"autoconnect"`, `7`, 1)
	if _, err := ParseJSONConfig([]byte(bad), "c.json"); err == nil || !strings.Contains(err.Error(), "application") {
		t.Errorf("application 7: %v, want an error naming the key", err)
	}
}
