package cli

import (
	"strings"
	"testing"
)

// A discovery.conf line with a PSK as --tls-key: connect-all reports the
// line, says where a PSK belongs, never prints it, and writes nothing.
func TestDiscoveryConfPSKNotShown(t *testing.T) {
	const psk = "NVMeTLSkey-1:01:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:"
	f := tlsKernel(t, true)
	f.WriteFile(t, "/etc/nvme/discovery.conf", "--transport=tcp --traddr=127.0.0.1 --trsvcid=8009 --tls --tls-key="+psk+"\n")
	for _, args := range [][]string{{"connect-all"}, {"connect-all", "--dry-run"}, {"discover"}} {
		r := run(t, f, args...)
		if r.code == 0 || !strings.Contains(r.stderr, "discovery.conf:1: --tls-key: a PSK in interchange form is taken on the command line") {
			t.Errorf("%v: %v", args, r)
		}
		if strings.Contains(r.stdout+r.stderr, "AAECAwQF") {
			t.Errorf("%v printed the PSK: %v", args, r)
		}
	}
	noWrites(t, f)
}
