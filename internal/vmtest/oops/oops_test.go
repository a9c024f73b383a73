package oops

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// stamp is the console's "[   65.476859] " before each message.
var stamp = regexp.MustCompile(`^\[\s*[0-9]+\.[0-9]+\] `)

// messages reads a console capture as the kernel's messages.
func messages(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		out = append(out, stamp.ReplaceAllString(l, ""))
	}
	return out
}

// The 6.1.172 guest's oops in nvmet_rdma during TestMonitor, from its
// console (the "Modules linked in" line, cut short by the capture, left
// out), with the host's messages before and after it.
const capture = "testdata/6.1-nvmet-rdma-disc-port-addr.txt"

func TestTargetOops(t *testing.T) {
	var s Scanner
	var found []Target
	for _, m := range messages(t, capture) {
		if o, ok := s.Add(m); ok {
			found = append(found, o)
		}
	}
	want := Target{
		Header: "BUG: kernel NULL pointer dereference, address: 0000000000000020",
		RIP:    "inet_addr_is_any+0x19/0x90",
		Frame:  "nvmet_rdma_disc_port_addr+0x29/0x90",
		Module: "nvmet_rdma",
	}
	if len(found) != 1 || found[0] != want {
		t.Fatalf("found %+v; want once %+v", found, want)
	}
	if got := want.String(); !strings.Contains(got, "called from nvmet_rdma_disc_port_addr+0x29/0x90 [nvmet_rdma]") {
		t.Errorf("String() = %q", got)
	}
}

// An oops whose trace never reaches nvmet (the same capture with the
// target's frames taken out) is the host's, not the target's.
func TestHostOopsIgnored(t *testing.T) {
	var s Scanner
	for _, m := range messages(t, capture) {
		if strings.Contains(m, "[nvmet") {
			continue
		}
		if o, ok := s.Add(m); ok {
			t.Fatalf("reported %+v for a trace without nvmet frames", o)
		}
	}
}

// Frames marked unreliable ("? ") do not count, and messages outside a
// trace never do.
func TestUnreliableFramesAndPlainMessages(t *testing.T) {
	var s Scanner
	for _, m := range []string{
		" nvmet_execute_disc_get_log_page+0x19b/0x340 [nvmet]",
		"BUG: kernel NULL pointer dereference, address: 0000000000000020",
		" ? nvmet_execute_disc_get_log_page+0x169/0x340 [nvmet]",
		"---[ end trace 0000000000000000 ]---",
		" nvmet_rdma_disc_port_addr+0x29/0x90 [nvmet_rdma]",
	} {
		if o, ok := s.Add(m); ok {
			t.Fatalf("reported %+v at %q", o, m)
		}
	}
}
