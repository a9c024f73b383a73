package cli

import (
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/nvmftest"
)

func TestRefusedFlags(t *testing.T) {
	disc := []string{"-t", "rdma", "-a", rdmaAddr}
	tests := []struct {
		args []string
		want string
	}{
		{append([]string{"discover", "--nbft"}, disc...), "--nbft is not supported: gonvme does not read NBFT"},
		{append([]string{"discover", "--no-nbft"}, disc...), "--no-nbft is not supported"},
		{append([]string{"connect-all", "--nbft-path=/sys/firmware/acpi/tables"}, disc...), "--nbft-path is not supported"},
		{append([]string{"connect-all", "--nbft"}, disc...), "--nbft is not supported"},
		{append([]string{"discover", "--no-retries"}, disc...), "--no-retries is not supported: gonvme never retries"},
		{connectArgs("", "", "--no-retries"), "--no-retries is not supported"},
		{[]string{"list", "--no-retries"}, "--no-retries is not supported"},
		{[]string{"list-subsys", "--no-retries"}, "--no-retries is not supported"},
		{append([]string{"connect-all", "--tls-key-identity=x"}, disc...), "--tls-key-identity is not supported: it names the TLS PSK of one subsystem"},
		{append([]string{"discover", "--tls-key-identity", "x"}, disc...), "--tls-key-identity is not supported"},
		{append([]string{"connect-all", "-o", "tabular"}, disc...), "tabular is nvme-cli 2.16's table of 'nvme show-topology'"},
		{[]string{"list", "-o", "tabular"}, "use one of normal, json"},
		{[]string{"list-subsys", "--output-format=tabular"}, "tabular"},
		{connectArgs("", "", "-o", "tabular"), "tabular"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f := withPages(t, nvmftest.New(t, nvmftest.Kernel61))
			r := run(t, f, tt.args...)
			if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("%v\nwant exit 2 and %q", r, tt.want)
			}
			noWrites(t, f)
		})
	}
}

func TestDisconnectRefusesNQNWithDevice(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Kernel61)
	r := run(t, f, "disconnect", "-n", test1, "-d", "nvme0")
	if r.code != 2 || !strings.Contains(r.stderr, "both --device (-d) and --nqn (-n) given") {
		t.Errorf("%v", r)
	}
	noWrites(t, f)
	if got := f.Controllers(t); len(got) != 5 {
		t.Errorf("controllers %q, want all five left", got)
	}
}

func TestIdempotent(t *testing.T) {
	tests := []struct {
		extra  []string
		stderr string
	}{
		{nil, "already connected: rdma 169.254.99.1:4420 " + test1 + " is nvme0\n"},
		{[]string{"--idempotent"}, ""},
		{[]string{"--idempotent", "-v"}, "already connected: rdma 169.254.99.1:4420 " + test1 + " is nvme0\n"},
	}
	for _, tt := range tests {
		f := nvmftest.New(t, nvmftest.Kernel61)
		r := run(t, f, connectArgs("", "", tt.extra...)...)
		if r.code != 0 || r.stdout != "" || r.stderr != tt.stderr {
			t.Errorf("connect %q: %v\nwant exit 0 and stderr %q", tt.extra, r, tt.stderr)
		}
		noWrites(t, f)
	}
}

// contextConfig has three discovery controllers: one managed by "stas",
// one by "autoconnect", one by nobody.
const contextConfig = `[{"hostnqn":"` + nvmftest.HostNQN + `","hostid":"` + nvmftest.HostID + `","subsystems":[
 {"nqn":"nqn.2014-08.org.nvmexpress.discovery","application":"stas","ports":[{"transport":"rdma","traddr":"169.254.99.1","trsvcid":"4420"}]},
 {"nqn":"nqn.2014-08.org.nvmexpress.discovery","application":"autoconnect","ports":[{"transport":"rdma","traddr":"169.254.99.1","trsvcid":"4421"}]},
 {"nqn":"nqn.2014-08.org.nvmexpress.discovery","ports":[{"transport":"rdma","traddr":"169.254.99.1","trsvcid":"4422"}]}]}]`

