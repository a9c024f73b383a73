package ioctl

import "fmt"

// StatusError is a non-zero NVMe completion status returned by the
// controller (or by the host driver, for the path-related codes it
// synthesizes). Status is the status field as the Linux passthrough ioctl
// reports it: SC in bits 7:0, SCT in bits 10:8, CRD in 12:11, More in 13 and
// DNR in 14.
type StatusError struct {
	Status uint16
}

// Status code types.
const (
	SCTGeneric         = 0
	SCTCommandSpecific = 1
	SCTMediaError      = 2
	SCTPathRelated     = 3
)

// SCT returns the status code type.
func (e *StatusError) SCT() uint8 { return uint8(e.Status>>8) & 0x7 }

// SC returns the status code within its type.
func (e *StatusError) SC() uint8 { return uint8(e.Status) }

// DNR reports the Do Not Retry bit: the same command will fail again.
func (e *StatusError) DNR() bool { return e.Status&(1<<14) != 0 }

// statusNames names the statuses gonvme's commands can plausibly meet,
// keyed by SCT<<8 | SC.
var statusNames = map[uint16]string{
	0x000: "Successful Completion",
	0x001: "Invalid Command Opcode",
	0x002: "Invalid Field in Command",
	0x003: "Command ID Conflict",
	0x004: "Data Transfer Error",
	0x005: "Commands Aborted due to Power Loss Notification",
	0x006: "Internal Error",
	0x007: "Command Abort Requested",
	0x008: "Command Aborted due to SQ Deletion",
	0x00b: "Invalid Namespace or Format",
	0x00c: "Command Sequence Error",
	0x082: "Namespace Not Ready",
	0x109: "Invalid Log Page",
	0x300: "Internal Path Error",
	0x301: "Asymmetric Access Persistent Loss",
	0x302: "Asymmetric Access Inaccessible",
	0x303: "Asymmetric Access Transition",
	0x360: "Controller Pathing Error",
	0x370: "Host Pathing Error",
	0x371: "Command Aborted By Host",
}

// Name returns the status's name from the NVMe specification, or "" when
// this package does not know it.
func (e *StatusError) Name() string { return statusNames[e.Status&0x7ff] }

func (e *StatusError) Error() string {
	name := e.Name()
	if name == "" {
		name = fmt.Sprintf("SCT 0x%x SC 0x%02x", e.SCT(), e.SC())
	}
	retry := ""
	if e.DNR() {
		retry = ", do not retry"
	}
	return fmt.Sprintf("NVMe status %s (0x%04x%s)", name, e.Status, retry)
}
