//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// tunedJSON gives nqnA's TCP port settings the kernel shows in sysfs.
func tunedJSON(hostnqn string) string {
	return `[{"hostnqn":"` + hostnqn + `","subsystems":[{"nqn":"` + nqnA + `","ports":[{
  "transport":"tcp","traddr":"` + tcpAddr + `","trsvcid":"4420",
  "nr_io_queues":1,"queue_size":32,"ctrl_loss_tmo":120,"reconnect_delay":5,"keep_alive_tmo":7,"fast_io_fail_tmo":3}]}]}]
`
}

// tunedAttrs is what sysfs shows for a controller made with tunedJSON's
// settings: sqsize is queue_size-1, queue_count the I/O queues plus admin.
var tunedAttrs = map[string]string{"sqsize": "31", "queue_count": "2", "ctrl_loss_tmo": "120",
	"reconnect_delay": "5", "kato": "7", "fast_io_fail_tmo": "3"}

func attrsOf(name string) map[string]string {
	m := map[string]string{}
	for a := range tunedAttrs {
		m[a] = readAttr(filepath.Join("/sys/class/nvme", name), a)
	}
	return m
}

func hostNQN(t *testing.T) string {
	r := gonvme(t, "show-hostnqn")
	mustOK(t, r, "show-hostnqn")
	return strings.TrimSpace(r.stdout)
}

// skipQueueCount drops queue_count from the attributes to compare on a
// guest with one CPU, where one I/O queue is the kernel's default anyway
// (the option string shows nr_io_queues there).
func skipQueueCount(t *testing.T, attrs map[string]string) map[string]string {
	if runtime.NumCPU() > 1 {
		return attrs
	}
	t.Logf("one CPU: queue_count is not compared; nr_io_queues=1 is checked in the option string")
	m := map[string]string{}
	for k, v := range attrs {
		if k != "queue_count" {
			m[k] = v
		}
	}
	return m
}

func TestConfigJSONTunables(t *testing.T) {
	t.Run("connect", func(t *testing.T) {
		clean(t)
		writeConf(t, "config.json", tunedJSON(hostNQN(t)))
		args := []string{"connect", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", nqnA}
		dry := gonvme(t, append(args, "--dry-run")...)
		mustOK(t, dry, "connect --dry-run")
		for _, tok := range []string{"nr_io_queues=1", "queue_size=32", "keep_alive_tmo=7", "reconnect_delay=5", "ctrl_loss_tmo=120", "fast_io_fail_tmo=3"} {
			if !strings.Contains(dry.stdout, ","+tok+",") && !strings.HasSuffix(strings.TrimSpace(dry.stdout), ","+tok) {
				t.Errorf("option string %q lacks %s", dry.stdout, tok)
			}
		}
		mustOK(t, gonvme(t, args...), "connect")
		cs := controllers(t)
		if len(cs) != 1 {
			t.Fatalf("controllers %+v", cs)
		}
		for a, want := range skipQueueCount(t, tunedAttrs) {
			if got := attrsOf(cs[0].Name)[a]; got != want {
				t.Errorf("%s: %s is %q, want %q (from config.json)", cs[0].Name, a, got, want)
			}
		}
		disconnectAllKernel()
		// nvme-cli 2.3 (libnvme 1.3) for reference: its JSON merge skips
		// some keys, so its figures are logged, not compared.
		if r := nvmecli(t, "connect", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", nqnA); r.code == 0 {
			if cs := controllers(t); len(cs) == 1 {
				t.Logf("nvme-cli with the same config.json: %v", attrsOf(cs[0].Name))
			}
		}
	})
	t.Run("connect-all", func(t *testing.T) {
		clean(t)
		writeConf(t, "config.json", tunedJSON(hostNQN(t)))
		mustOK(t, gonvme(t, "connect-all", "-t", "tcp", "-a", tcpAddr, "-s", "4420"), "connect-all")
		seen := 0
		for _, c := range controllers(t) {
			if c.CntrlType == "discovery" {
				continue
			}
			got := attrsOf(c.Name)
			switch c.SubsysNQN {
			case nqnA:
				seen++
				for a, want := range skipQueueCount(t, tunedAttrs) {
					if got[a] != want {
						t.Errorf("%s (%s): %s is %q, want %q", c.Name, c.SubsysNQN, a, got[a], want)
					}
				}
			case nqnB:
				seen++
				if got["sqsize"] == "31" || got["ctrl_loss_tmo"] != "600" {
					t.Errorf("%s (%s) took nqnA's settings: %v", c.Name, c.SubsysNQN, got)
				}
			}
		}
		if seen != 2 {
			t.Errorf("want the paths of %s and %s, got %+v", nqnA, nqnB, controllers(t))
		}
	})
}

// With nvme_tcp unloaded and the kernel unable to load it, the connect is
// refused with EINVAL and "no handler found for transport tcp": gonvme
// names the module.
func TestMissingTransportModule(t *testing.T) {
	clean(t)
	const helper = "/proc/sys/kernel/modprobe"
	old, err := os.ReadFile(helper)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(helper, []byte("/nonexistent/modprobe\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	defer func() {
		os.WriteFile(helper, old, 0o644)
		exec.Command("modprobe", "nvme-tcp").Run()
	}()
	if out, err := exec.Command("rmmod", "nvme_tcp").CombinedOutput(); err != nil {
		t.Fatalf("unloading nvme_tcp: %v\n%s", err, out)
	}
	r := gonvme(t, "connect", "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-n", nqnA)
	if r.code != 1 || !strings.Contains(r.stderr, "(EINVAL)") || !strings.Contains(r.stderr, "no handler found for transport tcp") ||
		!strings.Contains(r.stderr, "run 'modprobe nvme-tcp'") {
		t.Errorf("want exit 1 naming nvme-tcp:\n%s", r)
	}
	t.Logf("gonvme said:\n%s", r.stderr)
	if cs := controllers(t); len(cs) != 0 {
		t.Errorf("left %+v", cs)
	}
}
