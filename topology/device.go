package topology

// Device is one namespace block device as `nvme list` shows it. The sizes
// come from Identify Namespace (NSZE, NUSE and the LBA format in use), or
// from sysfs when the namespace could not be identified.
type Device struct {
	NameSpace    uint32 // namespace ID
	DevicePath   string // "/dev/nvme0n1"
	GenericPath  string // "/dev/ng0n1"
	Firmware     string
	ModelNumber  string
	SerialNumber string
	UsedBytes    uint64 // NUSE × SectorSize
	MaximumLBA   uint64 // NSZE
	PhysicalSize uint64 // NSZE × SectorSize
	SectorSize   uint32 // LBA data size in bytes
	MetadataSize uint32 // metadata bytes per LBA
}
