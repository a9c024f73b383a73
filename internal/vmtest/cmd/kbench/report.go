//go:build linux

package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// A record line of the results file, as `kbench time -l ROUND:TOOL:CMD`
// writes it: "ROUND:TOOL:CMD WALL RSS_KB EXIT". Round 0 is the warm-up and
// is left out. Lines "meta KEY VALUE…" carry N, sizes and the kernel.
type sample struct {
	wall float64
	rss  int64
	rc   int
}

// row is one command of the table, its tools and the targets.
type row struct {
	cmd    string // label in the records
	title  string
	vsCLI  float64 // target gonvme/nvme-cli, 0 for none
	vsKern float64 // target gonvme/kernel, 0 for none
	kernel string  // what the kernel baseline is
}

var rows = []row{
	{cmd: "connect-all", title: "connect-all", vsKern: 1.05, kernel: "serial writes"},
	{cmd: "connect-all-again", title: "connect-all, all connected", vsCLI: 0.2},
	{cmd: "disconnect-all", title: "disconnect-all", vsCLI: 0.1, vsKern: 1.3, kernel: "concurrent deletes"},
	{cmd: "list", title: "list", vsCLI: 0.2},
	{cmd: "list-json", title: "list -o json", vsCLI: 0.2},
	{cmd: "list-subsys", title: "list-subsys", vsCLI: 0.1},
	{cmd: "discover", title: "discover", vsCLI: 1.0},
	{cmd: "startup", title: "start-up alone (version)"},
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// results is one results file, parsed.
type results struct {
	samples map[string][]sample // "tool:cmd"
	meta    map[string]string
	rounds  map[string]bool
}

func load(file string) (*results, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res := &results{samples: map[string][]sample{}, meta: map[string]string{}, rounds: map[string]bool{}}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 3 && fields[0] == "meta" {
			res.meta[fields[1]] = strings.Join(fields[2:], " ")
			continue
		}
		if len(fields) != 4 {
			continue
		}
		label := strings.SplitN(fields[0], ":", 3)
		if len(label) != 3 || label[0] == "0" {
			continue
		}
		var s sample
		s.wall, _ = strconv.ParseFloat(fields[1], 64)
		s.rss, _ = strconv.ParseInt(fields[2], 10, 64)
		s.rc, _ = strconv.Atoi(fields[3])
		res.rounds[label[0]] = true
		res.samples[label[1]+":"+label[2]] = append(res.samples[label[1]+":"+label[2]], s)
	}
	return res, sc.Err()
}

// stat is the median wall time, the peak RSS and the count of non-zero
// exits of one tool's command.
func (res *results) stat(tool, cmd string) (med float64, rss int64, bad int, ok bool) {
	ss := res.samples[tool+":"+cmd]
	if len(ss) == 0 {
		return 0, 0, 0, false
	}
	var walls []float64
	for _, s := range ss {
		walls = append(walls, s.wall)
		rss = max(rss, s.rss)
		if s.rc != 0 {
			bad++
		}
	}
	return median(walls), rss, bad, true
}

func report(file string, w io.Writer) error {
	res, err := load(file)
	if err != nil {
		return err
	}
	meta, rounds, stat := res.meta, res.rounds, res.stat
	secs := func(v float64, ok bool, bad int) string {
		if !ok {
			return "–"
		}
		s := fmt.Sprintf("%.3f", v)
		if bad > 0 {
			s += fmt.Sprintf(" (exit≠0 ×%d)", bad)
		}
		return s
	}
	verdict := func(ratio, target float64) string {
		if target == 0 {
			return ""
		}
		if ratio <= target {
			return fmt.Sprintf("%.3f ≤ %.2f met", ratio, target)
		}
		return fmt.Sprintf("%.3f > %.2f NOT met", ratio, target)
	}
	fmt.Fprintf(w, "gonvme benchmark: N=%s subsystems (1 namespace each, one soft-RoCE port), %d rounds after a warm-up, medians\n",
		meta["N"], len(rounds))
	fmt.Fprintf(w, "guest kernel %s, %s, nvme-cli %s, date %s\n\n", meta["kernel"], meta["cpus"], meta["nvmecli"], meta["date"])
	fmt.Fprintln(w, "| command | nvme-cli s | gonvme s | kernel s | gonvme/nvme-cli (target) | gonvme/kernel (target) | gonvme peak RSS |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---|---|---:|")
	for _, r := range rows {
		c, _, cbad, cok := stat("nvme", r.cmd)
		g, grss, gbad, gok := stat("gonvme", r.cmd)
		k, _, kbad, kok := stat("kernel", r.cmd)
		vc, vk := "", ""
		if cok && gok && c > 0 {
			vc = verdict(g/c, r.vsCLI)
			if r.vsCLI == 0 {
				vc = fmt.Sprintf("%.3f", g/c)
			}
		}
		if kok && gok && k > 0 {
			vk = verdict(g/k, r.vsKern)
			if r.vsKern == 0 {
				vk = fmt.Sprintf("%.3f", g/k)
			}
		}
		title := r.title
		if r.kernel != "" {
			title += " (kernel: " + r.kernel + ")"
		}
		rss := "–"
		if gok {
			rss = fmt.Sprintf("%.1f MiB", float64(grss)/1024)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", title,
			secs(c, cok, cbad), secs(g, gok, gbad), secs(k, kok, kbad), vc, vk, rss)
	}
	fmt.Fprintln(w)
	if v := meta["gonvme_size"]; v != "" {
		fmt.Fprintf(w, "gonvme binary: %s bytes; nvme-cli: %s\n", v, meta["nvmecli_size"])
	}
	return nil
}

// growth prints, for each command and tool, the median at each N and the
// cost per subsystem, to show how cost grows with N.
func growth(files []string, w io.Writer) error {
	var all []*results
	for _, f := range files {
		r, err := load(f)
		if err != nil {
			return err
		}
		all = append(all, r)
	}
	slices.SortFunc(all, func(a, b *results) int {
		x, _ := strconv.Atoi(a.meta["N"])
		y, _ := strconv.Atoi(b.meta["N"])
		return x - y
	})
	fmt.Fprintln(w, "How cost grows with N (median seconds; in brackets ms per subsystem)")
	fmt.Fprintln(w)
	fmt.Fprint(w, "| command | tool |")
	for _, r := range all {
		fmt.Fprintf(w, " N=%s |", r.meta["N"])
	}
	fmt.Fprintln(w)
	fmt.Fprint(w, "|---|---|")
	for range all {
		fmt.Fprint(w, "---:|")
	}
	fmt.Fprintln(w)
	for _, row := range rows {
		for _, tool := range []string{"nvme", "gonvme", "kernel"} {
			line := fmt.Sprintf("| %s | %s |", row.title, map[string]string{"nvme": "nvme-cli", "gonvme": "gonvme", "kernel": "kernel"}[tool])
			any := false
			for _, r := range all {
				med, _, _, ok := r.stat(tool, row.cmd)
				n, _ := strconv.Atoi(r.meta["N"])
				if !ok || n == 0 {
					line += " – |"
					continue
				}
				any = true
				line += fmt.Sprintf(" %.3f (%.1f) |", med, med*1000/float64(n))
			}
			if any {
				fmt.Fprintln(w, line)
			}
		}
	}
	return nil
}
