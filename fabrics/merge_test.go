package fabrics

import (
	"reflect"
	"testing"
)

// fullOptions sets every option of the token table to a value.
func fullOptions() Options {
	var o Options
	for _, p := range options {
		switch {
		case p.str != nil:
			*p.str(&o) = "v-" + p.name
		case p.num != nil:
			*p.num(&o) = Int(p.min + 1)
		default:
			*p.flag(&o) = true
		}
	}
	return o
}

func TestFillFromKeepsEveryOption(t *testing.T) {
	base := fullOptions()
	var o Options
	o.FillFrom(base)
	for _, name := range Names() {
		if !o.IsSet(name) {
			t.Errorf("%s: not taken from base", name)
		}
	}
	o.Defaults = nil
	if !reflect.DeepEqual(o, base) {
		t.Errorf("FillFrom(empty) = %+v, want %+v", o, base)
	}
	*o.QueueSize = 99
	if *base.QueueSize == 99 {
		t.Error("a number taken from base shares its storage")
	}
}

func TestFillFromPrefersOwnValues(t *testing.T) {
	base := Options{Transport: "tcp", Traddr: "127.0.0.1", HostNQN: "h-base", QueueSize: Int(32), Keyring: Int(7),
		CtrlLossTmo: Int(600), Defaults: set("hostnqn", "ctrl_loss_tmo")}
	o := Options{Traddr: "127.0.0.2", HostNQN: "h-own", TLSKey: Int(9), Concat: true}
	o.FillFrom(base)
	want := Options{Transport: "tcp", Traddr: "127.0.0.2", HostNQN: "h-own", QueueSize: Int(32), Keyring: Int(7),
		TLSKey: Int(9), CtrlLossTmo: Int(600), Concat: true, Defaults: set("ctrl_loss_tmo")}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("got  %+v\nwant %+v", o, want)
	}
}

func TestFillFromReplacesDefaults(t *testing.T) {
	o := Options{CtrlLossTmo: Int(600), HostNQN: "h-file", QueueSize: Int(64), Defaults: set("ctrl_loss_tmo", "hostnqn")}
	o.FillFrom(Options{CtrlLossTmo: Int(-1), HostNQN: "h-default", QueueSize: Int(16), Defaults: set("hostnqn")})
	want := Options{CtrlLossTmo: Int(-1), HostNQN: "h-file", QueueSize: Int(64), Defaults: set("hostnqn")}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("got  %+v\nwant %+v", o, want)
	}
}