func TestContextFiltersConfigJSON(t *testing.T) {
	tests := []struct {
		context string
		ports   []string
	}{
		{"", []string{"4420", "4421", "4422"}},
		{"autoconnect", []string{"4421", "4422"}},
		{"stas", []string{"4420", "4422"}},
		{"other", []string{"4422"}},
	}
	for _, cmd := range []string{"connect-all", "discover"} {
		for _, tt := range tests {
			f := nvmftest.New(t, nvmftest.Empty)
			f.WriteFile(t, "/etc/nvme/config.json", contextConfig)
			args := []string{cmd, "--dry-run"}
			if tt.context != "" {
				args = append(args, "--context="+tt.context)
			}
			r := run(t, f, args...)
			var got []string
			for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
				got = append(got, nvmftest.ParseOptions(l)["trsvcid"])
			}
			if r.code != 0 || strings.Join(got, " ") != strings.Join(tt.ports, " ") {
				t.Errorf("%s --context=%q: %v\nwant discovery controllers at ports %q", cmd, tt.context, r, tt.ports)
			}
			noWrites(t, f)
		}
	}
}

func TestDryRunConnect(t *testing.T) {
	secret, ctrl := "DHHC-1:00:ia6zGodOr4SEG0Zzaw398rpY0wqipUWj4jWjUh4HWUz6aQ2n:", "DHHC-1:00:ia6zGodOr4SEG0Zzaw398rpY0wqipUWj4jWjUh4HWUz6aQ2n:"
	for _, args := range [][]string{
		connectArgs("", ""),
		connectArgs("", "", "-i", "2", "-l", "-1", "-D"),
		connectArgs("", "", "-S", secret, "-C", ctrl),
		{"connect", "-t", "tcp", "-a", tcpAddr, "-n", test2, "-g", "-G"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			f := nvmftest.New(t, nvmftest.Empty)
			f.Kernel.HostAuth = true // a kernel that uses -S, not 6.1's
			dry := run(t, f, append(args, "--dry-run")...)
			if dry.code != 0 || dry.stderr != "" || strings.Count(dry.stdout, "\n") != 1 {
				t.Fatalf("%v", dry)
			}
			noWrites(t, f)
			if got := f.Controllers(t); len(got) != 0 {
				t.Errorf("--dry-run created %q", got)
			}
			if strings.Contains(dry.stdout, "DHHC-1") {
				t.Errorf("--dry-run printed a secret: %q", dry.stdout)
			}
			real := run(t, f, args...)
			w := f.Kernel.Writes()
			if real.code != 0 || len(w) != 1 {
				t.Fatalf("real connect: %v, writes %q", real, w)
			}
			want := strings.ReplaceAll(w[0], secret, "<redacted>")
			if dry.stdout != want+"\n" {
				t.Errorf("--dry-run printed %q\nthe connect wrote (redacted) %q", dry.stdout, want)
			}
			again := run(t, f, append(args, "--dry-run")...)
			if args[len(args)-1] != "-D" && (again.code != 0 || again.stdout != "" || !strings.Contains(again.stderr, "already connected")) {
				t.Errorf("--dry-run of a connected path: %v\nwant nothing on stdout and 'already connected'", again)
			}
		})
	}
}

