//go:build e2e

package e2e

import (
	"embed"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

//go:embed testdata/nvmetcli/*.json
var nvmetcliExamples embed.FS

// keepConfig saves the running configuration (TestMain's target and all)
// and restores it when the test ends.
func keepConfig(t *testing.T) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "before.json")
	gonvmeOK(t, "target", "save", f)
	t.Cleanup(func() {
		disconnectAllKernel()
		if r := gonvme(t, "target", "restore", f); r.code != 0 {
			t.Errorf("putting the suite's target back:\n%s", r)
		}
	})
	return f
}

func allTree(t *testing.T) map[string]string { return cfsTree(t, nil) }

// save, clear and restore give back every attribute and link, and the
// same discovery logs.
func TestTargetSaveClearRestore(t *testing.T) {
	clean(t)
	dev := nullBlk(t, "nullb-tsave")
	keepConfig(t)
	const sub, host = "nqn.2026-11.io.gonvme:t-save", "nqn.2026-11.io.gonvme:t-save-host"
	gonvmeOK(t, "target", "subsystem", "add", sub, "--serial", "tsave1", "--model", "gonvme-save")
	gonvmeOK(t, "target", "namespace", "add", sub, "--device", dev, "--nsid", "7", "--uuid", "6f6e766d-7361-4000-8000-000000000007")
	gonvmeOK(t, "target", "namespace", "add", sub, "--device", dev, "--disabled")
	gonvmeOK(t, "target", "allow", sub, host)
	gonvmeOK(t, "target", "port", "add", "32", "-t", "tcp", "-a", tcpAddr, "-s", "4432", "--inline-data-size", "8192")
	gonvmeOK(t, "target", "expose", "32", sub)
	gonvmeOK(t, "target", "referral", "add", "32", "to-port-1", "-t", "rdma", "-a", rdmaAddr, "-s", "4420", "--portid", "1")

	before := allTree(t)
	logs := func() []string {
		return []string{
			discoverText(t, "-t", "tcp", "-a", tcpAddr, "-s", "4432", "-q", host),
			discoverText(t, "-t", "rdma", "-a", rdmaAddr, "-s", "4420"),
		}
	}
	logsBefore := logs()
	f := filepath.Join(t.TempDir(), "saved.json")
	gonvmeOK(t, "target", "save", f)
	gonvmeOK(t, "target", "clear")
	for p := range allTree(t) {
		if strings.Contains(p, "/") {
			t.Fatalf("after clear: %s is left, want hosts, ports and subsystems empty", p)
		}
	}
	gonvmeOK(t, "target", "restore", f)
	if d := treeDiff(before, allTree(t)); len(d) > 0 {
		t.Errorf("configfs before save | after restore:\n%s", strings.Join(d, "\n"))
	}
	if got := logs(); !reflect.DeepEqual(got, logsBefore) {
		t.Errorf("discovery logs after restore:\n%s\nbefore:\n%s", strings.Join(got, "\n"), strings.Join(logsBefore, "\n"))
	}
	l := gonvme(t, "target", "list")
	mustOK(t, l, "gonvme target list")
	for _, want := range []string{"32 tcp ipv4 127.0.0.1:4432", "to-port-1 rdma ipv4 169.254.99.1:4420 portid 1", "1 " + dev + " (disabled)", "7 " + dev} {
		if !strings.Contains(l.stdout, want) {
			t.Errorf("target list lacks %q:\n%s", want, l.stdout)
		}
	}
}

// example loads one of nvmetcli's examples with the guest's own address
// and device put in.
func example(t *testing.T, name, traddr, dev string) ([]byte, map[string]any) {
	t.Helper()
	raw, err := nvmetcliExamples.ReadFile("testdata/nvmetcli/" + name)
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	for _, old := range []string{"192.168.6.68", "192.168.122.33"} {
		s = strings.ReplaceAll(s, old, traddr)
	}
	s = strings.ReplaceAll(s, `"4420"`, `"4440"`)
	s = strings.ReplaceAll(s, "/dev/nvme0n1", dev)
	var v map[string]any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return []byte(s), v
}

