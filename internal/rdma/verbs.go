package rdma

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/gonvme/gonvme/hostfs"
)

// The kernel's uverbs character devices, one per RDMA device, and the
// sysfs class that names the RDMA device behind each.
const (
	VerbsClassDir = "/sys/class/infiniband_verbs"
	VerbsDevDir   = "/dev/infiniband"
)

// The legacy write() commands of include/uapi/rdma/ib_user_verbs.h that
// gonvme sends: a header (command, in_words, out_words; words of four
// bytes, in_words counting the header) and the command, whose first field
// is the user address the kernel writes the response to.
const (
	cmdGetContext = 0
	cmdQueryPort  = 2

	cmdHdrLen         = 8
	getContextLen     = 8 // struct ib_uverbs_get_context
	getContextRespLen = 8 // struct ib_uverbs_get_context_resp
	// getContextDriverRoom is room for the driver's own answer after it:
	// siw refuses a context it cannot tell its device ID (EINVAL).
	getContextDriverRoom = 256
	queryPortLen         = 16 // struct ib_uverbs_query_port
	// QueryPortRespLen is the size of struct ib_uverbs_query_port_resp.
	QueryPortRespLen = 40
)

// encodeGetContext writes IB_USER_VERBS_CMD_GET_CONTEXT, without driver
// data, into b and returns its length.
func encodeGetContext(b []byte, resp uint64) int {
	putHdr(b, cmdGetContext, cmdHdrLen+getContextLen, getContextRespLen+getContextDriverRoom)
	binary.LittleEndian.PutUint64(b[8:], resp)
	return cmdHdrLen + getContextLen
}

// encodeQueryPort writes IB_USER_VERBS_CMD_QUERY_PORT for port into b and
// returns its length.
func encodeQueryPort(b []byte, resp uint64, port uint8) int {
	putHdr(b, cmdQueryPort, cmdHdrLen+queryPortLen, QueryPortRespLen)
	binary.LittleEndian.PutUint64(b[8:], resp)
	b[16] = port
	clear(b[17:24])
	return cmdHdrLen + queryPortLen
}

func putHdr(b []byte, cmd uint32, in, out int) {
	binary.LittleEndian.PutUint32(b, cmd)
	binary.LittleEndian.PutUint16(b[4:], uint16(in/4))
	binary.LittleEndian.PutUint16(b[6:], uint16(out/4))
}

// PortAttr is the part of the kernel's answer to QUERY_PORT that gonvme
// shows: what ibv_devinfo prints as state, max_mtu, active_mtu and
// link_layer.
type PortAttr struct {
	State     int // enum ib_port_state: 1 DOWN … 4 ACTIVE
	MaxMTU    int // bytes, 256…4096
	ActiveMTU int
	PhysState int
	LinkLayer int // 0 unspecified, 1 InfiniBand, 2 Ethernet
}

// ParseQueryPortResp decodes struct ib_uverbs_query_port_resp.
func ParseQueryPortResp(b []byte) (PortAttr, error) {
	if len(b) < QueryPortRespLen {
		return PortAttr{}, fmt.Errorf("QUERY_PORT answer of %d bytes, want %d", len(b), QueryPortRespLen)
	}
	// u32 ×5, u16 ×3 (pkey_tbl_len, lid, sm_lid), then the u8 fields.
	const u8s = 5*4 + 3*2
	a := PortAttr{
		State:     int(b[u8s]),
		MaxMTU:    MTUBytes(b[u8s+1]),
		ActiveMTU: MTUBytes(b[u8s+2]),
		PhysState: int(b[u8s+10]),
		LinkLayer: int(b[u8s+11]),
	}
	if a.ActiveMTU == 0 {
		return a, fmt.Errorf("QUERY_PORT answered active MTU enum %d, not one of 1…5 (256…4096)", b[u8s+2])
	}
	return a, nil
}

// MTUBytes turns enum ib_mtu (1…5) into bytes (256…4096); 0 for anything
// else.
func MTUBytes(e uint8) int {
	if e < 1 || e > 5 {
		return 0
	}
	return 128 << e
}

// RoCEHeaderBytes is what the kernel takes off a netdev MTU for the RoCE
// MTU that fits it (iboe_get_mtu, which rdma_cm uses for the path MTU):
// GRH 40, UDP 8, BTH 12, XRC ETH 4, AtomicETH 28 and ICRC 4 bytes.
const RoCEHeaderBytes = 40 + 8 + 12 + 4 + 28 + 4

// RoCEMTU is the largest IB MTU (256…4096) that fits a netdev MTU with the
// RoCE headers, as rdma_cm computes it; 0 when not even 256 fits.
func RoCEMTU(netdevMTU int) int {
	room := netdevMTU - RoCEHeaderBytes
	for m := 4096; m >= 256; m /= 2 {
		if room >= m {
			return m
		}
	}
	return 0
}

// ErrNoVerbsDevice means the kernel offers no uverbs device for an RDMA
// device: ib_uverbs is not loaded, or the driver has no user verbs.
var ErrNoVerbsDevice = errors.New("no uverbs device")

// VerbsDevice returns the uverbs character device of RDMA device dev
// ("/dev/infiniband/uverbs0"), found through VerbsClassDir/*/ibdev.
func VerbsDevice(root hostfs.FS, dev string) (string, error) {
	ents, err := root.ReadDir(VerbsClassDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("listing %s: %w", VerbsClassDir, err)
	}
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), "uverbs") {
			continue
		}
		if ib, err := root.ReadAttr(VerbsClassDir + "/" + e.Name() + "/ibdev"); err == nil && ib == dev {
			return VerbsDevDir + "/" + e.Name(), nil
		}
	}
	return "", fmt.Errorf("%w for %s in %s (load it: modprobe ib_uverbs)", ErrNoVerbsDevice, dev, VerbsClassDir)
}

// PortQuerier asks the kernel for the attributes of ports of the RDMA
// device whose uverbs device is path.
type PortQuerier func(path string, ports []int) (map[int]PortAttr, error)

// ReadMTUs fills ActiveMTU and MaxMTU of every port of devs through q, or
// MTUErr with the reason they are unknown.
func ReadMTUs(root hostfs.FS, devs []Device, q PortQuerier) {
	for i := range devs {
		d := &devs[i]
		var ports []int
		for _, p := range d.Ports {
			ports = append(ports, p.Number)
		}
		path, err := VerbsDevice(root, d.Name)
		var attrs map[int]PortAttr
		if err == nil {
			attrs, err = q(root.Path(path), ports)
		}
		for j := range d.Ports {
			p := &d.Ports[j]
			a, ok := attrs[p.Number]
			switch {
			case err != nil:
				p.MTUErr = err
			case !ok:
				p.MTUErr = fmt.Errorf("%s answered nothing for port %d", path, p.Number)
			default:
				p.ActiveMTU, p.MaxMTU = a.ActiveMTU, a.MaxMTU
			}
		}
	}
}
