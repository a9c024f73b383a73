package cli

import (
	"strings"
	"testing"

	"github.com/gonvme/gonvme/nvmftest"
)

// connectArgs is a valid connect with one flag's value replaced.
func connectArgs(flag, value string, extra ...string) []string {
	vals := map[string]string{"-t": "rdma", "-a": rdmaAddr, "-s": "4420", "-n": test1}
	args := []string{"connect"}
	for _, f := range []string{"-t", "-a", "-s", "-n"} {
		if f == flag {
			continue
		}
		args = append(args, f, vals[f])
	}
	if flag != "" {
		args = append(args, flag, value)
	}
	return append(args, extra...)
}

func TestHostileInputWritesNothing(t *testing.T) {
	long := "nqn.2026-11.io.gonvme:" + strings.Repeat("x", 223)
	tests := []struct {
		name string
		args []string
		conf string // /etc/nvme/discovery.conf
		code int
		want []string // in stderr
	}{
		{"comma in nqn", connectArgs("-n", test1+",duplicate_connect"), "", 2, []string{`invalid nqn "nqn.2026-11.io.gonvme:test1,duplicate_connect"`, `contains ','`}},
		{"equals in nqn", connectArgs("-n", "nqn.2026-11.io.gonvme:a=b"), "", 2, []string{"invalid nqn", `contains '='`}},
		{"newline in traddr", connectArgs("-a", rdmaAddr+"\nhost_traddr=10.0.0.1"), "", 2, []string{"invalid traddr", "white space or a control character (U+000A)"}},
		{"tab in hostnqn", connectArgs("", "", "-q", "nqn.2014-08.org.nvmexpress:uuid:\tx"), "", 2, []string{"--hostnqn", "U+0009"}},
		{"space in host-traddr", connectArgs("", "", "-w", "10.0.0.1 hostid=x"), "", 2, []string{"invalid host_traddr", "U+0020"}},
		{"NUL in nqn", connectArgs("-n", test1+"\x00x"), "", 2, []string{"invalid nqn", "U+0000"}},
		{"over-long nqn", connectArgs("-n", long), "", 2, []string{"invalid nqn", "245 bytes long; the kernel accepts at most 222"}},
		{"nqn of 223 bytes", connectArgs("-n", strings.Repeat("n", 223)), "", 2, []string{"invalid nqn", "223 bytes long; the kernel accepts at most 222"}},
		{"hostnqn of 223 bytes", connectArgs("-q", strings.Repeat("h", 223)), "", 2, []string{"--hostnqn", "223 bytes long"}},
		{"nqn with NUL", connectArgs("-n", "toto\x00"), "", 2, []string{"invalid nqn", "control character (U+0000)"}},
		{"bad hostid", connectArgs("", "", "-I", "1234"), "", 2, []string{"--hostid", "1234"}},
		{"port 0", connectArgs("-s", "0"), "", 2, []string{`invalid trsvcid "0"`, "port number from 1 to 65535"}},
		{"port 70000", connectArgs("-s", "70000"), "", 2, []string{`invalid trsvcid "70000"`}},
		{"port 44x", connectArgs("-s", "44x"), "", 2, []string{`invalid trsvcid "44x"`}},
		{"port with leading zero", connectArgs("-s", "04420"), "", 2, []string{`invalid trsvcid "04420"`}},
		{"negative queue count", connectArgs("", "", "-i", "-1"), "", 2, []string{`invalid nr_io_queues "-1"`, "at least 1"}},
		{"non-numeric queue size", connectArgs("", "", "-Q", "lots"), "", 2, []string{`--queue-size: "lots" is not a whole number`}},
		{"number with space", connectArgs("", "", "--keep-alive-tmo", " 5"), "", 2, []string{`--keep-alive-tmo: " 5" is not a whole number`}},
		{"queue size too big", connectArgs("", "", "-Q", "4096"), "", 2, []string{`invalid queue_size "4096"`, "16 to 1024"}},
		{"unknown transport", connectArgs("-t", "ib"), "", 2, []string{`invalid transport "ib"`, "must be one of rdma, tcp, fc, loop"}},
		{"host_iface on rdma", connectArgs("", "", "-f", "eth0"), "", 2, []string{`invalid host_iface "eth0"`, "tcp only"}},
		{"hdr digest on rdma", connectArgs("", "", "-g"), "", 2, []string{"hdr_digest", "tcp only"}},
		{"data digest on rdma", connectArgs("", "", "-G"), "", 2, []string{"data_digest", "tcp only"}},
		{"host name as traddr", connectArgs("-a", "target.example"), "", 2, []string{`invalid traddr "target.example"`, "IPv4 or IPv6 address"}},
		{"missing nqn", []string{"connect", "-t", "rdma", "-a", rdmaAddr}, "", 2, []string{"--nqn (-n)"}},
		{"missing transport", []string{"connect", "-a", rdmaAddr, "-n", test1}, "", 2, []string{"--transport (-t)"}},
		{"unknown flag", connectArgs("", "", "--no-such-flag"), "", 2, []string{"no-such-flag"}},
		{"stray argument", connectArgs("", "", "extra"), "", 2, []string{`unexpected argument "extra"`}},
		{"bad output format", connectArgs("", "", "-o", "yaml"), "", 2, []string{`--output-format: "yaml"`}},
		{"discover comma in traddr", []string{"discover", "-t", "tcp", "-a", "127.0.0.1,nqn=x"}, "", 2, []string{"invalid traddr"}},
		{"discover port 0", []string{"discover", "-t", "tcp", "-a", tcpAddr, "-s", "0"}, "", 2, []string{`invalid trsvcid "0"`}},
		{"discover without transport", []string{"discover", "-a", tcpAddr}, "", 2, []string{"--transport (-t) is required"}},
		{"connect-all host_iface with comma", []string{"connect-all", "-t", "tcp", "-a", tcpAddr, "-f", "lo,x"}, "", 2, []string{"invalid host_iface"}},
		{"disconnect comma nqn list with '='", []string{"disconnect", "-n", test1 + ",a=b"}, "", 2, []string{"--nqn", `contains '='`}},
		{"disconnect bad device", []string{"disconnect", "-d", "sda"}, "", 2, []string{"--device", `"sda" is not a controller such as nvme0`}},
		{"disconnect-all bad transport", []string{"disconnect-all", "-r", "ib"}, "", 2, []string{`--transport: "ib"`}},
		{
			"discovery.conf bad port", []string{"connect-all"},
			"--transport=rdma --traddr=169.254.99.1 --trsvcid=0\n", 1,
			[]string{"ROOT/etc/nvme/discovery.conf:1: invalid trsvcid \"0\""},
		},
		{
			"discovery.conf bad values", []string{"discover"},
			"# comment\n-t rdma -a 169.254.99.1 -i many\n-t ib -a 10.0.0.1\n--transport=tcp --traddr=127.0.0.1 --host-iface=a,b\n-t tcp -a 127.0.0.1 --no-such\n-t tcp -a 127.0.0.1 -g=1\n", 1,
			[]string{
				`ROOT/etc/nvme/discovery.conf:2: --nr-io-queues: "many" is not a whole number`,
				`ROOT/etc/nvme/discovery.conf:3: invalid transport "ib"`,
				`ROOT/etc/nvme/discovery.conf:4: invalid host_iface "a,b"`,
				`ROOT/etc/nvme/discovery.conf:5: unknown flag "--no-such"`,
				`ROOT/etc/nvme/discovery.conf:6: flag --hdr-digest takes no value`,
			},
		},
		{
			"discovery.conf control character", []string{"connect-all"},
			"-t rdma -a 169.254.99.1\n-t rdma -a \x01169.254.99.2\n", 1,
			[]string{"ROOT/etc/nvme/discovery.conf:2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := withPages(t, nvmftest.New(t, nvmftest.Empty))
			if tt.conf != "" {
				f.WriteFile(t, "/etc/nvme/discovery.conf", tt.conf)
			}
			r := run(t, f, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\n%v", r.code, tt.code, r)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr does not contain %q:\n%s", w, r.stderr)
				}
			}
			noWrites(t, f)
		})
	}
}

func TestNeedsRoot(t *testing.T) {
	for _, args := range [][]string{
		connectArgs("", ""),
		{"discover", "-t", "rdma", "-a", rdmaAddr},
		{"connect-all", "-t", "rdma", "-a", rdmaAddr},
		{"disconnect", "-n", test1},
		{"disconnect", "-d", "nvme0"},
		{"disconnect-all"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			f := withPages(t, nvmftest.New(t, nvmftest.Kernel61))
			r := runEnv(t, f, false, args...)
			if r.code != 1 || !strings.Contains(r.stderr, args[0]+" needs root") || !strings.Contains(r.stderr, "sudo") {
				t.Errorf("%v\nwant exit 1 and %q", r, args[0]+" needs root")
			}
			noWrites(t, f)
		})
	}
}
