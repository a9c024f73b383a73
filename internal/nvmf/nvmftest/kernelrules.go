package nvmftest

import (
	"syscall"

	"github.com/google/uuid"
)

// nqnSize is the kernel's NVMF_NQN_SIZE: nqn= and hostnqn= values of this
// many bytes or more are refused.
const nqnSize = 223

// kernelRefuses applies the checks nvmf_parse_options makes before any
// transport is involved, returning the errno the kernel would: EINVAL for
// an NQN of 223 bytes or more, a host ID that is not a UUID, or no nqn or
// transport. The fake refuses what the kernel refuses, so a test cannot
// pass on a write the real kernel would reject.
func kernelRefuses(m map[string]string) syscall.Errno {
	for _, k := range []string{"nqn", "hostnqn"} {
		if v, ok := m[k]; ok && len(v) >= nqnSize {
			return syscall.EINVAL
		}
	}
	if v, ok := m["hostid"]; ok {
		if len(v) != 36 || uuid.Validate(v) != nil {
			return syscall.EINVAL
		}
	}
	if m["nqn"] == "" || m["transport"] == "" {
		return syscall.EINVAL
	}
	return 0
}
