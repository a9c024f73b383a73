//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// gonvme target builds the guides' targets (shared/seeds 000 and 001) so
// that nvme-cli finds and connects to them exactly as to the hand-built
// ones. These tests use their own ports (30 and up, trsvcid 4430 and up)
// beside TestMain's and remove what they add.

const configfsNvmet = "/sys/kernel/config/nvmet"

// cfsTree reads every attribute value and link under nvmet's configfs,
// keyed by path relative to it; only paths that keep(path) accepts.
func cfsTree(t *testing.T, keep func(string) bool) map[string]string {
	t.Helper()
	out := map[string]string{}
	_ = filepath.Walk(configfsNvmet, func(p string, fi os.FileInfo, err error) error {
		if err != nil || p == configfsNvmet {
			return nil
		}
		r, _ := filepath.Rel(configfsNvmet, p)
		if keep != nil && !keep(r) {
			return nil
		}
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			out[r] = "-> " + filepath.Base(l)
		case fi.IsDir():
			out[r] = "/"
		case fi.Mode().Perm()&0o444 != 0:
			b, err := os.ReadFile(p)
			if err == nil {
				out[r] = strings.TrimRight(string(b), "\n")
			}
		}
		return nil
	})
	return out
}

// treeDiff lists the paths where a and b differ.
func treeDiff(a, b map[string]string) []string {
	var d []string
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			d = append(d, fmt.Sprintf("%s: %q | %q", k, v, b[k]))
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			d = append(d, fmt.Sprintf("%s: (none) | %q", k, v))
		}
	}
	sort.Strings(d)
	return d
}

// random are the attributes the kernel fills with random values at each
// creation, which two builds cannot share unless the user sets them.
var random = regexp.MustCompile(`(^|/)(attr_serial|device_uuid)$`)

func under(prefixes ...string) func(string) bool {
	return func(p string) bool {
		if random.MatchString(p) {
			return false
		}
		for _, pre := range prefixes {
			if p == pre || strings.HasPrefix(p, pre+"/") {
				return true
			}
		}
		return false
	}
}

// discoverText runs nvme-cli's discover and drops the generation counter,
// which counts every change to the target.
func discoverText(t *testing.T, args ...string) string {
	t.Helper()
	r := nvmecli(t, append([]string{"discover"}, args...)...)
	mustOK(t, r, "nvme discover "+strings.Join(args, " "))
	return regexp.MustCompile(`Generation counter \d+`).ReplaceAllString(r.stdout, "Generation counter N")
}

func gonvmeOK(t *testing.T, args ...string) {
	t.Helper()
	mustOK(t, gonvme(t, args...), "gonvme "+strings.Join(args, " "))
}

// seedCase is one guide's target: its hand-made script and teardown, the
// same with gonvme target, and how a host reaches it.
type seedCase struct {
	nqn, port         string
	script, teardown  string
	build, unbuild    [][]string
	discover, connect []string
	nsids             string
}

// checkSeed builds the target by hand, records configfs, nvme-cli's
// discovery log and connect, tears it down by hand; then does the same
// with gonvme target and compares.
func checkSeed(t *testing.T, c seedCase) {
	keep := under("subsystems/"+c.nqn, "ports/"+c.port)
	type seen struct {
		tree      map[string]string
		log       string
		ctrl      controller
		namespace string
	}
	observe := func() seen {
		var s seen
		s.tree = cfsTree(t, keep)
		s.log = discoverText(t, c.discover...)
		mustOK(t, nvmecli(t, append([]string{"connect"}, c.connect...)...), "nvme connect")
		cs := controllers(t)
		if len(cs) != 1 {
			t.Fatalf("nvme connect made %+v, want one controller", cs)
		}
		s.ctrl = identityOf(cs[0])
		s.namespace = strings.Join(waitNSIDs(t, cs[0].Name, 1), ",")
		disconnectAllKernel()
		return s
	}
	if r := runAs(t, nil, "/bin/sh", "-ec", c.script); r.code != 0 {
		t.Fatalf("hand-made target:\n%s", r)
	}
	hand := observe()
	if r := runAs(t, nil, "/bin/sh", "-ec", "cd "+configfsNvmet+" && "+c.teardown); r.code != 0 {
		t.Fatalf("hand-made teardown:\n%s", r)
	}
	if left := cfsTree(t, keep); len(left) != 0 {
		t.Fatalf("the guide's teardown left %v", left)
	}
	for _, step := range c.build {
		gonvmeOK(t, step...)
	}
	t.Cleanup(func() {
		gonvme(t, "target", "port", "remove", c.port)
		gonvme(t, "target", "subsystem", "remove", c.nqn)
	})
	built := observe()
	if d := treeDiff(hand.tree, built.tree); len(d) > 0 {
		t.Errorf("configfs by hand | by gonvme target:\n%s", strings.Join(d, "\n"))
	}
	textEqual(t, "nvme discover of the gonvme-built target", built.log, hand.log)
	if built.ctrl != hand.ctrl {
		t.Errorf("nvme connect: gonvme-built %+v, hand-built %+v", built.ctrl, hand.ctrl)
	}
	if built.namespace != c.nsids || hand.namespace != c.nsids {
		t.Errorf("namespaces: gonvme-built %q, hand-built %q, want %q", built.namespace, hand.namespace, c.nsids)
	}
	for _, step := range c.unbuild {
		gonvmeOK(t, step...)
	}
	if left := cfsTree(t, keep); len(left) != 0 {
		t.Errorf("gonvme target teardown left %v", left)
	}
}

