package nqn

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode"

	"github.com/google/uuid"

	"github.com/gonvme/gonvme/hostfs"
)

// Host identity files, the variables that override them, and the files a
// missing identity is derived from.
const (
	HostNQNFile     = "/etc/nvme/hostnqn"
	HostIDFile      = "/etc/nvme/hostid"
	HostNQNEnv      = "LIBNVME_HOSTNQN"
	HostIDEnv       = "LIBNVME_HOSTID"
	ProductUUIDFile = "/sys/class/dmi/id/product_uuid"
	MachineIDFile   = "/etc/machine-id"
)

// Identity is the host NQN and host ID sent with every connect.
type Identity struct {
	HostNQN string
	HostID  string
}

// ReadHostNQN reads and validates /etc/nvme/hostnqn. A missing or empty
// file yields an error matching os.ErrNotExist.
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

// ReadHostID reads and validates /etc/nvme/hostid. A missing or empty
// file yields an error matching os.ErrNotExist.
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

// readIDFile returns the first line of an identity file that is neither
// empty nor a '#' comment, without trailing white space or CR. A file
// with no such line counts as missing. White space or a control character
// left inside the line is an error naming the file: libnvme would send it
// to the kernel as part of the name.
func readIDFile(fs hostfs.FS, abs string) (string, error) {
	b, err := fs.ReadFile(abs)
	if err != nil {
		return "", err
	}
	for n, line := range strings.Split(string(b), "\n") {
		line = strings.TrimRightFunc(line, unicode.IsSpace)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		for i, r := range line {
			if unicode.IsSpace(r) || unicode.IsControl(r) {
				return "", fmt.Errorf("%s:%d: contains white space or a control character (%U) at byte %d; the file must hold the name alone on one line",
					fs.Path(abs), n+1, r, i)
			}
		}
		return line, nil
	}
	return "", fmt.Errorf("%s has no identity line: %w", fs.Path(abs), os.ErrNotExist)
}

// Generate returns a new UUID-form host NQN, as 'gen-hostnqn' prints it:
// the DMI product UUID when that is readable, valid and neither all zeros
// nor all ones, otherwise a random UUID.
func Generate(fs hostfs.FS) string {
	if u, ok := productUUID(fs); ok {
		return FromUUID(u)
	}
	return FromUUID(uuid.New())
}

func productUUID(fs hostfs.FS) (uuid.UUID, bool) {
	s, err := fs.ReadAttr(ProductUUIDFile)
	if err != nil || ValidateHostID(s) != nil {
		return uuid.UUID{}, false
	}
	u := uuid.MustParse(s)
	return u, u != uuid.Nil && u != uuid.Max
}

// appID keys the host ID derived from /etc/machine-id, so that the machine
// ID itself never leaves the host (machine-id(5) asks applications for an
// application-specific hash of it instead).
var appID = uuid.MustParse("5e0c2d7a-3b91-4f6e-9a48-c1d7f02b6a35")

// machineUUID derives a stable UUID from /etc/machine-id: HMAC-SHA256 of
// appID keyed with the machine ID, cut to 16 bytes and marked as a
// version 4 UUID.
func machineUUID(fs hostfs.FS) (uuid.UUID, bool) {
	s, err := fs.ReadAttr(MachineIDFile)
	if err != nil || len(s) != 32 {
		return uuid.UUID{}, false
	}
	key, err := hex.DecodeString(s)
	if err != nil || strings.Trim(s, "0") == "" {
		return uuid.UUID{}, false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(appID[:])
	var u uuid.UUID
	copy(u[:], mac.Sum(nil))
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u, true
}

// StableHostID is the host ID used when none is configured: the DMI
// product UUID when valid, else a hash of /etc/machine-id, else random.
// The first two are the same on every run on one machine.
func StableHostID(fs hostfs.FS) string {
	if u, ok := productUUID(fs); ok {
		return u.String()
	}
	if u, ok := machineUUID(fs); ok {
		return u.String()
	}
	return uuid.New().String()
}

// Sources are where Resolve looks for an identity that was not given
// explicitly.
type Sources struct {
	FS hostfs.FS
	// LookupEnv reads LIBNVME_HOSTNQN and LIBNVME_HOSTID; nil means the
	// process environment. A variable that is set wins over its file, and
	// set to "" it means "none", as in libnvme.
	LookupEnv func(string) (string, bool)
	// Config is the first host of config.json, when one is used; either
	// field may be empty.
	Config Identity
}

// Resolve picks the host NQN and host ID for a command, in libnvme's
// order. Host NQN: hostNQN, Config, LIBNVME_HOSTNQN or /etc/nvme/hostnqn,
// else derived from the host ID. Host ID: hostID, Config, LIBNVME_HOSTID
// or /etc/nvme/hostid, the UUID inside a UUID-form host NQN, else
// StableHostID. Every value is validated; an error names its source.
func Resolve(src Sources, hostNQN, hostID string) (Identity, error) {
	lookup := src.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	id := Identity{HostNQN: hostNQN, HostID: hostID}
	where := map[string]string{"nqn": "--hostnqn", "id": "--hostid"}
	if id.HostNQN == "" && src.Config.HostNQN != "" {
		id.HostNQN, where["nqn"] = src.Config.HostNQN, "config.json hostnqn"
	}
	if id.HostID == "" && src.Config.HostID != "" {
		id.HostID, where["id"] = src.Config.HostID, "config.json hostid"
	}
	if id.HostNQN == "" {
		if v, ok := lookup(HostNQNEnv); ok {
			id.HostNQN, where["nqn"] = v, HostNQNEnv
		} else {
			s, err := ReadHostNQN(src.FS)
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				return Identity{}, err
			}
			id.HostNQN = s
		}
	}
	if id.HostID == "" {
		if v, ok := lookup(HostIDEnv); ok {
			id.HostID, where["id"] = v, HostIDEnv
		} else {
			s, err := ReadHostID(src.FS)
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				return Identity{}, err
			}
			id.HostID = s
		}
	}
	if id.HostNQN != "" {
		if err := Validate(id.HostNQN); err != nil {
			return Identity{}, fmt.Errorf("%s: %w", where["nqn"], err)
		}
	}
	if id.HostID != "" {
		if err := ValidateHostID(id.HostID); err != nil {
			return Identity{}, fmt.Errorf("%s: %w", where["id"], err)
		}
	}
	if id.HostID == "" {
		if u, ok := UUIDOf(id.HostNQN); ok {
			id.HostID = u.String()
		} else {
			id.HostID = StableHostID(src.FS)
		}
	}
	if id.HostNQN == "" {
		id.HostNQN = UUIDPrefix + id.HostID
	}
	return id, nil
}

// ResolveIdentity is Resolve with the process environment and no
// config.json host.
func ResolveIdentity(fs hostfs.FS, hostNQN, hostID string) (Identity, error) {
	return Resolve(Sources{FS: fs}, hostNQN, hostID)
}

// DeriveHostID returns the host ID for a further host NQN of this machine
// (a second host of config.json without a hostid): the UUID inside a
// UUID-form hostNQN, else a name-based UUID of hostNQN within primary, the
// machine's own host ID. The kernel refuses one host ID under two host
// NQNs, so each host NQN gets its own, the same on every run.
func DeriveHostID(primary, hostNQN string) string {
	if u, ok := UUIDOf(hostNQN); ok {
		return u.String()
	}
	ns, err := uuid.Parse(primary)
	if err != nil {
		ns = appID
	}
	return uuid.NewSHA1(ns, []byte(hostNQN)).String()
}
