package keyring

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/gonvme/gonvme/hostfs"
)

// ProcKeys is the kernel's list of the keys the reading process may view.
const ProcKeys = "/proc/keys"

// ErrNotFound says no key of that type and description is visible.
var ErrNotFound = errors.New("no such key")

// Key is a key's serial, type and description: from /proc/keys the
// description with the type's summary after it (see Matches), from List
// the description alone.
type Key struct {
	Serial      int
	Type        string
	Description string
	// Flags are /proc/keys' flags ("I--Q---"; R revoked, D dead, i
	// invalidated); empty from List.
	Flags string
}

// Gone reports whether /proc/keys shows the key revoked, dead or
// invalidated: listed only until the kernel's garbage collector frees it.
func (k Key) Gone() bool { return strings.ContainsAny(k.Flags, "RDi") }

// ParseProcKeys reads the lines of /proc/keys ("%08x flags usage timeout
// perm uid gid type description: summary"). The description is what
// precedes the type's summary; since descriptions may hold spaces and
// colons, Description keeps the whole rest of the line and Matches
// compares a wanted description against its start.
func ParseProcKeys(b []byte) []Key {
	var keys []Key
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		rest := line
		var fields []string
		for len(fields) < 8 {
			rest = strings.TrimLeft(rest, " ")
			f, r, ok := strings.Cut(rest, " ")
			if !ok {
				break
			}
			fields, rest = append(fields, f), r
		}
		if len(fields) < 8 {
			continue
		}
		serial, err := strconv.ParseUint(fields[0], 16, 31)
		if err != nil {
			continue
		}
		keys = append(keys, Key{Serial: int(serial), Type: fields[7], Description: strings.TrimLeft(rest, " "), Flags: fields[1]})
	}
	return keys
}

// Matches reports whether k has type keyType and description desc: its
// line's description field is desc followed by the summary (": …") or by
// nothing.
func (k Key) Matches(keyType, desc string) bool {
	if k.Type != keyType || !strings.HasPrefix(k.Description, desc) {
		return false
	}
	rest := k.Description[len(desc):]
	return rest == "" || strings.HasPrefix(rest, ": ")
}

// Find returns the serial of the first key of type keyType with
// description desc in /proc/keys under fs that is not revoked, dead or
// invalidated (a .nvme keyring of an unloaded nvme-keyring module stays
// listed, revoked, for a while).
func Find(fs hostfs.FS, keyType, desc string) (int, error) {
	b, err := fs.ReadFile(ProcKeys)
	if errors.Is(err, os.ErrNotExist) {
		return 0, fmt.Errorf("%s is missing: the kernel has no key retention service (CONFIG_KEYS): %w", fs.Path(ProcKeys), err)
	}
	if err != nil {
		return 0, fmt.Errorf("reading %s: %w", fs.Path(ProcKeys), err)
	}
	for _, k := range ParseProcKeys(b) {
		if k.Matches(keyType, desc) && !k.Gone() {
			return k.Serial, nil
		}
	}
	return 0, fmt.Errorf("%s %q: %w", keyType, desc, ErrNotFound)
}

// SessionKeyring is KEY_SPEC_SESSION_KEYRING, the calling process's
// session keyring.
const SessionKeyring = -3

// FindKeyring returns the serial of the keyring named desc the way
// keyutils' find_key_by_type_and_desc does: first among the keyrings the
// process possesses (a search from its session keyring, through search),
// then in /proc/keys.
func FindKeyring(fs hostfs.FS, search func(ring int, keyType, desc string) (int, error), desc string) (int, error) {
	if id, err := search(SessionKeyring, "keyring", desc); err == nil {
		return id, nil
	}
	return Find(fs, "keyring", desc)
}

// parseDescribe reads KEYCTL_DESCRIBE's "type;uid;gid;perm;description"
// into a Key with serial id.
func parseDescribe(id int, s string) (Key, bool) {
	f := strings.SplitN(s, ";", 5)
	if len(f) != 5 || f[0] == "" {
		return Key{}, false
	}
	return Key{Serial: id, Type: f[0], Description: f[4]}, true
}
