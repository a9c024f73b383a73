package cli

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/nqn"
	"github.com/gonvme/gonvme/nvmftest"
)

// writtenIDs returns the hostnqn and hostid of every option string the
// kernel received.
func writtenIDs(t *testing.T, f *nvmftest.Fake) (ids [][2]string) {
	t.Helper()
	for _, w := range f.Kernel.Writes() {
		m := nvmftest.ParseOptions(w)
		ids = append(ids, [2]string{m["hostnqn"], m["hostid"]})
	}
	return ids
}

// With no identity files and no DMI UUID, one connect-all used to send
// one generated identity to its discovery controller and another to its
// I/O controllers.
func TestConnectAllUsesOneIdentity(t *testing.T) {
	f := withPages(t, nvmftest.New(t, nvmftest.Empty))
	for _, p := range []string{nqn.HostNQNFile, nqn.HostIDFile} {
		if err := os.Remove(f.FS.Path(p)); err != nil {
			t.Fatal(err)
		}
	}
	r := run(t, f, "connect-all", "-t", "rdma", "-a", rdmaAddr, "-s", "4420")
	if r.code != 0 {
		t.Fatalf("%v", r)
	}
	ids := writtenIDs(t, f)
	if len(ids) < 2 {
		t.Fatalf("only %d writes", len(ids))
	}
	for _, id := range ids[1:] {
		if id != ids[0] {
			t.Fatalf("identities differ within one run: %q", ids)
		}
	}
	if u, ok := nqn.UUIDOf(ids[0][0]); !ok || u.String() != ids[0][1] {
		t.Fatalf("generated identity %q: hostid must be the UUID in the hostnqn", ids[0])
	}
}

func TestIdentityOrder(t *testing.T) {
	const (
		fileNQN = "nqn.2014-08.org.nvmexpress:uuid:a1e0c3d2-5b6f-4e7a-8c9d-0123456789ab"
		cfgNQN  = "nqn.2026-11.io.gonvme:cfghost"
		cfgID   = "11111111-2222-4333-8444-555555555555"
		envID   = "99999999-8888-4777-8666-555555555555"
	)
	cfg := `[{"hostnqn":"` + cfgNQN + `","hostid":"` + cfgID + `","subsystems":[]}]`
	tests := []struct {
		name   string
		cfg    string
		env    map[string]string
		args   []string
		wantID [2]string
	}{
		{"files", "", nil, nil, [2]string{fileNQN, nvmftest.HostID}},
		{"config.json first host", cfg, nil, nil, [2]string{cfgNQN, cfgID}},
		{"-J none skips config.json", cfg, nil, []string{"-J", "none"}, [2]string{fileNQN, nvmftest.HostID}},
		{"flags first", cfg, nil, []string{"-q", "toto", "-I", envID}, [2]string{"toto", envID}},
		{"LIBNVME_ variables over files", "", map[string]string{"LIBNVME_HOSTNQN": "envhost", "LIBNVME_HOSTID": envID}, nil, [2]string{"envhost", envID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := nvmftest.New(t, nvmftest.Empty)
			if tt.cfg != "" {
				f.WriteFile(t, "/etc/nvme/config.json", tt.cfg)
			}
			var out, errb bytes.Buffer
			env := Env{FS: f.FS, Edge: f.Edge, Stdout: &out, Stderr: &errb,
				LookupEnv: func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }}
			args := append([]string{"connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", test1}, tt.args...)
			if code := Run(env, args); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			if ids := writtenIDs(t, f); len(ids) != 1 || ids[0] != tt.wantID {
				t.Fatalf("sent %q, want %q", ids, tt.wantID)
			}
		})
	}
}

func TestIdentityFileErrors(t *testing.T) {
	for name, content := range map[string]string{
		"white space inside": "nqn.2026-11.io.gonvme:my host\n",
		"comma":              "toto,transport=tcp\n",
		"control character":  "toto\x1b[31m\n",
	} {
		t.Run(name, func(t *testing.T) {
			f := nvmftest.New(t, nvmftest.Empty)
			f.WriteFile(t, nqn.HostNQNFile, content)
			r := run(t, f, "connect", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "-n", test1)
			if r.code != 2 || !strings.Contains(r.stderr, "ROOT/etc/nvme/hostnqn") {
				t.Errorf("%v\nwant exit 2 naming the file", r)
			}
			noWrites(t, f)
		})
	}
}

// A second host of config.json without a hostid gets one of its own: the
// kernel refuses one host ID under two host NQNs.
func TestSecondConfigHostGetsItsOwnHostID(t *testing.T) {
	f := withPages(t, nvmftest.New(t, nvmftest.Empty))
	port := `{"transport":"rdma","traddr":"` + rdmaAddr + `","trsvcid":"4420"}`
	f.WriteFile(t, "/etc/nvme/config.json", `[
 {"hostnqn":"nqn.2026-11.io.gonvme:first","subsystems":[{"nqn":"`+nqn.Discovery+`","ports":[`+port+`]}]},
 {"hostnqn":"nqn.2026-11.io.gonvme:second","subsystems":[{"nqn":"`+nqn.Discovery+`","ports":[`+port+`]}]}]`)
	r := run(t, f, "discover")
	if r.code != 0 {
		t.Fatalf("%v", r)
	}
	byNQN := map[string]string{}
	for _, id := range writtenIDs(t, f) {
		if prev, ok := byNQN[id[0]]; ok && prev != id[1] {
			t.Fatalf("%s sent with two host IDs", id[0])
		}
		byNQN[id[0]] = id[1]
	}
	if len(byNQN) != 2 || byNQN["nqn.2026-11.io.gonvme:first"] == byNQN["nqn.2026-11.io.gonvme:second"] {
		t.Fatalf("host IDs per host NQN: %v", byNQN)
	}
}
