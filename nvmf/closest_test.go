package nvmf_test

import (
	"slices"
	"testing"

	"github.com/gonvme/gonvme/nvmf"
)

func TestClosest(t *testing.T) {
	tests := []struct {
		want       string
		candidates []string
		order      []string
	}{
		{
			"nqn.2026-11.io.gonvme:test2x",
			[]string{"nqn.2026-11.io.gonvme:test1", "nqn.2026-11.io.gonvme:test2", "nqn.2014-08.org.nvmexpress.discovery"},
			[]string{"nqn.2026-11.io.gonvme:test2", "nqn.2026-11.io.gonvme:test1", "nqn.2014-08.org.nvmexpress.discovery"},
		},
		{ // ties keep their order
			"nqn.2026-11.io.gonvme:test9",
			[]string{"nqn.2026-11.io.gonvme:test2", "nqn.2026-11.io.gonvme:test1"},
			[]string{"nqn.2026-11.io.gonvme:test2", "nqn.2026-11.io.gonvme:test1"},
		},
		{"abc", []string{"xyz", "abd", "abc", ""}, []string{"abc", "abd", "xyz", ""}},
		{"", []string{"aaa", "a", "aa"}, []string{"a", "aa", "aaa"}},
		{"x", nil, nil},
	}
	for _, tt := range tests {
		in := append([]string(nil), tt.candidates...)
		got := nvmf.Closest(tt.want, tt.candidates)
		if !slices.Equal(got, tt.order) {
			t.Errorf("Closest(%q, %q) = %q, want %q", tt.want, in, got, tt.order)
		}
		if !slices.Equal(tt.candidates, in) {
			t.Errorf("Closest modified its input: %q", tt.candidates)
		}
	}
}
