package compat

import "fmt"

// Feature is one way an nvme-cli release's output differs from another's.
type Feature int

// The features, each a row (or rows) of Table.
const (
	// ListNSHex: `list` prints the Namespace column as %#-10x (0x1).
	ListNSHex Feature = iota
	// ListGenericPath: `list -o json` has "GenericPath".
	ListGenericPath
	// ListSorted: `list` and `list -v` print rows in name order (a
	// strset) rather than in libnvme's tree order.
	ListSorted
	// ListTable: `list` widens a column to its widest value (util/table.c).
	ListTable
	// VerboseGeneric: `list -v -o json` namespaces have "Generic".
	VerboseGeneric
	// VerboseNSIDHex: `list -v` prints NSID as %#-10x.
	VerboseNSIDHex
	// VerboseSlot: `list -v` has a Slot column, its JSON "Slot".
	VerboseSlot
	// VerboseAddressTypo: `list -v` heads the address column "Asdress".
	VerboseAddressTypo
	// VerboseCntlid: `list -v` has a Cntlid column, its JSON "Cntlid";
	// the controller table's Device header is 16 wide and the
	// namespace table's Device and Generic headers 17 (the rows follow
	// in 2.15, VerboseUsageBinary).
	VerboseCntlid
	// VerboseUsageBinary: `list -v` adds the usage in binary units and
	// pads the namespace rows' Device and Generic to 17.
	VerboseUsageBinary
	// VerboseWideDevice: `list -v` pads controller rows' Device to 16.
	VerboseWideDevice
	// TreeForward: libnvme appends to its host, subsystem, controller,
	// namespace and path lists (name order) instead of prepending.
	TreeForward
	// EmptyArrayCompact: JSON prints an empty array as [] (json-c 0.17).
	EmptyArrayCompact
	// SubsysControllers: `list-subsys` without a device lists each
	// subsystem's controllers; with one, that namespace's paths with
	// their ANA state.
	SubsysControllers
	// SubsysHostNQN: `list-subsys` prints "hostnqn=" under each subsystem
	// and a blank line between subsystems.
	SubsysHostNQN
	// SubsysIOPolicy: `list-subsys` prints "iopolicy=" always.
	SubsysIOPolicy
	// SubsysIOPolicyVerbose: `list-subsys -v` prints "iopolicy=".
	SubsysIOPolicyVerbose
	// SubsysTypeVerbose: `list-subsys -v` prints "type=".
	SubsysTypeVerbose
	// SubsysModelVerbose: `list-subsys -v` prints "model=" and
	// "firmware=", its JSON "Model" and "Firmware".
	SubsysModelVerbose
	// SubsysSerialVerbose: `list-subsys -v` prints "serial=", its JSON
	// "Serial".
	SubsysSerialVerbose
	// SubsysJSONIOPolicy: `list-subsys -o json` has "IOPolicy" always.
	SubsysJSONIOPolicy
	// SubsysJSONType: `list-subsys -o json` has "Type" always.
	SubsysJSONType
	// SubsysJSONVerbose: `list-subsys -v -o json` has "IOPolicy" and
	// "Type".
	SubsysJSONVerbose
	// SubsysSkipEmpty: `list-subsys` leaves out subsystems without
	// controllers.
	SubsysSkipEmpty
	// DiscoveryPKeyAlt: `discover` prints rdma_pkey with %#04x (0 prints
	// as 0000).
	DiscoveryPKeyAlt
	// ConnectMessage: `connect` prints "connecting to device: nvmeX" by
	// default and with -o normal (before: "device: nvmeX" with -o normal
	// only).
	ConnectMessage
	// VerboseJSONByPath: `list -v -o json` lists a multipath subsystem's
	// namespaces, each with its paths and their controllers, and any other
	// subsystem's controllers with their namespaces (2.16: only with
	// --output-format-version=2, FormatV2Layout).
	VerboseJSONByPath
	// OutputFormatVersion: list and list-subsys take
	// --output-format-version 1|2; 2 asks JSON for verbose output.
	OutputFormatVersion
	// FormatV2List: `list -o json --output-format-version=2` prints the
	// -v tree.
	FormatV2List
	// FormatV2Layout: `list -v -o json --output-format-version=2` prints
	// VerboseJSONByPath's layout.
	FormatV2Layout
	// ConnectAllAlreadyFull: `connect-all` reports an already connected
	// entry as "already connected to hostnqn=…,nqn=…,transport=…,traddr=…,
	// trsvcid=…" (before: "traddr=… is already connected").
	ConnectAllAlreadyFull
	numFeatures
)