// covers reports the first value of want that got lacks: nvmetcli's
// examples hold a subset of what the kernel reports, and "" means unset.
func covers(path string, got, want any) error {
	switch w := want.(type) {
	case map[string]any:
		g, _ := got.(map[string]any)
		for k, v := range w {
			if s, ok := v.(string); ok && s == "" {
				continue
			}
			if err := covers(path+"."+k, g[k], v); err != nil {
				return err
			}
		}
	case []any:
		g, _ := got.([]any)
		if len(g) != len(w) {
			return fmt.Errorf("%s: %d entries, want %d", path, len(g), len(w))
		}
		for i := range w {
			if err := covers(fmt.Sprintf("%s[%d]", path, i), g[i], w[i]); err != nil {
				return err
			}
		}
	default:
		if !reflect.DeepEqual(got, want) {
			return fmt.Errorf("%s: %v, want %v", path, got, want)
		}
	}
	return nil
}

// nvmetcli's example configurations restore, serve, and save back to
// JSON holding every value they set.
func TestTargetNvmetcliExamples(t *testing.T) {
	clean(t)
	dev := nullBlk(t, "nullb-texample")
	keepConfig(t)
	for _, c := range []struct{ file, traddr string }{{"rdma.json", rdmaAddr}, {"tcp.json", tcpAddr}, {"loop.json", ""}} {
		t.Run(c.file, func(t *testing.T) {
			if c.file == "loop.json" {
				if r := runAs(t, nil, "/sbin/modprobe", "nvme-loop"); r.code != 0 {
					t.Skipf("this kernel has no nvme-loop: %s", r.stderr)
				}
			}
			raw, want := example(t, c.file, c.traddr, dev)
			f := filepath.Join(t.TempDir(), c.file)
			if err := os.WriteFile(f, raw, 0o644); err != nil {
				t.Fatal(err)
			}
			gonvmeOK(t, "target", "restore", f)
			s := gonvme(t, "target", "save", "-")
			mustOK(t, s, "gonvme target save -")
			var got any
			if err := json.Unmarshal([]byte(s.stdout), &got); err != nil {
				t.Fatal(err)
			}
			if err := covers("", got, want); err != nil {
				t.Errorf("saved back: %v\n%s", err, s.stdout)
			}
			if c.traddr != "" {
				tr := strings.TrimSuffix(c.file, ".json")
				d := discoverText(t, "-t", tr, "-a", c.traddr, "-s", "4440", "-q", "hostnqn")
				if !strings.Contains(d, "subnqn:  "+want["subsystems"].([]any)[0].(map[string]any)["nqn"].(string)) {
					t.Errorf("discovery log of the restored example:\n%s", d)
				}
			}
		})
	}
}

// A restore that fails at its last step (the port cannot listen: its
// address is taken) leaves the configuration exactly as it was.
func TestTargetRestoreFailsHalfway(t *testing.T) {
	clean(t)
	dev := nullBlk(t, "nullb-thalf")
	keepConfig(t)
	ln, err := net.Listen("tcp", tcpAddr+":4442")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	before := allTree(t)
	logBefore := discoverText(t, "-t", "rdma", "-a", rdmaAddr, "-s", "4420")
	raw, _ := example(t, "tcp.json", tcpAddr, dev)
	raw = []byte(strings.ReplaceAll(string(raw), `"4440"`, `"4442"`))
	f := filepath.Join(t.TempDir(), "taken.json")
	if err := os.WriteFile(f, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	r := gonvme(t, "target", "restore", f)
	if r.code != 1 || !strings.Contains(r.stderr, "port 1: exposing nvmet-always") || !strings.Contains(r.stderr, "in use") ||
		!strings.Contains(r.stderr, "previous configuration is back in place") {
		t.Errorf("restore onto a taken address: want exit 1 naming port 1 and the address in use:\n%s", r)
	}
	if d := treeDiff(before, allTree(t)); len(d) > 0 {
		t.Errorf("configfs before | after the failed restore:\n%s", strings.Join(d, "\n"))
	}
	textEqual(t, "discovery log after the failed restore", discoverText(t, "-t", "rdma", "-a", rdmaAddr, "-s", "4420"), logBefore)
}
