package config

import (
	"strings"
	"testing"
)

// A --tls-key that is not a serial is refused without its value: it may be
// a PSK (one in interchange form reaches OptionsFrom only from
// discovery.conf) or a mistyped one. Other numbers are quoted.
func TestNumberErrorsHideSecrets(t *testing.T) {
	const psk = "NVMeTLSkey-1:01:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:"
	for _, tc := range []struct {
		long, value, want string
	}{
		{"tls-key", psk, "not in discovery.conf"},
		{"tls-key", "AAECAwQFBgcICQoLDA0ODxAREhMU", "the value is not shown"},
		{"queue-size", "lots", `--queue-size: "lots" is not a whole number`},
	} {
		_, err := OptionsFrom(func(long string) (string, bool) { return tc.value, long == tc.long })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--%s=%s: %v, want %q", tc.long, tc.value, err, tc.want)
			continue
		}
		if tc.long == "tls-key" && strings.Contains(err.Error(), tc.value) {
			t.Errorf("--%s: the error shows the value: %v", tc.long, err)
		}
	}
	if o, err := OptionsFrom(func(long string) (string, bool) { return "7", long == "tls-key" }); err != nil || o.TLSKey == nil || *o.TLSKey != 7 {
		t.Errorf("--tls-key=7: %+v, %v", o.TLSKey, err)
	}
}