// Row is one difference: the releases From up to (not including) Until
// (zero: no end) have the Feature. Source names the nvme-cli (or libnvme,
// json-c) tag, file and function the row was read from.
type Row struct {
	Feature     Feature
	From, Until Version
	Source      string
}

var (
	v2_4  = Version{2, 4, 0}
	v2_5  = Version{2, 5, 0}
	v2_6  = Version{2, 6, 0}
	v2_7  = Version{2, 7, 0}
	v2_8  = Version{2, 8, 0}
	v2_9  = Version{2, 9, 0}
	v2_10 = Version{2, 10, 0}
	v2_11 = Version{2, 11, 0}
	v2_13 = Version{2, 13, 0}
	v2_14 = Version{2, 14, 0}
	v2_15 = Version{2, 15, 0}
	v2_16 = Version{2, 16, 0}
)

// Table is every output difference between nvme-cli 2.3 and 2.16 that
// gonvme reproduces.
var Table = []Row{
	{ListNSHex, v2_4, Version{}, "v2.4 nvme-print.c nvme_show_list_item, nvme_show_simple_list"},
	{ListGenericPath, v2_4, Version{}, "v2.4 nvme-print-json.c json_list_item"},
	{ListSorted, v2_6, Version{}, "v2.6 nvme-print-stdout.c stdout_simple_list, stdout_detailed_list (strset_iterate)"},
	{ListTable, v2_16, Version{}, "v2.16 nvme-print-stdout.c stdout_simple_list; util/table.c table_add_row"},
	{VerboseGeneric, v2_4, Version{}, "v2.4 nvme-print-json.c json_detail_list"},
	{VerboseNSIDHex, v2_4, Version{}, "v2.4 nvme-print.c nvme_show_ns_details"},
	{VerboseSlot, v2_5, Version{}, "v2.5 nvme-print-stdout.c stdout_detailed_list; nvme-print-json.c json_detail_list"},
	{VerboseAddressTypo, v2_6, v2_8, "v2.6 nvme-print-stdout.c stdout_detailed_list; fixed in v2.8"},
	{VerboseCntlid, v2_9, Version{}, "v2.9 nvme-print-stdout.c stdout_detailed_list, stdout_detailed_ctrl; nvme-print-json.c json_detail_list"},
	{VerboseUsageBinary, v2_15, Version{}, "v2.15 nvme-print-stdout.c stdout_ns_details, stdout_detailed_list"},
	{VerboseWideDevice, v2_16, Version{}, "v2.16 nvme-print-stdout.c stdout_detailed_ctrl"},
	{TreeForward, v2_10, Version{}, "libnvme v1.10 (nvme-cli v2.10 subprojects/libnvme.wrap) src/nvme/tree.c list_add_tail"},
	{EmptyArrayCompact, v2_7, Version{}, "json-c 0.17 (nvme-cli v2.7 subprojects/json-c.wrap) json_object.c json_object_array_to_json_string"},
	{SubsysControllers, v2_5, Version{}, "v2.5 nvme-print-stdout.c stdout_subsystem; nvme-print-json.c json_print_nvme_subsystem_list"},
	{SubsysHostNQN, v2_6, Version{}, "v2.6 nvme-print-stdout.c stdout_subsystem"},
	{SubsysIOPolicy, v2_6, v2_11, "v2.6 nvme-print-stdout.c stdout_subsystem; v2.10 stdout_subsys_config"},
	{SubsysIOPolicy, v2_16, Version{}, "v2.16 nvme-print-stdout.c stdout_subsys_config"},
	{SubsysIOPolicyVerbose, v2_11, v2_16, "v2.11 nvme-print-stdout.c stdout_subsys_config"},
	{SubsysTypeVerbose, v2_11, Version{}, "v2.11 nvme-print-stdout.c stdout_subsys_config"},
	{SubsysModelVerbose, v2_13, Version{}, "v2.13 nvme-print-stdout.c stdout_subsys_config; nvme-print-json.c json_print_nvme_subsystem_list"},
	{SubsysSerialVerbose, v2_14, Version{}, "v2.14 nvme-print-stdout.c stdout_subsys_config; nvme-print-json.c json_print_nvme_subsystem_list"},
	{SubsysJSONIOPolicy, v2_6, v2_13, "v2.6 nvme-print-json.c json_print_nvme_subsystem_list"},
	{SubsysJSONType, v2_11, v2_13, "v2.11 nvme-print-json.c json_print_nvme_subsystem_list"},
	{SubsysJSONVerbose, v2_13, Version{}, "v2.13 nvme-print-json.c json_print_nvme_subsystem_list"},
	{SubsysSkipEmpty, v2_15, Version{}, "v2.15 nvme-print-stdout.c stdout_subsystem; nvme-print-json.c json_print_nvme_subsystem_list"},
	{DiscoveryPKeyAlt, v2_9, Version{}, "v2.9 nvme-print-stdout.c stdout_discovery_log"},
	{ConnectMessage, v2_7, Version{}, "v2.7 nvme-print-stdout.c stdout_connect_msg; fabrics.c nvmf_connect (format \"normal\")"},
	{VerboseJSONByPath, v2_15, v2_16, "v2.15 nvme-print-json.c json_detail_list, json_print_detail_list_multipath"},
	{OutputFormatVersion, v2_14, Version{}, "v2.14 nvme.h NVME_ARGS; nvme-print-json.c verbose_mode"},
	{FormatV2List, v2_14, v2_16, "v2.14 nvme-print-json.c json_print_list_items (verbose_mode)"},
	{FormatV2Layout, v2_16, Version{}, "v2.16 nvme-print-json.c json_print_list_items, json_detail_list_v2"},
	{ConnectAllAlreadyFull, v2_10, Version{}, "v2.10 fabrics.c __discover"},
}

