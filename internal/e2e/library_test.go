//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The example consumer (examples/attach), a separate module built on the
// public library alone, attaches a volume on the real kernel: connect
// through the discovery controller, wait for the namespace devices, refuse
// to detach while one is open, then detach.
func TestExampleAttach(t *testing.T) {
	clean(t)
	bin := filepath.Join(filepath.Dir(gonvmeBin()), "attach")
	r := runAs(t, nil, bin, "-n", nqnB, "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-count", "2")
	mustOK(t, r, "attach")
	devs := strings.Fields(r.stdout)
	if len(devs) != 2 {
		t.Fatalf("attach printed %q: want the 2 namespace devices of %s", r.stdout, nqnB)
	}
	for _, d := range devs {
		if fi, err := os.Stat(d); err != nil || fi.Mode()&os.ModeDevice == 0 {
			t.Errorf("%s: not a device node: %v", d, err)
		}
	}
	var ctrl string
	for _, c := range controllers(t) {
		if c.SubsysNQN == nqnB {
			ctrl = c.Name
		}
	}
	if ctrl == "" {
		t.Fatalf("no controller of %s after attach: %+v", nqnB, controllers(t))
	}
	dir := "/sys/class/nvme/" + ctrl
	if v, w := readAttr(dir, "ctrl_loss_tmo"), readAttr(dir, "fast_io_fail_tmo"); v != "off" || w != "30" {
		t.Errorf("pod defaults: ctrl_loss_tmo %q fast_io_fail_tmo %q, want off and 30", v, w)
	}
	again := runAs(t, nil, bin, "-n", nqnB, "-t", "tcp", "-a", tcpAddr, "-s", "4420", "-count", "2")
	mustOK(t, again, "second attach")
	if n := len(controllers(t)); n != 1 {
		t.Errorf("second attach: %d controllers, want the one", n)
	}

	f, err := os.Open(devs[0])
	if err != nil {
		t.Fatal(err)
	}
	busy := runAs(t, nil, bin, "-n", nqnB, "-detach")
	if busy.code != 1 || !strings.Contains(busy.stderr, "in use") || !strings.Contains(busy.stderr, filepath.Base(devs[0])) {
		t.Errorf("detach while %s is open:\n%s", devs[0], busy)
	}
	if readAttr(dir, "state") != "live" {
		t.Errorf("detach of a volume in use removed %s", ctrl)
	}
	f.Close()
	mustOK(t, runAs(t, nil, bin, "-n", nqnB, "-detach"), "detach")
	if c := controllers(t); len(c) != 0 {
		t.Errorf("controllers left after detach: %+v", c)
	}
	missing := runAs(t, nil, bin, "-n", nqnB+"-missing", "-t", "tcp", "-a", tcpAddr, "-s", "4420")
	if missing.code != 1 || !strings.Contains(missing.stderr, "does not exist") {
		t.Errorf("attach of a volume that does not exist:\n%s", missing)
	}

	// Through the discovery controllers configured in discovery.conf.
	writeConf(t, "discovery.conf", "--transport=rdma --traddr="+rdmaAddr+" --trsvcid=4420\n")
	conf := runAs(t, nil, bin, "-n", nqnB, "-count", "2")
	mustOK(t, conf, "attach through discovery.conf")
	if n := len(strings.Fields(conf.stdout)); n != 2 {
		t.Errorf("attach through discovery.conf printed %q", conf.stdout)
	}
	if c := controllers(t); len(c) != 1 || c[0].Transport != "rdma" {
		t.Errorf("attach through discovery.conf: controllers %+v, want one over rdma", c)
	}
	mustOK(t, runAs(t, nil, bin, "-n", nqnB, "-detach"), "detach")
}
