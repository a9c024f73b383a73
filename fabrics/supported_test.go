package fabrics

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// supported61 reads what /dev/nvme-fabrics answered on the 6.1 kernel.
func supported61(t *testing.T) Supported {
	t.Helper()
	sup, err := ParseSupported(readFixture(t, "nvme-cli/supported-options.txt"))
	if err != nil {
		t.Fatalf("ParseSupported(6.1 fixture): %v", err)
	}
	return sup
}

func TestParseSupported(t *testing.T) {
	cases := []struct {
		in   string
		want []string // sorted; nil means an error is expected
	}{
		{"transport=%s,nqn=%s\n", []string{"nqn", "transport"}},
		{"transport=%s,nqn=%s", []string{"nqn", "transport"}},
		{"instance=-1,cntlid=-1,transport=%s,nqn=%s,tls,concat\n", []string{"cntlid", "concat", "instance", "nqn", "tls", "transport"}},
		{"", nil},
		{"\n", nil},
		{"instance=3,cntlid=1\n", nil},            // a connect reply, not an options list
		{"transport=%s,,nqn=%s\n", nil},           // empty token
		{"transport=%s,nqn=\n", nil},              // name= without placeholder
		{"transport=%s,nqn=%s\n\n", nil},          // two newlines
		{"transport=%s\nnqn=%s\n", nil},           // newline inside
		{"transport=%s,nqn=%s,Tls\n", nil},        // upper case
		{"transport=%s,nqn=%s,hdr digest\n", nil}, // space in a name
		{"transport=%s,nqn=%s,=%d\n", nil},        // empty name
	}
	for _, c := range cases {
		sup, err := ParseSupported(c.in)
		if c.want == nil {
			if err == nil || !errors.Is(err, ErrMalformed) {
				t.Errorf("ParseSupported(%q) = %v, %v; want an ErrMalformed error", c.in, sup, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseSupported(%q): %v", c.in, err)
			continue
		}
		var got []string
		for name := range sup {
			got = append(got, name)
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("ParseSupported(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestRestrict(t *testing.T) {
	linux48, err := ParseSupported("transport=%s,traddr=%s,trsvcid=%s,nqn=%s,queue_size=%d,nr_io_queues=%d,reconnect_delay=%d,keep_alive_tmo=%d,hostnqn=%s\n")
	if err != nil {
		t.Fatal(err)
	}
	linux61 := supported61(t)
	base := func(mod func(*Options)) Options {
		return tcp(func(o *Options) { o.HostNQN = testHostNQN; mod(o) })
	}
	cases := []struct {
		name        string
		sup         Supported
		in          Options
		want        Options
		unsupported string
	}{
		{"nil allows everything", nil,
			base(func(o *Options) { o.TLS = true; o.Concat = true }),
			base(func(o *Options) { o.TLS = true; o.Concat = true }), ""},
		{"explicit tls on 6.1", linux61, base(func(o *Options) { o.TLS = true }), Options{}, "tls"},
		{"default tls dropped on 6.1", linux61,
			base(func(o *Options) { o.TLS = true; o.HdrDigest = true; o.Defaults = set("tls") }),
			base(func(o *Options) { o.HdrDigest = true; o.Defaults = set("tls") }), ""},
		{"default keyring dropped on 6.1", linux61,
			base(func(o *Options) {
				o.Keyring = Int(5)
				o.CtrlLossTmo = Int(600)
				o.Defaults = set("keyring", "ctrl_loss_tmo")
			}),
			base(func(o *Options) { o.CtrlLossTmo = Int(600); o.Defaults = set("keyring", "ctrl_loss_tmo") }), ""},
		{"defaults dropped on 4.8", linux48,
			base(func(o *Options) {
				o.HostID = testHostID
				o.CtrlLossTmo = Int(600)
				o.Defaults = set("hostid", "ctrl_loss_tmo")
			}),
			base(func(o *Options) { o.Defaults = set("hostid", "ctrl_loss_tmo") }), ""},
		{"explicit ctrl_loss_tmo on 4.8", linux48, base(func(o *Options) { o.CtrlLossTmo = Int(600) }), Options{}, "ctrl_loss_tmo"},
		{"explicit hostid on 4.8", linux48, base(func(o *Options) { o.HostID = testHostID }), Options{}, "hostid"},
		{"explicit duplicate_connect on 4.8", linux48, base(func(o *Options) { o.DuplicateConnect = true }), Options{}, "duplicate_connect"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.in.Restrict(c.sup)
			if c.unsupported != "" {
				var ue *UnsupportedError
				if !errors.As(err, &ue) || ue.Option != c.unsupported {
					t.Fatalf("Restrict() error = %v, want *UnsupportedError{%q}", err, c.unsupported)
				}
				if !errors.Is(err, errors.ErrUnsupported) {
					t.Errorf("%v does not match errors.ErrUnsupported", err)
				}
				if !strings.Contains(err.Error(), "does not support option "+c.unsupported) {
					t.Errorf("message %q does not name the option", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Restrict() = %v", err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("Restrict()\n got: %+v\nwant: %+v", got, c.want)
			}
		})
	}
}

func TestRestrictLeavesReceiverAlone(t *testing.T) {
	o := tcp(func(o *Options) { o.Keyring = Int(5); o.TLS = true; o.Defaults = set("keyring", "tls") })
	if _, err := o.Restrict(Supported{"transport": true, "nqn": true, "traddr": true, "trsvcid": true}); err != nil {
		t.Fatal(err)
	}
	if o.Keyring == nil || !o.TLS {
		t.Errorf("Restrict changed its receiver: %+v", o)
	}
}
