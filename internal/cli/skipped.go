package cli

import (
	"fmt"
	"io"
	"strconv"
	"unicode"

	"github.com/gonvme/gonvme/nvmf"
)

// printSkipped writes to w the line of a discovery log entry that
// connect-all or connect -n did not follow. Its address and NQN come from
// the network, so anything but printable text in them is shown quoted and
// escaped.
func printSkipped(w io.Writer, p nvmf.PathResult) {
	o := p.Options
	addr := o.Traddr
	if o.Trsvcid != "" {
		addr += ":" + o.Trsvcid
	}
	fmt.Fprintf(w, "skipped %s %s %s: %v\n", o.Transport, printable(addr), printable(o.NQN), p.Err)
}

// printable returns s when it is plain printable text, else s quoted with
// Go escapes.
func printable(s string) string {
	for _, r := range s {
		if !unicode.IsPrint(r) || r == ' ' || r == unicode.ReplacementChar {
			return strconv.QuoteToASCII(s)
		}
	}
	return s
}