func TestDryRunDiscovery(t *testing.T) {
	for _, cmd := range []string{"discover", "connect-all"} {
		t.Run(cmd, func(t *testing.T) {
			f := withPages(t, nvmftest.New(t, nvmftest.Empty))
			args := []string{cmd, "-t", "rdma", "-a", rdmaAddr, "-s", "4420"}
			dry := run(t, f, append(args, "--dry-run")...)
			if dry.code != 0 || !strings.Contains(dry.stderr, "dry run: nothing was written") {
				t.Fatalf("%v", dry)
			}
			noWrites(t, f)
			if got := f.Controllers(t); len(got) != 0 {
				t.Errorf("--dry-run created %q", got)
			}
			if real := run(t, f, args...); real.code != 0 {
				t.Fatalf("%v", real)
			}
			if w := f.Kernel.Writes(); len(w) == 0 || dry.stdout != w[0]+"\n" {
				t.Errorf("--dry-run printed %q\nthe discovery controller connect wrote %q", dry.stdout, w)
			}
		})
	}
	f := nvmftest.New(t, nvmftest.Kernel61)
	for _, args := range [][]string{
		{"discover", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "--dry-run"},
		{"discover", "-d", "nvme4", "--dry-run"},
		{"connect-all", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "--dry-run"},
	} {
		r := run(t, f, args...)
		if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "would use discovery controller nvme4") {
			t.Errorf("%q: %v\nwant the existing nvme4 named and nothing to write", args, r)
		}
	}
	noWrites(t, f)
	r := run(t, f, "discover", "-d", "nvme0", "--dry-run")
	if r.code != 1 || !strings.Contains(r.stderr, "nvme0 is not a discovery controller") {
		t.Errorf("discover -d nvme0 --dry-run: %v", r)
	}
}

func TestDryRunRefusesWhatTheKernelWould(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	for _, args := range [][]string{
		{"connect", "-t", "tcp", "-a", tcpAddr, "-n", test1, "--tls", "--dry-run"},
		{"discover", "-t", "tcp", "-a", tcpAddr, "--tls", "--dry-run"},
		connectArgs("-n", test1+",duplicate_connect", "--dry-run"),
	} {
		r := run(t, f, args...)
		if r.code != 2 || r.stdout != "" {
			t.Errorf("%q: %v\nwant exit 2 (6.1 knows no tls; commas are refused)", args, r)
		}
	}
	noWrites(t, f)
}

func TestListSubsysDevice(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Kernel61)
	want := string(nvmftest.ReadFixture(t, "nvme-cli/list-subsys-nvme0n1.txt"))
	for _, dev := range []string{"nvme0n1", "/dev/nvme0n1"} {
		r := run(t, f, "list-subsys", dev)
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("%v", r)
		}
		sameText(t, "nvme-cli/list-subsys-nvme0n1.txt", want, r.stdout)
	}
	j := run(t, f, "list-subsys", "-o", "json", "nvme0n1")
	if j.code != 0 || !strings.Contains(j.stdout, `"ANAState":"optimized"`) || strings.Contains(j.stdout, "test2") {
		t.Errorf("list-subsys -o json nvme0n1: %v", j)
	}
	for _, args := range [][]string{{"list-subsys", "nvme0"}, {"list-subsys", "sda"}, {"list-subsys", "nvme0n1", "nvme1n1"}, {"list", "nvme0n1"}} {
		r := run(t, f, args...)
		if r.code != 2 || r.stdout != "" {
			t.Errorf("%q: %v\nwant exit 2", args, r)
		}
	}
}

