package textdiff

import (
	"fmt"
	"strings"
)

// FirstLine names the first line where want and got differ, quoting both
// so trailing spaces and control characters show.
func FirstLine(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d\nwant %q\n got %q", i+1, wl, gl)
		}
	}
	if want == got {
		return "same text"
	}
	return "same lines, different bytes"
}
