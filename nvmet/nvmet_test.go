package nvmet

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func newTest(t *testing.T) (*Target, string) {
	t.Helper()
	root := t.TempDir()
	tg := New(root)
	if !tg.Emulated() {
		t.Fatal("temp dir detected as configfs")
	}
	return tg, root
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const (
	nqn1 = "nqn.2026-11.io.gonvme:test1"
	host = "nqn.2014-08.org.nvmexpress:uuid:a1e0c3d2-5b6f-4e7a-8c9d-0123456789ab"
)

func TestBuildAndTeardown(t *testing.T) {
	tg, root := newTest(t)
	dev, err := tg.CreateNullBlk("nullb0", 32)
	if err != nil {
		t.Fatal(err)
	}
	if dev != "/dev/nullb0" {
		t.Errorf("dev = %q", dev)
	}
	nb := filepath.Join(root, "nullb", "nullb0")
	for f, want := range map[string]string{"size": "32", "memory_backed": "1", "power": "1"} {
		if got := readFile(t, filepath.Join(nb, f)); got != want {
			t.Errorf("nullb %s = %q, want %q", f, got, want)
		}
	}
	err = tg.CreateSubsystem(Subsystem{
		NQN: nqn1, Serial: "gonvme1", AllowedHosts: []string{host},
		Namespaces: []Namespace{{NSID: 1, DevicePath: dev, UUID: "4f1c0e2a-0000-4000-8000-000000000001"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(root, "nvmet", "subsystems", nqn1)
	if _, err := os.Stat(filepath.Join(sub, "attr_allow_any_host")); err == nil {
		t.Error("attr_allow_any_host written, though 0 is the kernel's default")
	}
	if got := readFile(t, filepath.Join(sub, "namespaces", "1", "device_path")); got != dev {
		t.Errorf("device_path = %q", got)
	}
	if got := readFile(t, filepath.Join(sub, "namespaces", "1", "enable")); got != "1" {
		t.Errorf("enable = %q", got)
	}
	if l, err := os.Readlink(filepath.Join(sub, "allowed_hosts", host)); err != nil || l != filepath.Join(root, "nvmet", "hosts", host) {
		t.Errorf("allowed_hosts link = %q, %v", l, err)
	}

	a, err := ParseAddr("rdma:169.254.99.1:4420")
	if err != nil {
		t.Fatal(err)
	}
	if err := tg.CreatePort(1, a); err != nil {
		t.Fatal(err)
	}
	if err := tg.Link(1, nqn1); err != nil {
		t.Fatal(err)
	}
	if err := tg.Link(1, "nqn.none"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("link to missing subsystem: %v", err)
	}
	got, err := tg.PortAddr(1)
	if err != nil || got != a {
		t.Errorf("PortAddr = %+v, %v", got, err)
	}
	ref, _ := ParseAddr("tcp:127.0.0.1:4420")
	if err := tg.AddReferral(1, "tcp-ref", ref, 2); err != nil {
		t.Fatal(err)
	}
	rd := filepath.Join(root, "nvmet", "ports", "1", "referrals", "tcp-ref")
	for f, want := range map[string]string{"addr_trtype": "tcp", "addr_adrfam": "ipv4", "addr_traddr": "127.0.0.1", "addr_trsvcid": "4420", "addr_portid": "2", "enable": "1"} {
		if got := readFile(t, filepath.Join(rd, f)); got != want {
			t.Errorf("referral %s = %q, want %q", f, got, want)
		}
	}

	// configfs rule: a subsystem group cannot go while a port links it.
	if err := tg.rmgroup(sub, "namespaces", "allowed_hosts"); err == nil {
		t.Fatal("rmgroup of linked subsystem succeeded")
	}
	if err := tg.Unlink(1, nqn1); err != nil {
		t.Fatal(err)
	}
	if l, _ := tg.Links(1); len(l) != 0 {
		t.Errorf("links after unlink: %v", l)
	}
	if err := tg.Unlink(1, nqn1); err != nil {
		t.Errorf("second unlink: %v", err)
	}
	if err := tg.Link(1, nqn1); err != nil {
		t.Fatal(err)
	}

	if err := tg.Teardown(); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"nvmet/ports", "nvmet/subsystems", "nvmet/hosts", "nullb"} {
		ents, err := os.ReadDir(filepath.Join(root, d))
		if err != nil || len(ents) != 0 {
			t.Errorf("%s after teardown: %v %v", d, ents, err)
		}
	}
}

func TestRemoveSubsystemUnlinksPorts(t *testing.T) {
	tg, _ := newTest(t)
	if err := tg.CreateSubsystem(Subsystem{NQN: nqn1, AllowAnyHost: true}); err != nil {
		t.Fatal(err)
	}
	a, _ := ParseAddr("tcp:127.0.0.1:4420")
	for id := 1; id <= 2; id++ {
		if err := tg.CreatePort(id, a); err != nil {
			t.Fatal(err)
		}
		if err := tg.Link(id, nqn1); err != nil {
			t.Fatal(err)
		}
	}
	if err := tg.RemoveSubsystem(nqn1); err != nil {
		t.Fatal(err)
	}
	if s, _ := tg.Subsystems(); len(s) != 0 {
		t.Errorf("subsystems: %v", s)
	}
	if p, _ := tg.Ports(); len(p) != 2 {
		t.Errorf("ports: %v", p)
	}
}

func TestDuplicateAndInvalid(t *testing.T) {
	tg, _ := newTest(t)
	if err := tg.CreateSubsystem(Subsystem{NQN: nqn1}); err != nil {
		t.Fatal(err)
	}
	if err := tg.CreateSubsystem(Subsystem{NQN: nqn1}); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("duplicate subsystem: %v", err)
	}
	if err := tg.CreateSubsystem(Subsystem{NQN: "a/b"}); err == nil {
		t.Error("nqn with / accepted")
	}
	if err := tg.AddNamespace(nqn1, Namespace{NSID: 0}); err == nil {
		t.Error("nsid 0 accepted")
	}
	if err := tg.AddNamespace("nqn.missing", Namespace{NSID: 1}); err == nil {
		t.Error("namespace on missing subsystem accepted")
	}
}

func TestParseAddr(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Addr
		bad  bool
	}{
		{in: "rdma:169.254.99.1:4420", want: Addr{"rdma", "ipv4", "169.254.99.1", "4420", ""}},
		{in: "tcp:[::1]:8009", want: Addr{"tcp", "ipv6", "::1", "8009", ""}},
		{in: "fc:1.2.3.4:1", bad: true},
		{in: "tcp:host:1", bad: true},
		{in: "tcp:1.2.3.4:99999", bad: true},
		{in: "tcp", bad: true},
	} {
		got, err := ParseAddr(c.in)
		if c.bad {
			if err == nil {
				t.Errorf("%s: no error", c.in)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s = %+v, %v", c.in, got, err)
		}
		if back, _ := ParseAddr(got.String()); back != got {
			t.Errorf("round trip %s -> %s", c.in, got)
		}
	}
}

// The emulated root refuses what nvmet's configfs refuses.
func TestEmulatedKernelRules(t *testing.T) {
	tg, _ := newTest(t)
	if err := tg.CreateSubsystem(Subsystem{NQN: "nqn.2014-08.org.nvmexpress.discovery"}); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("discovery NQN as a subsystem: %v", err)
	}
	if err := tg.CreateSubsystem(Subsystem{NQN: nqn1, Namespaces: []Namespace{{NSID: 1, DevicePath: "/dev/nullb0"}}}); err != nil {
		t.Fatal(err)
	}
	sub := tg.nvmet("subsystems", nqn1)
	if err := tg.write(filepath.Join(sub, "namespaces", "1", "device_path"), "/dev/other"); !errors.Is(err, syscall.EBUSY) {
		t.Errorf("device_path of an enabled namespace: %v", err)
	}
	if err := tg.mkgroup(filepath.Join(sub, "namespaces", "2")); err != nil {
		t.Fatal(err)
	}
	if err := tg.SetNamespaceEnabled(nqn1, 2, true); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("enable without a device: %v", err)
	}
	if err := tg.AllowHost(nqn1, host); err != nil {
		t.Fatal(err)
	}
	if err := tg.SetAllowAnyHost(nqn1, true); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("allow_any_host with allowed hosts: %v", err)
	}
	if err := tg.DisallowHost(nqn1, host); err != nil {
		t.Fatal(err)
	}
	if err := tg.SetAllowAnyHost(nqn1, true); err != nil {
		t.Fatal(err)
	}
	if err := tg.AllowHost(nqn1, host); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("allowed host with allow_any_host: %v", err)
	}
}
