package nvmf

import (
	"errors"
	"strings"

	"github.com/gonvme/gonvme/fabrics"
)

// The failure classes of fabrics, and two that only the kernel log can
// tell apart from a plain refusal (fabrics.ErrRefused): a failed connect
// matches them with errors.Is when the Edge follows the kernel log (Log).
var (
	ErrPermission       = fabrics.ErrPermission
	ErrModuleNotLoaded  = fabrics.ErrModuleNotLoaded
	ErrNothingListening = fabrics.ErrNothingListening
	ErrNoRoute          = fabrics.ErrNoRoute
	ErrTimeout          = fabrics.ErrTimeout
	ErrRefused          = fabrics.ErrRefused
	ErrAuthFailed       = fabrics.ErrAuthFailed
	ErrNoKey            = fabrics.ErrNoKey
	ErrNoController     = fabrics.ErrNoController

	// ErrNotOffered: the target has no subsystem of that NQN, or no
	// discovery controller asked offers it.
	ErrNotOffered = errors.New("subsystem not offered")
	// ErrHostNotAllowed: the subsystem exists but this host NQN is not
	// among its allowed hosts.
	ErrHostNotAllowed = errors.New("host not allowed")
)

// kernelLogClasses maps what the kernel logs for a failed connect to the
// class of the failure.
var kernelLogClasses = []struct {
	says  string
	class error
}{
	{"is not allowed", ErrHostNotAllowed},
	{"Invalid Data Parameter, subsysnqn", ErrNotOffered},
	{"no handler found for transport", ErrModuleNotLoaded},
}

// Is matches the failure classes the kernel log lines reveal.
func (e *KernelLogError) Is(target error) bool {
	for _, c := range kernelLogClasses {
		if c.class == target {
			for _, l := range e.Lines {
				if strings.Contains(l, c.says) {
					return true
				}
			}
		}
	}
	return false
}
