package cli

import (
	"fmt"
	"io"

	"github.com/gonvme/gonvme/nvmf"
)

// progressLine draws how far a run over many paths or controllers has got
// on one line of a terminal, redrawing it in place, and erases it when the
// run ends, before the results are printed.
type progressLine struct {
	w     io.Writer
	verb  string // "connecting", "disconnecting"
	drawn bool
}

// wantProgress says whether a run over total items shows a progress line:
// only on a terminal, never with --quiet, and only for more than one item.
func wantProgress(terminal, quiet bool, total int) bool {
	return terminal && !quiet && total > 1
}

// progressText is the line for p, without the terminal controls.
func progressText(verb string, p nvmf.Progress) string {
	s := fmt.Sprintf("%s: %d/%d done", verb, p.Done, p.Total)
	if p.Failed > 0 {
		s += fmt.Sprintf(", %d failed", p.Failed)
	}
	return s
}

// eraseLine returns the cursor to the start of the line and clears it.
const eraseLine = "\r\x1b[K"

func (l *progressLine) update(p nvmf.Progress) {
	fmt.Fprint(l.w, eraseLine+progressText(l.verb, p))
	l.drawn = true
}

func (l *progressLine) end() {
	if l.drawn {
		fmt.Fprint(l.w, eraseLine)
	}
}

// withProgress runs f with a progress line over total items on stderr
// when wantProgress says so.
func (env *Env) withProgress(verb string, quiet bool, total int, f func()) {
	terminal := env.Terminal != nil && env.Terminal()
	if !wantProgress(terminal, quiet, total) {
		f()
		return
	}
	l := &progressLine{w: env.Stderr, verb: verb}
	env.Edge.Progress = l.update
	defer func() {
		env.Edge.Progress = nil
		l.end()
	}()
	l.update(nvmf.Progress{Total: total})
	f()
}

// connectPaths connects the paths of rep that are not connected yet, with
// a progress line.
func (env *Env) connectPaths(rep *nvmf.Report, quiet bool) {
	n := 0
	for _, p := range rep.Paths {
		if p.Outcome == nvmf.NotAttempted {
			n++
		}
	}
	env.withProgress("connecting", quiet, n, func() { env.Edge.ConnectPaths(env.interruptible(), rep) })
}
