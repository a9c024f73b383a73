package fabrics

import (
	"errors"
	"os"
	"reflect"
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
	r, err := Connect(k, check(t, o))
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

// Connect and Plan take only Validated options: Check refuses what could
// smuggle an option or what the kernel refuses, so nothing is written.
func TestCheckRefusesInvalidInput(t *testing.T) {
	for _, o := range []Options{
		{},
		rdma(func(o *Options) { o.NQN = testNQN + ",duplicate_connect" }),
		rdma(func(o *Options) { o.HostNQN = testHostNQN + "\nhostid=" + testHostID }),
		rdma(func(o *Options) { o.Traddr = "169.254.99.1,host_traddr=10.0.0.1" }),
		rdma(func(o *Options) { o.HdrDigest = true }),
		rdma(func(o *Options) { o.QueueSize = Int(4096) }),
	} {
		v, err := o.Check()
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("Check(%+v) = %v, want a *ValidationError", o, err)
		}
		if !reflect.DeepEqual(v, Validated{}) {
			t.Errorf("Check(%+v) returned options %+v with its error", o, v.o)
		}
	}
}

// Check copies what it checked: changing the options afterwards, through
// a shared number or the Defaults map, cannot reach the option string.
func TestCheckCopies(t *testing.T) {
	o := rdma(func(o *Options) {
		o.QueueSize = Int(32)
		o.HdrDigest = true
		o.Defaults = set("hdr_digest")
	})
	v := check(t, o)
	*o.QueueSize = 4096
	o.Defaults["hdr_digest"] = false
	got := v.Encode()
	if strings.Contains(got, "4096") || strings.Contains(got, "hdr_digest") {
		t.Errorf("Encode() = %q after the checked options were changed, want queue_size=32 and no hdr_digest", got)
	}
	w := v.Options()
	*w.QueueSize = 4096
	if got := v.Encode(); !strings.Contains(got, "queue_size=32") {
		t.Errorf("Encode() = %q after Options() was changed, want queue_size=32", got)
	}
}

// A default the transport requires that the running kernel does not list
// cannot be dropped quietly.
func TestRestrictKeepsRequiredOptions(t *testing.T) {
	o := Options{Transport: "fc", NQN: testNQN, Traddr: "nn-0x20000090fa942779:pn-0x10000090fa942779",
		HostTraddr: "nn-0x20000090fae0b5f5:pn-0x10000090fae0b5f5", Defaults: set("host_traddr")}
	_, err := check(t, o).Restrict(Supported{"transport": true, "nqn": true, "traddr": true})
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Option != "host_traddr" {
		t.Errorf("Restrict without host_traddr = %v, want a *ValidationError for host_traddr, which fc requires", err)
	}
	if _, err := check(t, o).Restrict(nil); err != nil {
		t.Errorf("Restrict(nil) = %v, want everything allowed", err)
	}
}

func TestConnectRefusesUnsupportedOption(t *testing.T) {
	k := &fakeKernel{sup: supported61(t)}
	_, err := Connect(k, check(t, tcp(func(o *Options) { o.TLS = true })))
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
	if _, err := Connect(k, check(t, tcp(func(o *Options) { o.TLS = true }))); err != nil {
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
	_, err := Connect(k, check(t, o))
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
	_, err = Connect(k, check(t, o))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "modprobe nvme-rdma") {
		t.Errorf("Connect() with no device = %v, want ErrNotExist and a modprobe nvme-rdma hint", err)
	}
	if len(k.written) != 0 {
		t.Errorf("wrote %q after a failed probe", k.written)
	}

	other := errors.New("unreadable")
	k = &fakeKernel{probeErr: other}
	if _, err := Connect(k, check(t, o)); err != other {
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
	s, err := Plan(k, check(t, o))
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
	if _, err := Connect(k, check(t, o)); err != nil || len(k.written) != 1 || k.written[0] != s {
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
