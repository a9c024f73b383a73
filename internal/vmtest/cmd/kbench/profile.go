//go:build linux

package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strconv"

	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/internal/cli"
)

// profile runs `gonvme ARGS…` in this process COUNT times under the CPU
// profiler and writes the profile to FILE, for `go tool pprof`: where a
// command's time goes, Go code and system calls alike.
func profile(args []string) error {
	if len(args) < 3 {
		return fmt.Errorf("usage: kbench profile FILE COUNT GONVME-ARGS…")
	}
	count, err := strconv.Atoi(args[1])
	if err != nil {
		return fmt.Errorf("COUNT: %w", err)
	}
	f, err := os.Create(args[0])
	if err != nil {
		return err
	}
	defer f.Close()
	env := cli.Env{FS: hostfs.New(""), Stdout: io.Discard, Stderr: io.Discard}
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	for i := 0; i < count; i++ {
		if rc := cli.Run(env, args[2:]); rc != 0 {
			pprof.StopCPUProfile()
			return fmt.Errorf("gonvme %v: exit %d", args[2:], rc)
		}
	}
	pprof.StopCPUProfile()
	return nil
}
