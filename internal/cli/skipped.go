package cli

import (
	"fmt"
	"strconv"
	"unicode"

	"github.com/gonvme/gonvme/internal/nvmf"
)

// printSkipped writes the line of a discovery log entry that connect-all
// or connect -n did not follow. Its address and NQN come from the network,
// so anything but printable text in them is shown quoted and escaped.
func (env *Env) printSkipped(p nvmf.PathResult) {
	o := p.Options
	addr := o.Traddr
	if o.Trsvcid != "" {
		addr += ":" + o.Trsvcid
	}
	fmt.Fprintf(env.Stdout, "skipped %s %s %s: %v\n", o.Transport, printable(addr), printable(o.NQN), p.Err)
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
