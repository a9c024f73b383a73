//go:build e2e

package e2e

import (
	"strings"
	"testing"
)

// connect-all --device: nvme-cli's udev rule and nvmf-connect@.service
// run it on a persistent discovery controller. gonvme reads that
// controller's log and connects the same paths nvme-cli does, over the
// controller's own transport, and leaves the controller in place.
func TestConnectAllDevice(t *testing.T) {
	clean(t)
	discoverKeep := []string{"discover", "-p", "-t", "rdma", "-a", rdmaAddr, "-s", "4420"}
	var want []string
	for _, tool := range []string{"nvme-cli", "gonvme"} {
		run := gonvme
		if tool == "nvme-cli" {
			run = nvmecli
		}
		mustOK(t, run(t, discoverKeep...), tool+" discover -p")
		cs := controllers(t)
		if len(cs) != 1 || cs[0].CntrlType != "discovery" {
			t.Fatalf("%s discover -p left %+v, want one discovery controller", tool, cs)
		}
		mustOK(t, run(t, "connect-all", "-d", cs[0].Name), tool+" connect-all -d "+cs[0].Name)
		got := pathSet(t)
		if tool == "nvme-cli" {
			want = got
		} else if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("connect-all -d paths differ from nvme-cli's\ngonvme:\n%s\nnvme-cli:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		kept := false
		for _, c := range controllers(t) {
			kept = kept || c.Name == cs[0].Name
		}
		if !kept {
			t.Errorf("%s connect-all -d removed the discovery controller it was given", tool)
		}
		disconnectAllKernel()
	}
	if len(want) == 0 {
		t.Fatal("nvme-cli connect-all -d connected nothing")
	}
}