// Profile is the output of one nvme-cli release.
type Profile struct {
	Version Version
	has     [numFeatures]bool
}

// New returns the profile of release v (one of Releases).
func New(v Version) Profile {
	p := Profile{Version: v}
	for _, r := range Table {
		if v.Compare(r.From) >= 0 && (r.Until == (Version{}) || v.Compare(r.Until) < 0) {
			p.has[r.Feature] = true
		}
	}
	return p
}

// Has reports whether the profile's release prints output the way f says.
func (p Profile) Has(f Feature) bool { return p.has[f] }

func (p Profile) String() string { return fmt.Sprintf("nvme-cli %s", p.Version) }

// ListJSONVerbose reports whether `list -o json` prints the -v tree:
// with -v, or with --output-format-version=2 in 2.14–2.15.
func (p Profile) ListJSONVerbose(verbose bool, formatVersion int) bool {
	return verbose || formatVersion == 2 && p.Has(FormatV2List)
}

// ListJSONByPath reports whether the -v tree of `list -o json` takes
// VerboseJSONByPath's layout: always in 2.15, with
// --output-format-version=2 from 2.16.
func (p Profile) ListJSONByPath(formatVersion int) bool {
	return p.Has(VerboseJSONByPath) || formatVersion == 2 && p.Has(FormatV2Layout)
}

// SubsysJSONVerbose reports whether `list-subsys -o json` prints its -v
// keys: with -v, or with --output-format-version=2 from 2.14.
func (p Profile) SubsysJSONVerbose(verbose bool, formatVersion int) bool {
	return verbose || formatVersion == 2 && p.Has(OutputFormatVersion)
}
