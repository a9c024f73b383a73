package textdiff

import "testing"

func TestFirstLine(t *testing.T) {
	cases := []struct{ want, got, out string }{
		{"a\nb\n", "a\nb\n", "same text"},
		{"a\nb\n", "a\nc\n", "line 2\nwant \"b\"\n got \"c\""},
		{"a\n", "a\nextra", "line 2\nwant \"\"\n got \"extra\""},
		{"a ", "a", "line 1\nwant \"a \"\n got \"a\""},
	}
	for _, c := range cases {
		if got := FirstLine(c.want, c.got); got != c.out {
			t.Errorf("FirstLine(%q, %q) = %q, want %q", c.want, c.got, got, c.out)
		}
	}
}
