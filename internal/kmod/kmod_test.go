package kmod

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunReportsModprobe(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "modprobe")
	script := "#!/bin/sh\n[ \"$1\" = tls ] && exit 0\necho \"modprobe: FATAL: Module $1 not found\" >&2\nexit 1\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := run(fake, "tls"); err != nil {
		t.Errorf("loading a module modprobe finds: %v", err)
	}
	err := run(fake, "gcm")
	if err == nil || !strings.Contains(err.Error(), "modprobe: FATAL: Module gcm not found") || !strings.Contains(err.Error(), "exit status 1") {
		t.Errorf("a module modprobe cannot load: %v", err)
	}
}
