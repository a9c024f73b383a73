package fabrics

import (
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
)

// fakeKernel records what Connect asks of the kernel.
type fakeKernel struct {
	sup       Supported
	probeErr  error
	reply     Reply
	createErr error

	probes  int
	written []string
}

func (k *fakeKernel) Probe() (Supported, error) {
	k.probes++
	return k.sup, k.probeErr
}

func (k *fakeKernel) Create(opts string) (Reply, error) {
	k.written = append(k.written, opts)
	return k.reply, k.createErr
}

func TestConnect(t *testing.T) {
	k := &fakeKernel{sup: supported61(t), reply: Reply{Instance: 3, CntlID: 1}}
	o := rdma(func(o *Options) {
		o.HostNQN, o.HostID = testHostNQN, testHostID
		o.CtrlLossTmo = Int(600)
		o.Keyring = Int(9) // a default no 6.1 kernel knows, and rdma does not take
		o.Defaults = set("hostnqn", "hostid", "ctrl_loss_tmo", "keyring")
	})
	r, err := Connect(k, o)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if r.Device() != "nvme3" {
		t.Errorf("Connect() = %+v, want nvme3", r)
	}
	want := "nqn=" + testNQN + ",transport=rdma,traddr=169.254.99.1,trsvcid=4420,hostnqn=" + testHostNQN +
		",hostid=" + testHostID + ",ctrl_loss_tmo=600"
	if len(k.written) != 1 || k.written[0] != want {
		t.Errorf("written %q\nwant one write of %q", k.written, want)
	}
}

func TestConnectWritesNothingOnInvalidInput(t *testing.T) {
	for _, o := range []Options{
		{},
		rdma(func(o *Options) { o.NQN = testNQN + ",duplicate_connect" }),
		rdma(func(o *Options) { o.HostNQN = testHostNQN + "\nhostid=" + testHostID }),
		rdma(func(o *Options) { o.Traddr = "169.254.99.1,host_traddr=10.0.0.1" }),
		rdma(func(o *Options) { o.HdrDigest = true }),
		rdma(func(o *Options) { o.QueueSize = Int(4096) }),
	} {
		k := &fakeKernel{}
		_, err := Connect(k, o)
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("Connect(%+v) = %v, want a *ValidationError", o, err)
		}
		if k.probes != 0 || len(k.written) != 0 {
			t.Errorf("Connect(%+v) touched the kernel: %d probes, writes %q", o, k.probes, k.written)
		}
	}
}

func TestConnectRefusesUnsupportedOption(t *testing.T) {
	k := &fakeKernel{sup: supported61(t)}
	_, err := Connect(k, tcp(func(o *Options) { o.TLS = true }))
	var ue *UnsupportedError
	if !errors.As(err, &ue) || ue.Option != "tls" {
		t.Fatalf("Connect() = %v, want *UnsupportedError{tls}", err)
	}
	if len(k.written) != 0 {
		t.Errorf("wrote %q despite the unsupported option", k.written)
	}
}

func TestConnectOldKernelAllowsEverything(t *testing.T) {
	k := &fakeKernel{}
	if _, err := Connect(k, tcp(func(o *Options) { o.TLS = true })); err != nil {
		t.Fatalf("Connect with nil Supported: %v", err)
	}
	if len(k.written) != 1 || !strings.HasSuffix(k.written[0], ",tls") {
		t.Errorf("written %q, want tls kept", k.written)
	}
}

func TestConnectExplainsKernelErrors(t *testing.T) {
	createErr := &KernelError{Op: "connect", Path: DevicePath, Errno: syscall.EIO}
	k := &fakeKernel{sup: supported61(t), createErr: createErr}
	o := rdma(func(*Options) {})
	_, err := Connect(k, o)
	if !errors.Is(err, syscall.EIO) {
		t.Fatalf("Connect() = %v, want it to match syscall.EIO", err)
	}
	var ke *KernelError
	if !errors.As(err, &ke) {
		t.Fatalf("Connect() = %T, want *KernelError", err)
	}
	meaning, hint := Explain("connect", "rdma", syscall.EIO)
	if ke.Target != o.Target() || ke.Meaning != meaning || ke.Hint != hint {
		t.Errorf("KernelError = %+v, want target %q and the rdma EIO explanation", ke, o.Target())
	}
	if createErr.Target != "" || createErr.Meaning != "" {
		t.Errorf("Connect modified the Kernel's error value: %+v", createErr)
	}

	k = &fakeKernel{probeErr: &KernelError{Op: "open", Path: DevicePath, Errno: syscall.ENOENT}}
	_, err = Connect(k, o)
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "modprobe nvme-rdma") {
		t.Errorf("Connect() with no device = %v, want ErrNotExist and a modprobe nvme-rdma hint", err)
	}
	if len(k.written) != 0 {
		t.Errorf("wrote %q after a failed probe", k.written)
	}

	other := errors.New("unreadable")
	k = &fakeKernel{probeErr: other}
	if _, err := Connect(k, o); err != other {
		t.Errorf("Connect() = %v, want the probe's own error", err)
	}
}

func TestPlanWritesNothing(t *testing.T) {
	k := &fakeKernel{sup: supported61(t)}
	secret, ctrl := makeSecret("01", 32), makeSecret("02", 48)
	o := tcp(func(o *Options) {
		o.HostNQN, o.HostID = testHostNQN, testHostID
		o.DHCHAPSecret, o.DHCHAPCtrlSecret = secret, ctrl
		o.Keyring = Int(9)
		o.Defaults = set("keyring")
	})
	s, err := Plan(k, o)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	if len(k.written) != 0 || k.probes != 1 {
		t.Errorf("Plan: %d probes, writes %q; want one probe and no write", k.probes, k.written)
	}
	want := "nqn=" + testNQN + ",transport=tcp,traddr=127.0.0.1,trsvcid=4420,hostnqn=" + testHostNQN + ",hostid=" + testHostID +
		",dhchap_secret=" + secret + ",dhchap_ctrl_secret=" + ctrl
	if s != want {
		t.Errorf("Plan() = %q\nwant %q (the keyring default dropped: 6.1 lacks it)", s, want)
	}
	if _, err := Connect(k, o); err != nil || len(k.written) != 1 || k.written[0] != s {
		t.Errorf("Connect wrote %q (%v), want what Plan returned", k.written, err)
	}
	red := Redact(s)
	if strings.Contains(red, secret) || strings.Contains(red, ctrl) || strings.Contains(red, "DHHC-1") ||
		!strings.Contains(red, ",dhchap_secret=<redacted>,dhchap_ctrl_secret=<redacted>") ||
		!strings.HasPrefix(red, "nqn="+testNQN+",transport=tcp,") {
		t.Errorf("Redact() = %q", red)
	}
	if plain := "nqn=" + testNQN + ",transport=rdma,duplicate_connect"; Redact(plain) != plain {
		t.Errorf("Redact changed a string without secrets: %q", Redact(plain))
	}
}