func TestTLSKeyIdentity(t *testing.T) {
	const (
		identity = "NVMe0R01 " + nvmftest.HostNQN + " " + test1
		nvmeRing = 0x2387d6a0
		psk      = 0x31c0ffee
	)
	procKeys := "2387d6a0 I------     1 perm 1f0b0000     0     0 keyring   .nvme: 1\n"
	tcpConnect := func(extra ...string) []string {
		return append([]string{"connect", "-t", "tcp", "-a", tcpAddr, "-n", test1}, extra...)
	}
	newFake := func(t *testing.T, tls bool) *nvmftest.Fake {
		f := nvmftest.New(t, nvmftest.Empty)
		if tls {
			sup := maps.Clone(f.Kernel.Sup)
			sup["tls"], sup["keyring"], sup["tls_key"] = true, true, true
			f.Kernel.Sup = sup
		}
		f.WriteFile(t, "/proc/keys", procKeys)
		f.Keys[nvmftest.KeyName(nvmeRing, "psk", identity)] = psk
		f.Keys[nvmftest.KeyName(7, "psk", identity)] = 8
		return f
	}
	t.Run("found", func(t *testing.T) {
		f := newFake(t, true)
		r := run(t, f, tcpConnect("--tls", "--tls-key-identity", identity)...)
		w := f.Kernel.Writes()
		if r.code != 0 || len(w) != 1 || !strings.HasSuffix(w[0], fmt.Sprintf(",keyring=%d,tls_key=%d,tls", nvmeRing, psk)) {
			t.Errorf("%v\nwrites %q, want keyring=.nvme's serial, tls_key=the PSK's, tls", r, w)
		}
		f = newFake(t, true)
		r = run(t, f, tcpConnect("--tls", "--keyring=7", "--tls-key-identity="+identity, "--dry-run")...)
		if r.code != 0 || !strings.HasSuffix(r.stdout, ",keyring=7,tls_key=8,tls\n") {
			t.Errorf("--keyring=7: %v", r)
		}
	})
	tests := []struct {
		name string
		tls  bool
		args []string
		code int
		want string
	}{
		{"6.1 has no tls_key", false, tcpConnect("--tls", "--tls-key-identity", identity), 2, "the running kernel does not support TLS keys"},
		{"needs --tls", true, tcpConnect("--tls-key-identity", identity), 2, "--tls-key-identity needs --tls"},
		{"not with --tls-key", true, tcpConnect("--tls", "--tls-key=5", "--tls-key-identity", identity), 2, "both name the TLS key"},
		{"empty", true, tcpConnect("--tls", "--tls-key-identity="), 2, "empty"},
		{"control character", true, tcpConnect("--tls", "--tls-key-identity", "NVMe0R01\nx"), 2, "control character"},
		{"too long", true, tcpConnect("--tls", "--tls-key-identity", strings.Repeat("x", 4096)), 2, "4096 bytes long"},
		{"without -t/-a", true, []string{"connect", "-n", test1, "--tls", "--tls-key-identity", identity}, 2, "needs --transport tcp and --traddr"},
		{"unknown identity", true, tcpConnect("--tls", "--tls-key-identity", identity+"x"), 1, "no TLS PSK with identity"},
		{"rdma", true, []string{"connect", "-t", "rdma", "-a", rdmaAddr, "-n", test1, "--tls", "--tls-key-identity", identity}, 2, "tcp only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, tt.tls)
			r := run(t, f, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("%v\nwant exit %d and %q", r, tt.code, tt.want)
			}
			noWrites(t, f)
		})
	}
	t.Run("no .nvme keyring", func(t *testing.T) {
		f := newFake(t, true)
		f.WriteFile(t, "/proc/keys", "")
		r := run(t, f, tcpConnect("--tls", "--tls-key-identity", identity)...)
		if r.code != 1 || !strings.Contains(r.stderr, "modprobe nvme-keyring") {
			t.Errorf("%v", r)
		}
		noWrites(t, f)
	})
}

func TestDryRunConnectByNQN(t *testing.T) {
	f := withPages(t, nvmftest.New(t, nvmftest.Empty))
	f.WriteFile(t, "/etc/nvme/discovery.conf", "--transport=rdma --traddr="+rdmaAddr+" --trsvcid=4420\n")
	dry := run(t, f, "connect", "-n", test1, "--dry-run")
	if dry.code != 0 || strings.Count(dry.stdout, "\n") != 1 || !strings.HasPrefix(dry.stdout, "nqn=nqn.2014-08.org.nvmexpress.discovery,transport=rdma,") {
		t.Fatalf("%v\nwant the discovery controller's option string", dry)
	}
	noWrites(t, f)
	if real := run(t, f, "connect", "-n", test1); real.code != 0 {
		t.Fatalf("%v", real)
	}
	if w := f.Kernel.Writes(); len(w) < 2 || dry.stdout != w[0]+"\n" {
		t.Errorf("--dry-run printed %q; the connect wrote %q first", dry.stdout, w)
	}
}
