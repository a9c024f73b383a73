package nqn

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/google/uuid"

	"github.com/gonvme/gonvme/internal/hostfs"
)

// Host identity files and the DMI attribute a host NQN is derived from.
const (
	HostNQNFile     = "/etc/nvme/hostnqn"
	HostIDFile      = "/etc/nvme/hostid"
	ProductUUIDFile = "/sys/class/dmi/id/product_uuid"
)

// Identity is the host NQN and host ID sent with every connect.
type Identity struct {
	HostNQN string
	HostID  string
}

// ReadHostNQN reads and validates /etc/nvme/hostnqn. A missing file yields
// an error matching os.ErrNotExist.
func ReadHostNQN(fs hostfs.FS) (string, error) {
	s, err := readIDFile(fs, HostNQNFile)
	if err != nil {
		return "", err
	}
	if err := Validate(s); err != nil {
		return "", fmt.Errorf("%s: %w; fix the file or remove it and run 'gonvme gen-hostnqn > %s'", fs.Path(HostNQNFile), err, HostNQNFile)
	}
	return s, nil
}

// ReadHostID reads and validates /etc/nvme/hostid. A missing file yields an
// error matching os.ErrNotExist.
func ReadHostID(fs hostfs.FS) (string, error) {
	s, err := readIDFile(fs, HostIDFile)
	if err != nil {
		return "", err
	}
	if err := ValidateHostID(s); err != nil {
		return "", fmt.Errorf("%s: %w", fs.Path(HostIDFile), err)
	}
	return s, nil
}

// readIDFile returns the first line of a one-line identity file; an empty
// file counts as missing.
func readIDFile(fs hostfs.FS, abs string) (string, error) {
	b, err := fs.ReadFile(abs)
	if err != nil {
		return "", err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	line = strings.TrimSpace(line)
	if line == "" {
		return "", fmt.Errorf("%s is empty: %w", fs.Path(abs), os.ErrNotExist)
	}
	return line, nil
}

// Generate returns a new UUID-form host NQN. The UUID is the DMI product
// UUID when that is readable, valid and not all zeros (or all ones);
// otherwise it is random.
func Generate(fs hostfs.FS) string {
	if s, err := fs.ReadAttr(ProductUUIDFile); err == nil {
		if u, err := uuid.Parse(s); err == nil && u != uuid.Nil && u != uuid.Max {
			return FromUUID(u)
		}
	}
	return FromUUID(uuid.New())
}

// ResolveIdentity picks the host NQN and host ID for a connect: explicit
// values first, then the files under /etc/nvme, then derived ones (a
// generated host NQN; a host ID equal to the UUID inside the host NQN, or a
// random one when the host NQN has none). Explicit values are validated too.
func ResolveIdentity(fs hostfs.FS, hostNQN, hostID string) (Identity, error) {
	id := Identity{HostNQN: hostNQN, HostID: hostID}
	if id.HostNQN != "" {
		if err := Validate(id.HostNQN); err != nil {
			return Identity{}, fmt.Errorf("--hostnqn: %w", err)
		}
	} else {
		s, err := ReadHostNQN(fs)
		switch {
		case err == nil:
			id.HostNQN = s
		case errors.Is(err, os.ErrNotExist):
			id.HostNQN = Generate(fs)
		default:
			return Identity{}, err
		}
	}
	if id.HostID != "" {
		if err := ValidateHostID(id.HostID); err != nil {
			return Identity{}, fmt.Errorf("--hostid: %w", err)
		}
		return id, nil
	}
	s, err := ReadHostID(fs)
	switch {
	case err == nil:
		id.HostID = s
	case errors.Is(err, os.ErrNotExist):
		if u, ok := UUIDOf(id.HostNQN); ok {
			id.HostID = u.String()
		} else {
			id.HostID = uuid.New().String()
		}
	default:
		return Identity{}, err
	}
	return id, nil
}
