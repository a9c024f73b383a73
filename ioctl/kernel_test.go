package ioctl

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/gonvme/gonvme/internal/hostfs"
)

// kernelRoot holds Identify data and sysfs captured from a Debian 6.1
// kernel talking to an nvmet target.
const kernelRoot = "../testdata/kernel/6.1"

func readKernelIdentify(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(kernelRoot, "identify", name))
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("kernel fixtures not captured")
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sysAttr(t *testing.T, path string) string {
	t.Helper()
	root, err := filepath.Abs(kernelRoot)
	if err != nil {
		t.Fatal(err)
	}
	s, err := hostfs.New(root).ReadAttr(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The kernel's sysfs attributes come from the same Identify data, so they
// must agree with the decoder.
func TestKernelIdentifyController(t *testing.T) {
	cases := []struct {
		ctrl     string
		ctrlType uint8
	}{
		{"nvme0", 1},
		{"nvme1", 1},
		{"nvme4", 2},
	}
	for _, c := range cases {
		t.Run(c.ctrl, func(t *testing.T) {
			id, err := DecodeIdentifyController(readKernelIdentify(t, "id-ctrl-"+c.ctrl+".bin"))
			if err != nil {
				t.Fatal(err)
			}
			dir := "/sys/class/nvme/" + c.ctrl + "/"
			for _, f := range []struct{ attr, got string }{
				{"serial", id.SerialNumber},
				{"model", id.ModelNumber},
				{"firmware_rev", id.Firmware},
				{"subsysnqn", id.SubNQN},
				{"cntlid", strconv.Itoa(int(id.CntlID))},
			} {
				if want := sysAttr(t, dir+f.attr); f.got != want {
					t.Errorf("%s: decoded %q, sysfs %q", f.attr, f.got, want)
				}
			}
			if id.CtrlType != c.ctrlType {
				t.Errorf("CNTRLTYPE = %d, want %d (sysfs says %q)", id.CtrlType, c.ctrlType, sysAttr(t, dir+"cntrltype"))
			}
		})
	}
}

func TestKernelIdentifyNamespace(t *testing.T) {
	id, err := DecodeIdentifyNamespace(readKernelIdentify(t, "id-ns-nvme0n1.bin"))
	if err != nil {
		t.Fatal(err)
	}
	lbs, _ := strconv.ParseUint(sysAttr(t, "/sys/block/nvme0n1/queue/logical_block_size"), 10, 32)
	sectors, _ := strconv.ParseUint(sysAttr(t, "/sys/block/nvme0n1/size"), 10, 64)
	if uint64(id.LBASize()) != lbs {
		t.Errorf("LBASize = %d, sysfs logical_block_size %d", id.LBASize(), lbs)
	}
	if id.NSZE*uint64(id.LBASize()) != sectors*512 {
		t.Errorf("NSZE %d × %d bytes, sysfs size %d sectors of 512", id.NSZE, id.LBASize(), sectors)
	}
	if id.NUSE != id.NSZE || id.NCAP != id.NSZE {
		t.Errorf("nvmet reports a fully used namespace: NSZE %d NCAP %d NUSE %d", id.NSZE, id.NCAP, id.NUSE)
	}
}
