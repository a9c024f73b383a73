package nvmf_test

import (
	"encoding/hex"
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/nvmftest"
)

// The vectors of the CLI's gen-tls-key tests, equal to nvme-cli 2.16's
// output in the guest (e2e TestTLSKeyCommands).
const (
	pskHost   = "nqn.2014-08.org.nvmexpress:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
	pskSubsys = "nqn.2026-11.io.gonvme:tls"
	pskKey    = "NVMeTLSkey-1:01:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:"
	pskID1    = "NVMe1R01 " + pskHost + " " + pskSubsys + " xDUvIyr6Q0mdgAlsJI+0YYODukW0rZ7OvkTBky7iXNM="
	pskTLS1   = "f022e7e7e01a930b768cc838ab6270adbd8a1de0a461784cc8086fdd54186638"
	nvmeRing  = 0x2387d6a0
)

// pskFake is a kernel that takes tls_key, with a .nvme keyring, or none.
func pskFake(t *testing.T, withRing bool) *nvmftest.Fake {
	f := nvmftest.New(t, nvmftest.Empty)
	sup := maps.Clone(f.Kernel.Sup)
	sup["tls"], sup["keyring"], sup["tls_key"] = true, true, true
	f.Kernel.Sup = sup
	keys := ""
	if withRing {
		keys = "2387d6a0 I------     1 perm 1f0b0000     0     0 keyring   .nvme: 1\n"
	}
	f.WriteFile(t, "/proc/keys", keys)
	return f
}

func pskOptions(nqn string) fabrics.Options {
	return fabrics.Options{Transport: "tcp", Traddr: "127.0.0.1", Trsvcid: "4420", NQN: nqn, HostNQN: pskHost, TLS: true}
}

// A PSK without an identity gets the version 1 identity's TLS PSK, once
// per identity in a run; another subsystem gets its own.
func TestPSKInserterDerivesOnce(t *testing.T) {
	f := pskFake(t, true)
	ins := &nvmf.PSKInserter{Edge: f.Edge}
	a, b := pskOptions(pskSubsys), pskOptions(pskSubsys)
	for _, o := range []*fabrics.Options{&a, &b} {
		if p, err := ins.Insert(o, nvmf.PSK{Key: pskKey}, false); err != nil || p != nil {
			t.Fatalf("Insert = %v, %v", p, err)
		}
	}
	serial := f.Keys[nvmftest.KeyName(nvmeRing, "psk", pskID1)]
	if serial == 0 || hex.EncodeToString(f.Payloads[serial]) != pskTLS1 || len(f.Payloads) != 1 {
		t.Fatalf("keys %v, payloads %d: want the identity 1 TLS PSK inserted once", f.Keys, len(f.Payloads))
	}
	for _, o := range []fabrics.Options{a, b} {
		if o.Keyring == nil || *o.Keyring != nvmeRing || o.TLSKey == nil || *o.TLSKey != serial {
			t.Errorf("options keyring %v, tls_key %v; want %d, %d", o.Keyring, o.TLSKey, nvmeRing, serial)
		}
	}
	c := pskOptions(pskSubsys + "-2")
	if _, err := ins.Insert(&c, nvmf.PSK{Key: pskKey}, false); err != nil || len(f.Payloads) != 2 || *c.TLSKey == serial {
		t.Errorf("another subsystem: %v, payloads %d, tls_key %v", err, len(f.Payloads), c.TLSKey)
	}
}

// An identity already in the keyring is used as it is; a dry run inserts
// nothing and says what it would.
func TestPSKInserterIdentityAndDryRun(t *testing.T) {
	f := pskFake(t, true)
	f.Keys[nvmftest.KeyName(nvmeRing, "psk", "NVMe1R01 there")] = 0x3000
	o := pskOptions(pskSubsys)
	if _, err := (&nvmf.PSKInserter{Edge: f.Edge}).Insert(&o, nvmf.PSK{Key: pskKey, Identity: "NVMe1R01 there"}, false); err != nil ||
		*o.TLSKey != 0x3000 || len(f.Payloads) != 0 {
		t.Errorf("identity in the keyring: %v, tls_key %v, payloads %d", err, o.TLSKey, len(f.Payloads))
	}
	o = pskOptions(pskSubsys)
	p, err := (&nvmf.PSKInserter{Edge: f.Edge}).Insert(&o, nvmf.PSK{Key: pskKey}, true)
	if err != nil || p == nil || p.Identity != pskID1 || p.Keyring != nvmeRing || o.TLSKey != nil || len(f.Payloads) != 0 {
		t.Errorf("dry run: %+v, %v, tls_key %v, payloads %d", p, err, o.TLSKey, len(f.Payloads))
	}
}

// A bad PSK, and a kernel without tls_key, are refused before anything is
// looked up; the PSK is in no error.
func TestPSKInserterRefuses(t *testing.T) {
	f := pskFake(t, true)
	o := pskOptions(pskSubsys)
	bad := "NVMeTLSkey-1:01:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaS:"
	_, err := (&nvmf.PSKInserter{Edge: f.Edge}).Insert(&o, nvmf.PSK{Key: bad}, false)
	if !errors.Is(err, nvmf.ErrBadPSK) || strings.Contains(err.Error(), bad[16:40]) || len(f.Payloads) != 0 {
		t.Errorf("bad CRC: %v", err)
	}
	f = nvmftest.New(t, nvmftest.Empty) // 6.1: no tls_key
	f.Edge.LoadModule = func(m string) error { t.Errorf("loaded %s", m); return nil }
	var unsupported *fabrics.UnsupportedError
	if _, err := (&nvmf.PSKInserter{Edge: f.Edge}).Insert(&o, nvmf.PSK{Key: pskKey}, false); !errors.As(err, &unsupported) || unsupported.Option != "tls_key" {
		t.Errorf("kernel without tls_key: %v", err)
	}
}

// A missing .nvme keyring is created by loading nvme-keyring; where that
// module does not exist, the error says the kernel has no TLS keys.
func TestTLSKeyringCreate(t *testing.T) {
	f := pskFake(t, false)
	if _, err := f.Edge.TLSKeyring(nvmf.DefaultTLSKeyring, true); err == nil || !strings.Contains(err.Error(), "this kernel has no NVMe TLS key support") {
		t.Errorf("without nvme-keyring: %v", err)
	}
	var loaded []string
	f.Edge.LoadModule = func(m string) error {
		loaded = append(loaded, m)
		f.WriteFile(t, "/proc/keys", "2387d6a0 I------     1 perm 1f0b0000     0     0 keyring   .nvme: 1\n")
		return nil
	}
	if _, err := f.Edge.TLSKeyring(nvmf.DefaultTLSKeyring, false); err == nil || len(loaded) != 0 {
		t.Errorf("without create: %v, loaded %q", err, loaded)
	}
	ring, err := f.Edge.TLSKeyring(nvmf.DefaultTLSKeyring, true)
	if err != nil || ring != nvmeRing || len(loaded) != 1 || loaded[0] != "nvme-keyring" {
		t.Errorf("TLSKeyring = %08x, %v, loaded %q", ring, err, loaded)
	}
}
