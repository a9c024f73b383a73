package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/gonvme/gonvme/hostfs"
)

// Dir is the registry's directory.
const Dir = "/run/nvme/registry"

// Owner is the owner gonvme's monitor records.
const Owner = "gonvme"

var deviceName = regexp.MustCompile(`^nvme[0-9]+$`)

func entryPath(fs hostfs.FS, device string) (string, error) {
	if !deviceName.MatchString(device) {
		return "", fmt.Errorf("registry: %q is not a controller name (nvmeN)", device)
	}
	return fs.Path(Dir + "/" + device + ".json"), nil
}

// Claim records owner as the owner of controller device, keeping the
// entry's other fields.
func Claim(fs hostfs.FS, device, owner string) error {
	p, err := entryPath(fs, device)
	if err != nil {
		return err
	}
	entry := map[string]any{}
	if b, err := os.ReadFile(p); err == nil {
		_ = json.Unmarshal(b, &entry) // an unreadable entry is replaced
	}
	entry["owner"] = owner
	b, err := json.Marshal(entry)
	if err != nil {
		return fmt.Errorf("registry entry of %s: %w", device, err)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("registry: %w", err)
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("registry entry of %s: %w", device, err)
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("registry entry of %s: %w", device, err)
	}
	return nil
}

// OwnerOf returns the owner of controller device, or "" when it has no
// live entry (none, unreadable, or its controller is gone).
func OwnerOf(fs hostfs.FS, device string) string {
	p, err := entryPath(fs, device)
	if err != nil {
		return ""
	}
	if _, err := os.Stat(fs.Path("/sys/class/nvme/" + device)); err != nil {
		return "" // stale: the controller is gone
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return ""
	}
	var entry struct {
		Owner string `json:"owner"`
	}
	if json.Unmarshal(b, &entry) != nil {
		return ""
	}
	return entry.Owner
}

// Release removes the entry of controller device if owner owns it.
func Release(fs hostfs.FS, device, owner string) error {
	p, err := entryPath(fs, device)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("registry entry of %s: %w", device, err)
	}
	var entry struct {
		Owner string `json:"owner"`
	}
	if json.Unmarshal(b, &entry) == nil && entry.Owner != owner {
		return nil // someone else's now
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("registry entry of %s: %w", device, err)
	}
	return nil
}
