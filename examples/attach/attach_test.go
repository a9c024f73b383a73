package main

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/nvmftest"
)

func TestAttachDetach(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Empty)
	disc := nvmftest.Port{Transport: "tcp", Traddr: "127.0.0.1", Trsvcid: "8009"}
	io := nvmftest.Port{Transport: "tcp", Traddr: "127.0.0.1", Trsvcid: "4420"}
	f.Serve(disc, io, nvmftest.Subsystem{NQN: "toto", Namespaces: []nvmftest.Namespace{{NSID: 1, Sectors: 2048, UUID: "5f0b1a6e-3c9d-4c3e-9f0a-1b2c3d4e5f60"}}})
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, f.Edge, []string{"-n", "toto", "-a", "127.0.0.1"}, &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "/dev/nvme0n1\n" {
		t.Fatalf("attach printed %q", out.String())
	}
	out.Reset()
	if err := run(ctx, f.Edge, []string{"-n", "toto", "-detach"}, &out); err != nil {
		t.Fatal(err)
	}
	if len(f.Controllers(t)) != 0 {
		t.Errorf("controllers left: %v", f.Controllers(t))
	}
	err := run(ctx, f.Edge, []string{"-n", "tota", "-a", "127.0.0.1"}, &out)
	if !errors.Is(err, nvmf.ErrNotOffered) {
		t.Errorf("attach of a volume that does not exist: %v", err)
	}
	// Through the configured discovery controllers.
	out.Reset()
	if err := run(ctx, f.Edge, []string{"-n", "toto"}, &out); !errors.As(err, new(usageError)) {
		t.Errorf("no -a and nothing configured: %v", err)
	}
	f.WriteFile(t, "/etc/nvme/discovery.conf", "# the target\n--transport=tcp --traddr=127.0.0.1 --trsvcid=8009\n")
	if err := run(ctx, f.Edge, []string{"-n", "toto"}, &out); err != nil || out.String() != "/dev/nvme0n1\n" {
		t.Errorf("attach through discovery.conf: %q, %v", out.String(), err)
	}
	if err := run(ctx, f.Edge, []string{"-a", "127.0.0.1"}, &out); !errors.As(err, new(usageError)) {
		t.Errorf("no -n: %v", err)
	}
}
