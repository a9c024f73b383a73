package fabrics

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
)

// fakeDevice puts a regular file with content at dev/nvme-fabrics under a
// new root. A regular file answers reads like the device's probe does; it
// cannot answer a connect.
func fakeDevice(t *testing.T, content string) (hostfs.FS, string) {
	t.Helper()
	root := t.TempDir()
	path := filepath.Join(root, "dev/nvme-fabrics")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return hostfs.New(root), path
}

func TestProbeReadsAndCaches(t *testing.T) {
	fs, path := fakeDevice(t, readFixture(t, "nvme-cli/supported-options.txt"))
	k := NewKernel(fs)
	var wg sync.WaitGroup
	results := make([]Supported, 4)
	errs := make([]error, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = k.Probe()
		}()
	}
	wg.Wait()
	for i := range results {
		if errs[i] != nil || !results[i]["dhchap_ctrl_secret"] || results[i]["tls"] {
			t.Fatalf("Probe() = %v, %v; want the 6.1 options", results[i], errs[i])
		}
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if sup, err := k.Probe(); err != nil || !sup["hostid"] {
		t.Errorf("Probe() after the device went away = %v, %v; want the cached answer", sup, err)
	}
}

func TestProbeMalformed(t *testing.T) {
	fs, _ := fakeDevice(t, "instance=3,cntlid=1\n")
	if _, err := NewKernel(fs).Probe(); !errors.Is(err, ErrMalformed) {
		t.Errorf("Probe() = %v, want ErrMalformed", err)
	}
}

func TestProbeAnswerSize(t *testing.T) {
	var long strings.Builder
	long.WriteString("transport=%s,nqn=%s")
	for long.Len() < 10<<10 {
		long.WriteString(",option_" + strings.Repeat("x", 40) + "=%d")
	}
	fs, _ := fakeDevice(t, long.String()+"\n")
	if sup, err := NewKernel(fs).Probe(); err != nil || !sup["nqn"] {
		t.Errorf("Probe() of a %d-byte answer = %d options, %v", long.Len(), len(sup), err)
	}
	fs, _ = fakeDevice(t, "transport=%s,nqn=%s"+strings.Repeat(",x", maxAnswer))
	if _, err := NewKernel(fs).Probe(); err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("Probe() of an endless answer = %v, want a length error", err)
	}
}

func TestKernelWithoutDevice(t *testing.T) {
	k := NewKernel(hostfs.New(t.TempDir()))
	_, probeErr := k.Probe()
	_, createErr := k.Create("nqn=" + testNQN + ",transport=rdma,traddr=169.254.99.1")
	for _, err := range []error{probeErr, createErr} {
		var ke *KernelError
		if !errors.As(err, &ke) || ke.Op != "open" || ke.Errno != syscall.ENOENT {
			t.Errorf("error = %v, want an open *KernelError with ENOENT", err)
			continue
		}
		if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "modprobe nvme-fabrics") {
			t.Errorf("error %q does not match os.ErrNotExist or lacks the modprobe hint", err)
		}
	}
}

func TestCreateWritesOnceAndReadsTheReply(t *testing.T) {
	fs, path := fakeDevice(t, "")
	opts := "nqn=" + testNQN + ",transport=rdma,traddr=169.254.99.1,trsvcid=4420"
	_, err := NewKernel(fs).Create(opts)
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "could not be read") {
		t.Errorf("Create() on a file that gives no reply = %v, want an ErrMalformed reply error", err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != opts {
		t.Errorf("device received %q, want exactly %q", got, opts)
	}
}

func TestProbeRealDevice(t *testing.T) {
	if _, err := os.Stat(DevicePath); err != nil {
		t.Skip("no /dev/nvme-fabrics on this machine (module nvme-fabrics not loaded)")
	}
	sup, err := NewKernel(hostfs.New("/")).Probe()
	if errors.Is(err, os.ErrPermission) {
		t.Skip("reading /dev/nvme-fabrics needs root")
	}
	if err != nil {
		t.Fatalf("Probe(): %v", err)
	}
	if sup != nil && !sup["transport"] {
		t.Errorf("Probe() = %v, want transport listed", sup)
	}
}
