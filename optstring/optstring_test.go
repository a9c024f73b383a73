package optstring

import (
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		in     string
		mode   Mode
		offset int // -2: accepted
	}{
		{"toto", Plain, -2},
		{"nvme-subsystem-name", Plain, -2},
		{"nqn.2014-08.org.nvmexpress:uuid:a1e0c3d2-5b6f-4e7a-8c9d-0123456789ab", Plain, -2},
		{"ahnselina_test", Plain, -2},
		{"nom-é-ü", Plain, -2},
		{"a\uFFFDb", Plain, -2}, // a real U+FFFD is valid UTF-8
		{"DHHC-1:00:abc=:", AllowEquals, -2},
		{"", Plain, -1},
		{"a,b", Plain, 1},
		{"a=b", Plain, 1},
		{"a b", Plain, 1},
		{"a\tb", Plain, 1},
		{"a\nb", Plain, 1},
		{"a\rb", Plain, 1},
		{"a\x00b", Plain, 1},
		{"a\x7fb", Plain, 1},
		{"a\u0085b", Plain, 1},
		{"a\u00a0b", Plain, 1},
		{"a\u2028b", Plain, 1},
		{"ab\xff", Plain, 2},
		{"x,=", AllowEquals, 1},
	} {
		err := Check(tc.in, tc.mode)
		if tc.offset == -2 {
			if err != nil {
				t.Errorf("Check(%q) = %v, want nil", tc.in, err)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Check(%q) = %v, want *Error", tc.in, err)
			continue
		}
		if e.Offset != tc.offset {
			t.Errorf("Check(%q) offset %d, want %d (%v)", tc.in, e.Offset, tc.offset, err)
		}
	}
}

func TestCheckNamesByte(t *testing.T) {
	err := Check("nqn.2026-11.io.example:ssd1,hostnqn=x", Plain)
	if err == nil || !strings.Contains(err.Error(), "',' at byte 27") {
		t.Fatalf("got %v", err)
	}
}

func FuzzCheck(f *testing.F) {
	f.Add("toto")
	f.Add("a,b")
	f.Fuzz(func(t *testing.T, s string) {
		if Check(s, Plain) != nil {
			return
		}
		if strings.ContainsAny(s, ",=\n\r\t \x00") {
			t.Fatalf("accepted %q", s)
		}
		if strings.Split(s, ",")[0] != s {
			t.Fatalf("accepted %q", s)
		}
	})
}
