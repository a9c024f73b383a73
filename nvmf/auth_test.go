package nvmf_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/hostauth"
	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/nvmftest"
)

const testSecret = "DHHC-1:00:ia6zGodOr4SEG0Zzaw398rpY0wqipUWj4jWjUh4HWUz6aQ2n:"

func keyed() fabrics.Options {
	return nvmf.IOOptions(identity(fabrics.Options{Transport: "rdma", Traddr: rdmaAddr, NQN: "nqn.2026-11.io.gonvme:auth", DHCHAPSecret: testSecret}))
}

// The captured 6.1 sysfs has fabrics controllers without dhchap_secret:
// the keyed connect is refused before anything is written.
func TestConnectKeyedRefusedOn61(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Kernel61)
	_, err := f.Edge.Connect(checked(t, keyed()))
	var he *hostauth.Error
	if !errors.As(err, &he) || !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("Connect = %v; want a *hostauth.Error", err)
	}
	if !strings.Contains(err.Error(), "-S/--dhchap-secret") || !strings.Contains(err.Error(), "has no dhchap_secret attribute") {
		t.Errorf("message: %v", err)
	}
	if w := f.Kernel.Writes(); len(w) != 0 {
		t.Errorf("written: %v", w)
	}
	if strings.Contains(err.Error(), testSecret[10:]) {
		t.Errorf("the message shows the secret: %v", err)
	}
}

// Nothing tells beforehand (no controller, no config, no /sys/module):
// the controller the 6.1 fake makes without dhchap_secret is deleted.
func TestConnectKeyedIgnoredIsUndone(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	_, err := f.Edge.Connect(checked(t, keyed()))
	if !errors.Is(err, errors.ErrUnsupported) || !strings.Contains(err.Error(), "nvme0 has no dhchap_secret attribute; it was disconnected again") {
		t.Fatalf("Connect = %v", err)
	}
	if len(f.Kernel.Writes()) != 1 || len(f.Controllers(t)) != 0 {
		t.Errorf("writes %v, controllers left %v", f.Kernel.Writes(), f.Controllers(t))
	}
}

func TestConnectKeyedWithHostAuth(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	f.Kernel.HostAuth = true
	dev, err := f.Edge.Connect(checked(t, keyed()))
	if err != nil || dev != "nvme0" {
		t.Fatalf("Connect = %q, %v", dev, err)
	}
	if w := f.Kernel.Writes(); len(w) != 1 || !strings.Contains(w[0], "dhchap_secret="+testSecret) {
		t.Errorf("writes: %v", w)
	}
}

func TestCheckAuthWithoutSecret(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Kernel61)
	o := keyed()
	o.DHCHAPSecret = ""
	if err := f.Edge.CheckAuth(o); err != nil {
		t.Errorf("CheckAuth without a secret = %v", err)
	}
}

// A secret a discovery.conf line or config.json port carries reaches the
// I/O connects of what that discovery controller lists, not the
// discovery connect itself.
func TestWalkCarriesTargetSecret(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	f.Kernel.HostAuth = true
	f.Admin.Logs[nvmftest.Target("rdma", rdmaAddr, "4420")] = nvmftest.Page(nvmftest.Sub("rdma", rdmaAddr, "4420", "nqn.2026-11.io.gonvme:auth"))
	tg := target("rdma", rdmaAddr, "4420")
	tg.Options.DHCHAPSecret = testSecret
	rep, err := f.Edge.Walk(background, []nvmf.Target{tg}, nvmf.WalkOptions{Template: identity(fabrics.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	f.Edge.ConnectPaths(background, rep)
	w := f.Kernel.Writes()
	if len(w) != 2 || strings.Contains(w[0], "dhchap") || !strings.Contains(w[1], "dhchap_secret="+testSecret) {
		t.Errorf("writes:%s", joinLines(w))
	}
}
