package fabrics

import (
	"errors"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/nvmftest/kfixtures"
)

// kernelOptions is what each captured kernel's /dev/nvme-fabrics lists
// besides the options of 6.1: 6.12 adds TLS (keyring, tls_key, tls), 7.x
// concatenated authentication (concat).
var kernelOptions = map[string][]string{
	"6.1":  {},
	"6.12": {"keyring", "tls", "tls_key"},
	"7.x":  {"concat", "keyring", "tls", "tls_key"},
}

var options61 = []string{"cntlid", "ctrl_loss_tmo", "data_digest", "dhchap_ctrl_secret", "dhchap_secret",
	"disable_sqflow", "discovery", "duplicate_connect", "fast_io_fail_tmo", "hdr_digest", "host_iface",
	"host_traddr", "hostid", "hostnqn", "instance", "keep_alive_tmo", "nqn", "nr_io_queues",
	"nr_poll_queues", "nr_write_queues", "queue_size", "reconnect_delay", "tos", "traddr",
	"transport", "trsvcid"}

func kernelSupported(t *testing.T, k kfixtures.Kernel) Supported {
	t.Helper()
	sup, err := ParseSupported(string(k.ReadFile(t, "nvme-cli/supported-options.txt")))
	if err != nil {
		t.Fatalf("ParseSupported(%s fixture): %v", k.Name, err)
	}
	return sup
}

func TestParseSupportedEachKernel(t *testing.T) {
	kfixtures.Each(t, func(t *testing.T, k kfixtures.Kernel) {
		extra, ok := kernelOptions[k.Name]
		if !ok {
			t.Fatalf("no expected option list for kernel %s: add it to kernelOptions", k.Name)
		}
		var got []string
		for name := range kernelSupported(t, k) {
			got = append(got, name)
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(append(slices.Clone(options61), extra...)))
		if !slices.Equal(got, want) {
			t.Errorf("%s supported options\n got: %v\nwant: %v", k.Name, got, want)
		}
	})
}

// setOption sets p explicitly to a value in its range.
func setOption(o *Options, p option) {
	switch {
	case p.str != nil:
		if *p.str(o) == "" {
			*p.str(o) = "x"
		}
	case p.num != nil:
		*p.num(o) = Int(max(p.min, 1))
	default:
		*p.flag(o) = true
	}
}

// The probe against each kernel's real list: an option the kernel lists
// passes Restrict, one it does not is refused when asked for and dropped
// when only a default.
func TestRestrictEachKernel(t *testing.T) {
	kfixtures.Each(t, func(t *testing.T, k kfixtures.Kernel) {
		sup := kernelSupported(t, k)
		for _, p := range options {
			o := tcp(func(o *Options) { o.HostNQN = testHostNQN })
			setOption(&o, p)
			_, err := o.Restrict(sup)
			var ue *UnsupportedError
			switch {
			case sup[p.name] && err != nil:
				t.Errorf("%s lists %s, yet Restrict refuses it: %v", k.Name, p.name, err)
			case !sup[p.name] && (!errors.As(err, &ue) || ue.Option != p.name):
				t.Errorf("%s does not list %s, yet Restrict answers %v", k.Name, p.name, err)
			}
			o.Defaults = set(p.name)
			got, err := o.Restrict(sup)
			if err != nil {
				t.Errorf("%s: default %s refused: %v", k.Name, p.name, err)
			} else if p.isSet(&got) != sup[p.name] {
				t.Errorf("%s: default %s kept=%t, want %t", k.Name, p.name, p.isSet(&got), sup[p.name])
			}
		}
	})
}

// The newest captured kernel lists every option gonvme can write, and
// gonvme knows every option it lists but the two it reads back.
func TestOptionsMatchNewestKernel(t *testing.T) {
	all := kfixtures.All()
	if len(all) == 0 {
		t.Fatal("no kernel fixtures")
	}
	newest := all[len(all)-1]
	sup := kernelSupported(t, newest)
	known := map[string]bool{"instance": true, "cntlid": true}
	for _, p := range options {
		known[p.name] = true
		if !sup[p.name] {
			t.Errorf("gonvme writes %s, which kernel %s does not list", p.name, newest.Name)
		}
	}
	for name := range sup {
		if !known[name] {
			t.Errorf("kernel %s lists %s, which gonvme does not know", newest.Name, name)
		}
	}
}

// TestExplainKernelFailures takes the connects nvme-cli failed on each
// kernel ("Failed to write to /dev/nvme-fabrics: <strerror>"), recovers the
// errno and checks Explain has something specific to say about it.
func TestExplainKernelFailures(t *testing.T) {
	kfixtures.Each(t, func(t *testing.T, k kfixtures.Kernel) {
		seen := 0
		for _, line := range strings.Split(strings.TrimSpace(string(k.ReadFile(t, "nvme-cli/commands.tsv"))), "\n") {
			fields := strings.Split(line, "\t")
			if len(fields) != 3 || !strings.HasPrefix(fields[2], "nvme connect ") {
				continue
			}
			errno, ok := fixtureErrno(t, k, fields[0])
			if !ok {
				continue
			}
			transport := strings.Fields(fields[2])[3] // nvme connect -t <transport>
			if meaning, _ := Explain("connect", transport, errno); meaning == "" {
				t.Errorf("%s: Explain(connect, %s, %s) has no meaning", fields[0], transport, errnoNames[errno])
			}
			seen++
			t.Logf("%s: %s over %s", fields[0], errnoNames[errno], transport)
		}
		if seen == 0 {
			t.Fatal("no failed connect with a kernel errno in the fixture")
		}
	})
}

// fixtureErrno is the errno of a connect nvme-cli reported as failed in
// its captured stderr, if it did.
func fixtureErrno(t *testing.T, k kfixtures.Kernel, file string) (syscall.Errno, bool) {
	stderr, err := os.ReadFile(k.Path("nvme-cli/" + file + ".stderr"))
	if err != nil {
		return 0, false
	}
	_, strerror, ok := strings.Cut(strings.SplitN(string(stderr), "\n", 2)[0], "Failed to write to /dev/nvme-fabrics: ")
	if !ok {
		return 0, false
	}
	for e := range errnoNames {
		if strings.EqualFold(e.Error(), strerror) {
			return e, true
		}
	}
	t.Errorf("%s: no known errno reads %q", file, strerror)
	return 0, false
}
