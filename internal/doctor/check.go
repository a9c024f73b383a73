package doctor

import (
	"strings"

	"github.com/gonvme/gonvme/internal/render"
)

// Status is the outcome of one check.
type Status string

// Statuses, from good to bad; skip is a check that could not run.
const (
	OK   Status = "ok"
	Skip Status = "skip"
	Warn Status = "warn"
	Fail Status = "fail"
)

// Sections of the checklist, in the order they run.
const (
	SectionHost   = "host"
	SectionRDMA   = "rdma"
	SectionPath   = "path"
	SectionTarget = "target"
)

// Check is one line of the checklist.
type Check struct {
	Section  string `json:"section"`
	Name     string `json:"name"`
	Status   Status `json:"status"`
	Evidence string `json:"evidence"`
	Fix      string `json:"fix"` // "" for ok and skip
}

// Report is the whole checklist and its result: "fail" when a check
// failed, else "warn" when one warned, else "ok".
type Report struct {
	Checks []Check `json:"checks"`
	Result Status  `json:"result"`
}

// NewReport sums checks up.
func NewReport(checks []Check) Report {
	r := Report{Checks: checks, Result: OK}
	if r.Checks == nil {
		r.Checks = []Check{}
	}
	for _, c := range checks {
		switch {
		case c.Status == Fail:
			r.Result = Fail
		case c.Status == Warn && r.Result == OK:
			r.Result = Warn
		}
	}
	return r
}

// Failed reports whether any check failed.
func (r Report) Failed() bool { return r.Result == Fail }

func check(section, name string, st Status, evidence, fix string) Check {
	return Check{Section: section, Name: name, Status: st, Evidence: evidence, Fix: fix}
}

// needsRoot is the line of a check that only root may run.
func needsRoot(section, name, what string) Check {
	return check(section, name, Skip, "needs root: "+what, "")
}

// quote prints a name that came from the network or a file with its
// control characters and invalid UTF-8 escaped (render.Escape), "" as "".
func quote(s string) string {
	if s == "" {
		return `""`
	}
	return render.Escape(s)
}

func join(s []string) string { return strings.Join(s, ", ") }