// Seed 000: "nvme-subsystem-name", namespace 10, an RDMA port.
func TestTargetSeed000(t *testing.T) {
	clean(t)
	dev := nullBlk(t, "nullb-t000")
	const name = "nvme-subsystem-name"
	checkSeed(t, seedCase{
		nqn: name, port: "30",
		script: fmt.Sprintf(`
mkdir /sys/kernel/config/nvmet/subsystems/%[1]s
cd /sys/kernel/config/nvmet/subsystems/%[1]s
echo 1 > attr_allow_any_host
mkdir namespaces/10
cd namespaces/10
echo -n %[2]s> device_path
echo 1 > enable
mkdir /sys/kernel/config/nvmet/ports/30
cd /sys/kernel/config/nvmet/ports/30
echo %[3]s > addr_traddr
echo rdma > addr_trtype
echo 4430 > addr_trsvcid
echo ipv4 > addr_adrfam
ln -s /sys/kernel/config/nvmet/subsystems/%[1]s /sys/kernel/config/nvmet/ports/30/subsystems/%[1]s
`, name, dev, rdmaAddr),
		teardown: fmt.Sprintf("rm -f ports/30/subsystems/%[1]s && rmdir ports/30 && rmdir subsystems/%[1]s/namespaces/10 && rmdir subsystems/%[1]s", name),
		build: [][]string{
			{"target", "subsystem", "add", name, "--allow-any-host"},
			{"target", "namespace", "add", name, "--device", dev, "--nsid", "10"},
			{"target", "port", "add", "30", "-t", "rdma", "-a", rdmaAddr, "-s", "4430"},
			{"target", "expose", "30", name},
		},
		unbuild: [][]string{
			{"target", "unexpose", "30", name}, {"target", "port", "remove", "30"},
			{"target", "namespace", "remove", name, "10"}, {"target", "subsystem", "remove", name},
		},
		discover: []string{"-t", "rdma", "-q", name, "-a", rdmaAddr, "-s", "4430"},
		connect:  []string{"-t", "rdma", "-q", name, "-n", name, "-a", rdmaAddr, "-s", "4430"},
		nsids:    "10",
	})
}

// Seed 001: "toto", namespace 1, an RDMA port, and the guide's teardown
// order (link, port, namespace, subsystem).
func TestTargetSeed001(t *testing.T) {
	clean(t)
	dev := nullBlk(t, "nullb-t001")
	checkSeed(t, seedCase{
		nqn: "toto", port: "31",
		script: fmt.Sprintf(`
mkdir /sys/kernel/config/nvmet/subsystems/toto
echo 1 > /sys/kernel/config/nvmet/subsystems/toto/attr_allow_any_host
mkdir /sys/kernel/config/nvmet/subsystems/toto/namespaces/1
echo -n %[1]s > /sys/kernel/config/nvmet/subsystems/toto/namespaces/1/device_path
echo 1 > /sys/kernel/config/nvmet/subsystems/toto/namespaces/1/enable
mkdir /sys/kernel/config/nvmet/ports/31
echo "ipv4" > /sys/kernel/config/nvmet/ports/31/addr_adrfam
echo "rdma" > /sys/kernel/config/nvmet/ports/31/addr_trtype
echo %[2]s > /sys/kernel/config/nvmet/ports/31/addr_traddr
echo 4431 > /sys/kernel/config/nvmet/ports/31/addr_trsvcid
ln -s /sys/kernel/config/nvmet/subsystems/toto/ /sys/kernel/config/nvmet/ports/31/subsystems/
`, dev, rdmaAddr),
		teardown: "rm -f ports/31/subsystems/toto && rmdir ports/31/ && rmdir subsystems/toto/namespaces/1/ && rmdir subsystems/toto/",
		build: [][]string{
			{"target", "subsystem", "add", "toto", "--allow-any-host"},
			{"target", "namespace", "add", "toto", "--device", dev},
			{"target", "port", "add", "31", "-t", "rdma", "-a", rdmaAddr, "-s", "4431"},
			{"target", "expose", "31", "toto"},
		},
		unbuild: [][]string{
			{"target", "unexpose", "31", "toto"}, {"target", "port", "remove", "31"},
			{"target", "namespace", "remove", "toto", "--nsid", "1"}, {"target", "subsystem", "remove", "toto"},
		},
		discover: []string{"-t", "rdma", "-a", rdmaAddr, "-s", "4431"},
		connect:  []string{"-t", "rdma", "-n", "toto", "-a", rdmaAddr, "-s", "4431"},
		nsids:    "1",
	})
}
