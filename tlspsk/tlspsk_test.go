package tlspsk

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// The expected values are nvme-cli 2.16's (libnvme 1.16.2) and 2.13's
// (libnvme 1.13), Debian's builds, for these inputs: the interchange forms
// and identities as gen-tls-key and check-tls-key print them, the TLS PSKs
// read back from a keyring after their --insert (with -t user, so that the
// payload may be read).
const (
	host   = "nqn.2014-08.org.nvmexpress:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
	subsys = "nqn.2026-11.io.gonvme:tls"
	sec32  = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	sec48  = sec32 + "202122232425262728292a2b2c2d2e2f"
	key32  = "NVMeTLSkey-1:01:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:"
	key48  = "NVMeTLSkey-1:02:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vcSEgBQ==:"
	key00  = "NVMeTLSkey-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestConfigured(t *testing.T) {
	for sec, want := range map[string]string{sec32: key32, sec48: key48} {
		got, err := Configured(unhex(t, sec))
		if err != nil || got != want {
			t.Errorf("Configured(%s) = %q, %v; want %q", sec, got, err, want)
		}
	}
}

func TestParse(t *testing.T) {
	for s, want := range map[string]Key{
		key32: {SHA256, unhex(t, sec32)}, key48: {SHA384, unhex(t, sec48)}, key00: {None, unhex(t, sec32)},
	} {
		k, err := Parse(s)
		if err != nil || k.Hash != want.Hash || hex.EncodeToString(k.Secret) != hex.EncodeToString(want.Secret) {
			t.Errorf("Parse(%q) = %v, %v", s, k, err)
		}
	}
	bad := map[string]error{
		"":                          ErrFormat,
		"NVMeTLSkey-2" + key32[12:]: ErrFormat,
		strings.Replace(key32, ":01:", ":02:", 1): ErrFormat,
		strings.Replace(key32, ":01:", ":03:", 1): ErrFormat,
		strings.Replace(key32, ":01:", ":1:", 1):  ErrFormat,
		key32[:len(key32)-1]:                      ErrFormat,
		key32 + "x":                               ErrFormat,
		strings.Replace(key32, "AAEC", "AAED", 1): ErrCRC,
		strings.Replace(key32, "AAEC", "AA!C", 1): ErrFormat,
	}
	for s, want := range bad {
		if _, err := Parse(s); !errors.Is(err, want) {
			t.Errorf("Parse(%q) = %v; want %v", s, err, want)
		} else if strings.Contains(err.Error(), "AAEC") {
			t.Errorf("Parse(%q): the error shows the key: %v", s, err)
		}
	}
}

func TestDerive(t *testing.T) {
	id0 := func(h string) string { return "NVMe0R" + h + " " + host + " " + subsys }
	id1 := func(h, d string) string { return "NVMe1R" + h + " " + host + " " + subsys + " " + d }
	tests := []struct {
		key     string
		version int
		compat  bool
		id, psk string
	}{
		{key32, 0, false, id0("01"), "88864af7e6831ee9a6d0056251a7479093331df19e7f66b50f59a7da0aab30f7"},
		{key48, 0, false, id0("02"), "6e33f615ec367a97557ad6bc87df545351b6dc041034db885952207594d91c2a8e9991de74700a893c93fda5d92fde2b"},
		{key32, 0, true, id0("01"), "7a32df83033adcc8a3aaef1d8c5de604b8616dbcff26e2eee96a2917db0b2815"},
		{key48, 0, true, id0("02"), "c5045dce7809e6b40836b97af7866d3fe64afdbc0f2b458360f08ccdc46acd8046b2e9687a277d8a2766cad1e586cf34"},
		{key32, 1, false, id1("01", "xDUvIyr6Q0mdgAlsJI+0YYODukW0rZ7OvkTBky7iXNM="), "f022e7e7e01a930b768cc838ab6270adbd8a1de0a461784cc8086fdd54186638"},
		{key48, 1, false, id1("02", "9pFGzEW/0e0p321F69A6NfkWDwnkNKgE82xOg4NG/I+caE2CO0XZz6yXvNKtn0K0"), "a89289b5f3b5e7fac7872cdb70677894deaf3bf8e84f41d436aa96165278196947059fd00f3c829e8151bf07e9c9fb81"},
		{key32, 1, true, id1("01", "dQWqBVQ0NSvvAqauRFIetsOM7jeHOeY+MoucojCYpU4="), "684880f334d1ed31a23ec48760ecca6bca0788f2f2e03114aed5fea534f77afb"},
		{key48, 1, true, id1("02", "JLYq6sf01E3RyQVq39FicO3HRX/fgj6UJGZaKw+H7rt+zbc1Eh6jXf1UshxNrkU3"), "3aa06e27f117f5b1f684670f2fffa1663a0be4d3f82a58fb8a3d6bf78970fd9b0d917e2f8514d0bf93658c6d4e4faf29"},
		{key00, 0, false, id0("01"), "76f17fbb665edeb572b4211aafe254e9fa6c5dcfed803ef9db7829b7d5da61a8"},
		{key00, 1, false, id1("01", "hC5ytIbtUdWhN5qJyl4+0C408OqElUPze5iLrHqd3Rs="), "4f0760db0556a87abcbf9915a215f4211515cf6ba390d5b128fea6ee1086be52"},
	}
	for _, tt := range tests {
		k, err := Parse(tt.key)
		if err != nil {
			t.Fatal(err)
		}
		d, err := Derive(k, Params{HostNQN: host, SubsysNQN: subsys, Version: tt.version, Compat: tt.compat})
		if err != nil || d.Identity != tt.id || hex.EncodeToString(d.PSK) != tt.psk {
			t.Errorf("Derive(%s, v%d, compat %v) = %q %x, %v; want %q %s", tt.key[:16], tt.version, tt.compat, d.Identity, d.PSK, err, tt.id, tt.psk)
		}
	}
	k, _ := Parse(key32)
	for _, p := range []Params{{HostNQN: host, SubsysNQN: subsys, Version: 2}, {SubsysNQN: subsys}, {HostNQN: host},
		{HostNQN: host, SubsysNQN: strings.Repeat("s", 250)}} {
		if _, err := Derive(k, p); !errors.Is(err, ErrInput) {
			t.Errorf("Derive(%+v) = %v; want ErrInput", p, err)
		}
	}
}
