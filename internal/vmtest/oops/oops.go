package oops

import (
	"fmt"
	"regexp"
	"strings"
)

// Target is an oops in the NVMe target: where the CPU was (RIP) and the
// first reliable frame of the trace in an nvmet module.
type Target struct {
	Header string // the first line: "BUG: kernel NULL pointer dereference, ..."
	RIP    string // "inet_addr_is_any+0x19/0x90"
	Frame  string // "nvmet_rdma_disc_port_addr+0x29/0x90"
	Module string // "nvmet_rdma"
}

func (t Target) String() string {
	return fmt.Sprintf("%s at %s, called from %s [%s]", t.Header, t.RIP, t.Frame, t.Module)
}

// Scanner follows kernel messages one at a time (Add). The zero value is
// ready.
type Scanner struct {
	in     bool
	header string
	rip    string
}

// frame is a call trace line the kernel does not mark unreliable ("? ").
var frame = regexp.MustCompile(`^\s*([A-Za-z0-9_.]+\+0x[0-9a-f]+/0x[0-9a-f]+) \[([a-z0-9_]+)\]`)

// Add takes the next message (without the console's timestamp) and
// reports the oops once a frame of its trace is in an nvmet module.
func (s *Scanner) Add(msg string) (Target, bool) {
	switch {
	case strings.HasPrefix(msg, "BUG: ") || strings.HasPrefix(msg, "Oops: ") || strings.Contains(msg, "general protection fault"):
		if !s.in {
			s.in, s.header, s.rip = true, msg, ""
		}
	case !s.in:
	case strings.HasPrefix(msg, "---[ end trace"):
		s.in = false
	case strings.HasPrefix(msg, "RIP: "):
		if s.rip == "" {
			_, s.rip, _ = strings.Cut(strings.TrimPrefix(msg, "RIP: "), ":")
		}
	default:
		if m := frame.FindStringSubmatch(msg); m != nil && strings.HasPrefix(m[2], "nvmet") {
			s.in = false
			return Target{Header: s.header, RIP: s.rip, Frame: m[1], Module: m[2]}, true
		}
	}
	return Target{}, false
}
