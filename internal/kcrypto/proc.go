package kcrypto

import (
	"bufio"
	"bytes"
	"strings"
)

// ProcCrypto is the kernel's list of registered algorithms.
const ProcCrypto = "/proc/crypto"

// Lists reports whether procCrypto (the contents of /proc/crypto) has an
// algorithm called name of type typ ("aead", "skcipher", …) that callers
// outside the crypto layer may use (not "internal : yes"). The file lists
// what is registered now: an instance of a template ("gcm(aes)" built from
// the gcm module) is listed only once something has allocated it, so a
// name missing here may still be allocatable (see Allocate).
func Lists(procCrypto []byte, name, typ string) bool {
	var cur map[string]string
	match := func() bool {
		return cur != nil && cur["name"] == name && cur["type"] == typ && cur["internal"] != "yes"
	}
	sc := bufio.NewScanner(bytes.NewReader(procCrypto))
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			if match() {
				return true
			}
			cur = nil
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		if cur == nil {
			cur = map[string]string{}
		}
		cur[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return match()
}
