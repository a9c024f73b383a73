package ioctl

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/nvmftest/kfixtures"
)

func readKernelIdentify(t *testing.T, k kfixtures.Kernel, name string) []byte {
	t.Helper()
	return k.ReadFile(t, filepath.Join("identify", name))
}

func sysAttr(t *testing.T, k kfixtures.Kernel, path string) string {
	t.Helper()
	s, err := hostfs.New(k.Dir).ReadAttr(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The kernel's sysfs attributes come from the same Identify data, so they
// must agree with the decoder, on every captured kernel.
func TestKernelIdentifyNamespace(t *testing.T) {
	kfixtures.Each(t, testKernelIdentifyNamespace)
}

func testKernelIdentifyNamespace(t *testing.T, k kfixtures.Kernel) {
	id, err := DecodeIdentifyNamespace(readKernelIdentify(t, k, "id-ns-nvme0n1.bin"))
	if err != nil {
		t.Fatal(err)
	}
	lbs, _ := strconv.ParseUint(sysAttr(t, k, "/sys/block/nvme0n1/queue/logical_block_size"), 10, 32)
	sectors, _ := strconv.ParseUint(sysAttr(t, k, "/sys/block/nvme0n1/size"), 10, 64)
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
