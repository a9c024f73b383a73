package nvmf_test

import (
	"errors"
	"slices"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/nvmftest"
)

func TestConnect(t *testing.T) {
	test1 := "nqn.2026-11.io.gonvme:test1"
	io := func(mod func(*fabrics.Options)) fabrics.Options {
		o := identity(fabrics.Options{Transport: "rdma", Traddr: rdmaAddr, NQN: test1})
		if mod != nil {
			mod(&o)
		}
		return nvmf.IOOptions(o)
	}
	tests := []struct {
		name       string
		root       nvmftest.Root
		opts       fabrics.Options
		fail       func(map[string]string) syscall.Errno
		wantDev    string
		wantErr    []error
		wantWrites []string
	}{
		{
			name: "new path", root: nvmftest.Empty, opts: io(nil), wantDev: "nvme0",
			wantWrites: []string{ioWrite("rdma", rdmaAddr, "4420", test1)},
		},
		{
			name: "already connected in sysfs", root: nvmftest.Kernel61, opts: io(nil), wantDev: "nvme0",
			wantErr: []error{nvmf.ErrAlreadyConnected},
		},
		{
			name: "other host address is another path", root: nvmftest.Kernel61,
			opts:    io(func(o *fabrics.Options) { o.Traddr = "169.254.99.2" }),
			wantDev: "nvme5", wantWrites: []string{ioWrite("rdma", "169.254.99.2", "4420", test1)},
		},
		{
			name: "duplicate connect", root: nvmftest.Kernel61,
			opts:    io(func(o *fabrics.Options) { o.DuplicateConnect = true }),
			wantDev: "nvme5", wantWrites: []string{ioWrite("rdma", rdmaAddr, "4420", test1, "duplicate_connect")},
		},
		{
			name: "kernel says EALREADY", root: nvmftest.Empty, opts: io(nil),
			fail:       nvmftest.FailWhen("nqn", test1, syscall.EALREADY),
			wantErr:    []error{nvmf.ErrAlreadyConnected, syscall.EALREADY},
			wantWrites: []string{ioWrite("rdma", rdmaAddr, "4420", test1)},
		},
		{
			name: "kernel refuses", root: nvmftest.Empty, opts: io(nil),
			fail:       nvmftest.FailWhen("nqn", test1, syscall.EIO),
			wantErr:    []error{syscall.EIO},
			wantWrites: []string{ioWrite("rdma", rdmaAddr, "4420", test1)},
		},
		{
			name: "invalid", root: nvmftest.Empty,
			opts:    io(func(o *fabrics.Options) { o.NQN = test1 + ",duplicate_connect" }),
			wantErr: []error{new(fabrics.ValidationError)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := nvmftest.New(t, tt.root)
			f.Kernel.Fail = tt.fail
			var dev string
			v, err := tt.opts.Check()
			if err == nil {
				dev, err = f.Edge.Connect(v)
			}
			if dev != tt.wantDev {
				t.Errorf("device %q, want %q", dev, tt.wantDev)
			}
			if len(tt.wantErr) == 0 && err != nil {
				t.Errorf("error %v", err)
			}
			for _, w := range tt.wantErr {
				if ve, ok := w.(*fabrics.ValidationError); ok {
					if !errors.As(err, &ve) {
						t.Errorf("error %v, want a *fabrics.ValidationError", err)
					}
					continue
				}
				if !errors.Is(err, w) {
					t.Errorf("error %v does not match %v", err, w)
				}
			}
			if got := f.Kernel.Writes(); !slices.Equal(got, tt.wantWrites) {
				t.Errorf("writes:%s\nwant:%s", joinLines(got), joinLines(tt.wantWrites))
			}
		})
	}
}
