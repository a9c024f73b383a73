package nvmf_test

import (
	"slices"
	"testing"

	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/nvmftest"
	"github.com/gonvme/gonvme/nvmftest/kfixtures"
)

// A TCP entry whose TSAS names TLS 1.3 is connected with tls, as libnvme
// does, on the kernels that take it (6.12, 7.x); 6.1, which has no tls
// option, gets the entry without it (a default the kernel lacks is
// dropped).
func TestTSASRequiresTLS(t *testing.T) {
	kfixtures.Each(t, func(t *testing.T, k kfixtures.Kernel) {
		f := nvmftest.NewOn(t, nvmftest.Empty, k)
		tlsEnt := nvmftest.Sub("tcp", "10.0.0.1", "4420", sub1)
		tlsEnt.SecType = 2
		f.Admin.Logs[nvmftest.Target("tcp", "10.0.0.1", "4420")] = nvmftest.Page(tlsEnt, nvmftest.Sub("tcp", "10.0.0.1", "4420", sub2))
		rep, err := f.Edge.Walk(background, []nvmf.Target{target("tcp", "10.0.0.1", "4420")}, walkOpts())
		if err != nil {
			t.Fatal(err)
		}
		f.Edge.ConnectPaths(background, rep)
		var tls []string
		if f.Kernel.Sup["tls"] {
			tls = []string{"tls"}
		}
		want := []string{ioWrite("tcp", "10.0.0.1", "4420", sub1, tls...), ioWrite("tcp", "10.0.0.1", "4420", sub2)}
		if got := f.Kernel.Writes()[1:]; !slices.Equal(got, want) {
			t.Errorf("I/O writes:%s\nwant:%s", joinLines(got), joinLines(want))
		}
	})
}
