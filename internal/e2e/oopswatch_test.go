//go:build e2e

package e2e

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/gonvme/gonvme/internal/vmtest/oops"
	"github.com/gonvme/gonvme/kmsg"
)

// targetOopsExit is the suite's exit status when the guest's NVMe target
// oopsed; e2e.sh then runs that kernel's suite once more and says so.
const targetOopsExit = 3

// watchTargetOops follows /dev/kmsg and ends the suite at once, with
// GONVME-E2E-TARGET-OOPS and the oops on stdout, when the kernel oopses in
// the nvmet modules: the target every test uses is then dead, and each
// later test would wait on it until the guest's timeout.
func watchTargetOops() {
	f, err := os.Open("/dev/kmsg")
	if err == nil {
		_, err = f.Seek(0, io.SeekEnd)
	}
	if err != nil {
		fmt.Println("e2e: not watching the kernel log for target oopses:", err)
		return
	}
	go func() {
		var s oops.Scanner
		buf := make([]byte, 8192)
		for {
			n, err := f.Read(buf)
			if errors.Is(err, syscall.EPIPE) {
				continue // records were overwritten
			}
			if err != nil {
				return
			}
			r, ok := kmsg.ParseRecord(buf[:n])
			if !ok {
				continue
			}
			if o, found := s.Add(r.Message); found {
				fmt.Printf("\nGONVME-E2E-TARGET-OOPS: the guest's NVMe target oopsed: %s\n", o)
				os.Exit(targetOopsExit)
			}
		}
	}()
}
