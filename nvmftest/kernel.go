package nvmftest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/nqn"
)

// Kernel is a fake /dev/nvme-fabrics. Create parses the option string,
// records it and, unless Fail refuses it, creates the controller in the
// root: /sys/class/nvme/nvmeN with the lowest free N.
type Kernel struct {
	t  testing.TB
	fs hostfs.FS

	// Sup is what Probe returns.
	Sup fabrics.Supported
	// Fail, when set, is asked about every write before it succeeds; a
	// non-zero errno refuses it as the kernel would.
	Fail func(opts map[string]string) syscall.Errno
	// HostAuth makes the fake a kernel with DH-HMAC-CHAP host support
	// (6.12 and later in Debian): new fabrics controllers get the
	// dhchap_secret and dhchap_ctrl_secret attributes, showing the
	// secrets or "none" as the kernel does. Without it the fake is 6.1,
	// which ignores the secrets.
	HostAuth bool
	// OnCreate, when set, runs at the start of every write (for example to
	// cancel a context at a chosen moment).
	OnCreate func(opts map[string]string)
	// Unloaded names transports whose host driver module is not loaded:
	// the kernel finds no handler for them and refuses with EINVAL.
	Unloaded map[string]bool
	// Journal, when set, gets the line the kernel logs for each controller
	// it creates: nvme nvmeN: new ctrl: NQN "…", addr traddr:trsvcid.
	Journal *Journal

	served  *served // set by Fake.Serve
	mu      sync.Mutex
	writes  []string
	probes  int
	cntlid  int
	created []string
}

// Probe returns Sup.
func (k *Kernel) Probe() (fabrics.Supported, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.probes++
	return k.Sup, nil
}

// ParseOptions splits an option string into its tokens; a bare flag maps
// to "".
func ParseOptions(s string) map[string]string {
	m := map[string]string{}
	for _, tok := range strings.Split(s, ",") {
		k, v, _ := strings.Cut(tok, "=")
		m[k] = v
	}
	return m
}

// Create records opts and creates a controller unless Fail refuses.
func (k *Kernel) Create(opts string) (fabrics.Reply, error) {
	m := ParseOptions(opts)
	if k.OnCreate != nil {
		k.OnCreate(m)
	}
	k.mu.Lock()
	k.writes = append(k.writes, opts)
	fail := k.Fail
	k.mu.Unlock()
	errno := kernelRefuses(m)
	if errno == 0 {
		errno = k.refuse(m)
	}
	if errno == 0 && fail != nil {
		errno = fail(m)
	}
	if errno == 0 {
		var line string
		if errno, line = k.served.admit(m); line != "" && k.Journal != nil {
			k.Journal.Log("nvme " + k.nextName() + ": " + line)
		}
	}
	if errno != 0 {
		return fabrics.Reply{}, &fabrics.KernelError{Op: "connect", Path: k.fs.Path(fabrics.DevicePath), Errno: errno}
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	n := 0
	for ; ; n++ {
		if _, err := os.Lstat(k.fs.Path("/sys/class/nvme/nvme" + strconv.Itoa(n))); errors.Is(err, os.ErrNotExist) {
			break
		}
	}
	name := "nvme" + strconv.Itoa(n)
	// nvmf_get_address: each token only when it was given.
	addr := "traddr=" + m["traddr"]
	if v, ok := m["trsvcid"]; ok {
		addr += ",trsvcid=" + v
	}
	if v, ok := m["host_traddr"]; ok {
		addr += ",host_traddr=" + v
	}
	if v, ok := m["host_iface"]; ok {
		addr += ",host_iface=" + v
	}
	ctype := "io"
	if m["nqn"] == nqn.Discovery || hasKey(m, "discovery") {
		ctype = "discovery"
	}
	// The kernel's keep-alive timeout: none for a discovery controller
	// unless asked for (a persistent one), 5 s for I/O.
	kato := "0"
	if ctype == "io" {
		kato = "5"
	}
	if v, ok := m["keep_alive_tmo"]; ok {
		kato = v
	}
	k.cntlid++
	dir := k.fs.Path("/sys/class/nvme/" + name)
	attrs := map[string]string{
		"transport": m["transport"], "address": addr, "subsysnqn": m["nqn"],
		"state": "live", "cntrltype": ctype, "hostnqn": m["hostnqn"], "hostid": m["hostid"],
		"cntlid": strconv.Itoa(k.cntlid), "model": "Linux", "serial": "fake" + strconv.Itoa(n),
		"firmware_rev": "6.1.0-56", "kato": kato,
	}
	if k.HostAuth {
		attrs["dhchap_secret"], attrs["dhchap_ctrl_secret"] = orNone(m["dhchap_secret"]), orNone(m["dhchap_ctrl_secret"])
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		k.t.Errorf("fake kernel: %v", err)
		return fabrics.Reply{}, err
	}
	for a, v := range attrs {
		if err := os.WriteFile(filepath.Join(dir, a), []byte(v+"\n"), 0o644); err != nil {
			k.t.Errorf("fake kernel: %v", err)
			return fabrics.Reply{}, err
		}
	}
	if err := k.served.attach(name, n, m); err != nil {
		k.t.Errorf("fake kernel: %v", err)
		return fabrics.Reply{}, err
	}
	k.created = append(k.created, name)
	if k.Journal != nil {
		k.Journal.Log(fmt.Sprintf("nvme %s: new ctrl: NQN %q, addr %s:%s", name, m["nqn"], m["traddr"], m["trsvcid"]))
	}
	return fabrics.Reply{Instance: n, CntlID: k.cntlid}, nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }

// Writes returns every option string written so far, in order.
func (k *Kernel) Writes() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.writes)
}

// Created returns the controllers created so far, in order.
func (k *Kernel) Created() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.created)
}

// FailWhen refuses every write whose token key has value (or, for a flag,
// is present when value is "") with errno.
func FailWhen(key, value string, errno syscall.Errno) func(map[string]string) syscall.Errno {
	return func(m map[string]string) syscall.Errno {
		if v, ok := m[key]; ok && v == value {
			return errno
		}
		return 0
	}
}

// CancelOnCreate returns an OnCreate hook that cancels when the n-th write
// (from 1) starts.
func CancelOnCreate(cancel context.CancelFunc, n int) func(map[string]string) {
	var mu sync.Mutex
	seen := 0
	return func(map[string]string) {
		mu.Lock()
		defer mu.Unlock()
		seen++
		if seen == n {
			cancel()
		}
	}
}
