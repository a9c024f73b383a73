package kmod

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Load runs modprobe for module. The error carries what modprobe said.
func Load(module string) error {
	path := "/sbin/modprobe"
	if _, err := os.Stat(path); err != nil {
		p, err := exec.LookPath("modprobe")
		if err != nil {
			return fmt.Errorf("no modprobe (kmod) found: %w", err)
		}
		path = p
	}
	return run(path, module)
}

func run(modprobe, module string) error {
	out, err := exec.Command(modprobe, module).CombinedOutput()
	if err != nil {
		if msg := strings.TrimSpace(string(out)); msg != "" {
			return fmt.Errorf("%s: %w", msg, err)
		}
		return err
	}
	return nil
}
