//go:build linux

// Command kbench is the bare-kernel baseline and timing helper of the gonvme
// benchmark (internal/vmtest/bench.sh). It runs inside the test guest; build
// it static (CGO_ENABLED=0).
//
//	kbench connect-serial FILE     write each option string of FILE (one a line)
//	                               to /dev/nvme-fabrics, one after another
//	kbench delete-concurrent       write "1" to every /sys/class/nvme/*/delete_controller
//	                               at once and wait until they are gone
//	kbench optstrings ARGS…        print the I/O option strings `gonvme connect-all ARGS…`
//	                               would write, one a line, without connecting them
//	kbench time [-o FILE] [-l LABEL] -- CMD ARGS…
//	                               run CMD; report wall seconds and the child's peak RSS
//	kbench report FILE             print the benchmark table from the records of FILE
//	kbench growth FILE…            print how each command's cost grows with N
//	kbench phases [TR ADDR PORT]   time the steps of list, list-subsys and connect-all
//	kbench profile FILE COUNT ARGS…  CPU profile of COUNT runs of `gonvme ARGS…` in one process
//	kbench monitor [-changes 20] [-discovery 16] [-idle 60s] [-o FILE]
//	                               gonvme monitor's reaction time beside a bare connect,
//	                               and its idle CPU time and memory
//
// connect-serial and delete-concurrent print the elapsed seconds. time
// appends "LABEL WALL_SECONDS MAXRSS_KB EXIT" to FILE (default: stderr).
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/internal/cli"
	"github.com/gonvme/gonvme/nvmf"
)

func usage() {
	fmt.Fprint(os.Stderr, `usage: kbench connect-serial FILE | delete-concurrent | optstrings ARGS… |
       time [-o FILE] [-l LABEL] -- CMD ARGS… | report FILE | growth FILE… |
       monitor [-changes N] [-discovery N] [-idle D] [-o FILE]
`)
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "connect-serial":
		if len(args) != 1 {
			usage()
		}
		err = connectSerial(args[0])
	case "delete-concurrent":
		err = deleteConcurrent()
	case "optstrings":
		err = optStrings(args)
	case "time":
		os.Exit(timeCmd(args))
	case "report":
		if len(args) != 1 {
			usage()
		}
		err = report(args[0], os.Stdout)
	case "phases":
		err = phases(args)
	case "profile":
		err = profile(args)
	case "monitor":
		err = monitorBench(args)
	case "growth":
		if len(args) == 0 {
			usage()
		}
		err = growth(args, os.Stdout)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "kbench: %v\n", err)
		os.Exit(1)
	}
}

// connectSerial writes each option string of file to /dev/nvme-fabrics, one
// write per controller, in order.
func connectSerial(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	k := fabrics.NewKernel(hostfs.New(""))
	start := time.Now()
	failed := 0
	each := make([]float64, 0, len(lines))
	for _, l := range lines {
		t := time.Now()
		if _, err := k.Create(l); err != nil {
			failed++
			fmt.Fprintf(os.Stderr, "kbench: %s: %v\n", l, err)
		}
		each = append(each, time.Since(t).Seconds())
	}
	fmt.Printf("%.3f\n", time.Since(start).Seconds())
	if os.Getenv("KBENCH_EACH") != "" && len(each) > 0 {
		slices.Sort(each)
		fmt.Fprintf(os.Stderr, "kbench: per connect min %.4f median %.4f p90 %.4f max %.4f s\n",
			each[0], each[len(each)/2], each[len(each)*9/10], each[len(each)-1])
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d connects failed", failed, len(lines))
	}
	return nil
}

// deleteConcurrent deletes every controller at once, one goroutine each.
func deleteConcurrent() error {
	start := time.Now()
	attrs, err := filepath.Glob("/sys/class/nvme/*/delete_controller")
	if err != nil {
		return err
	}
	errs := make([]error, len(attrs))
	var wg sync.WaitGroup
	for i, a := range attrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = os.WriteFile(a, []byte("1"), 0)
		}()
	}
	wg.Wait()
	// The write returns once the kernel has removed the controller; make
	// sure the sysfs directories are gone too.
	for _, a := range attrs {
		for {
			if _, err := os.Stat(filepath.Dir(a)); errors.Is(err, os.ErrNotExist) {
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
	fmt.Printf("%.3f\n", time.Since(start).Seconds())
	return errors.Join(errs...)
}

// recorder passes discovery controller connects to the kernel and records
// I/O connects instead of making them.
type recorder struct {
	fabrics.Kernel
	mu   sync.Mutex
	opts []string
}

var errRecorded = errors.New("recorded, not connected")

func (r *recorder) Create(opts string) (fabrics.Reply, error) {
	if strings.Contains(opts, "nqn="+"nqn.2014-08.org.nvmexpress.discovery") {
		return r.Kernel.Create(opts)
	}
	r.mu.Lock()
	r.opts = append(r.opts, opts)
	r.mu.Unlock()
	return fabrics.Reply{}, errRecorded
}

// optStrings runs gonvme's own connect-all with a recording kernel, so the
// strings are exactly those gonvme writes (first attempt of each path).
func optStrings(args []string) error {
	fs := hostfs.New("")
	edge := nvmf.NewEdge(fs)
	rec := &recorder{Kernel: edge.Kernel}
	edge.Kernel = rec
	cli.Run(cli.Env{FS: fs, Edge: edge, Stdout: io.Discard, Stderr: io.Discard, Context: context.Background()},
		append([]string{"connect-all"}, args...))
	if len(rec.opts) == 0 {
		return errors.New("gonvme connect-all wrote no I/O option string")
	}
	for _, o := range rec.opts {
		fmt.Println(o)
	}
	return nil
}

// timeCmd runs a command with inherited stdio and records its wall time and
// peak resident set size.
func timeCmd(args []string) int {
	fl := flag.NewFlagSet("time", flag.ExitOnError)
	out := fl.String("o", "", "append the record to this file (default: stderr)")
	label := fl.String("l", "-", "label of the record")
	fl.Parse(args)
	argv := fl.Args()
	if len(argv) == 0 {
		usage()
	}
	c := exec.Command(argv[0], argv[1:]...)
	c.Stdin, c.Stdout, c.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := c.Run()
	wall := time.Since(start).Seconds()
	rc := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		rc = ee.ExitCode()
	case err != nil:
		fmt.Fprintf(os.Stderr, "kbench: %v\n", err)
		return 127
	}
	var rss int64
	if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss // KiB on Linux
	}
	line := fmt.Sprintf("%s %.4f %d %d\n", *label, wall, rss, rc)
	if *out == "" {
		fmt.Fprint(os.Stderr, line)
	} else {
		f, err := os.OpenFile(*out, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			fmt.Fprintf(os.Stderr, "kbench: %v\n", err)
			return 127
		}
		w := bufio.NewWriter(f)
		w.WriteString(line)
		w.Flush()
		f.Close()
	}
	return rc
}
