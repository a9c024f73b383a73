package main

import (
	"github.com/gonvme/gonvme/config"
	"github.com/gonvme/gonvme/nqn"
)

// What the manual pages say beyond the command definitions: examples, the
// files each command reads, and the packaging's systemd units. The tests
// check that every flag an example uses exists in its command.

type example struct {
	What    string // one sentence saying what the command does
	Command string // the command line, starting with "gonvme"
}

// Paths installed by the packages (see packaging/).
const (
	autoconnectUnit = "gonvme-autoconnect.service"
	connectUnit     = "gonvme-connect@.service"
	monitorUnit     = "gonvme-monitor.service"
	unitDefaults    = "/etc/default/gonvme"
	connectDir      = "/etc/nvme/gonvme-connect.d"
	targetUnit      = "gonvme-target.service"
	targetConfig    = "/etc/nvmet/config.json"
)

// fileDocs describes every file a page may list under FILES.
var fileDocs = map[string]string{
	nqn.HostNQNFile: "The host NQN sent with every connect. Created at package installation " +
		"when missing, with the same logic as gonvme gen-hostnqn; never overwritten.",
	nqn.HostIDFile: "The host ID, a UUID, sent with every connect. Created at package installation " +
		"when missing, equal to the UUID inside the host NQN.",
	config.DiscoveryConfPath: "Discovery controllers, one per line, written as the flags of a discover " +
		"command (for example \"--transport=tcp --traddr=192.0.2.10 --trsvcid=8009\"). " +
		"Lines starting with # are comments. This file belongs to nvme-cli; gonvme reads it " +
		"the same way.",
	config.JSONConfigPath: "libnvme's JSON configuration of hosts, subsystems and ports; each port " +
		"of each subsystem is asked as a discovery controller. Use --config to read another " +
		"file, or --config=none to skip it.",
	unitDefaults: "Read by the systemd units: GONVME_CONNECT_ALL_FLAGS holds extra flags for " +
		"every gonvme connect-all they run, GONVME_MONITOR_FLAGS for the gonvme monitor of " + monitorUnit + ".",
	connectDir: "One file NAME.conf per discovery controller for " + connectUnit +
		"; see SYSTEMD UNITS in gonvme(8).",
	targetConfig: "The target configuration gonvme target save writes and gonvme target restore " +
		"reads by default, in nvmetcli's JSON format; " + targetUnit + " restores it at boot and " +
		"clears the target at stop (not enabled by the package). Mode 0600: it holds DH-HMAC-CHAP keys when hosts have them.",
}

// discoveryFiles are the files of the commands that find discovery
// controllers in the configuration.
var discoveryFiles = []string{config.DiscoveryConfPath, config.JSONConfigPath, nqn.HostNQNFile, nqn.HostIDFile}

// commandFiles lists the FILES of each command's page.
var commandFiles = map[string][]string{
	"discover":     discoveryFiles,
	"connect-all":  discoveryFiles,
	"monitor":      discoveryFiles,
	"connect":      discoveryFiles,
	"list-subsys":  {nqn.HostNQNFile, nqn.HostIDFile},
	"show-hostnqn": {nqn.HostNQNFile},
	"target":       {targetConfig},
}

// commandExamples lists the EXAMPLES of each command's page. Addresses
// are from the documentation range 192.0.2.0/24.
var commandExamples = map[string][]example{
	"discover": {
		{"Read the discovery log of an NVMe/TCP discovery controller:",
			"gonvme discover -t tcp -a 192.0.2.10 -s 8009"},
		{"Read the discovery logs of every discovery controller in " + config.DiscoveryConfPath + " and " + config.JSONConfigPath + ", as JSON:",
			"gonvme discover -o json"},
	},
	"connect-all": {
		{"Connect every subsystem that an RDMA discovery controller lists:",
			"gonvme connect-all -t rdma -a 192.0.2.10 -s 4420"},
		{"Connect every subsystem of every configured discovery controller, without reporting the ones already connected (what " + autoconnectUnit + " runs at boot):",
			"gonvme connect-all --quiet"},
	},
	"monitor": {
		{"Keep every configured subsystem connected, and disconnect the paths it connected once their subsystem leaves the discovery log:",
			"gonvme monitor --disconnect-stale"},
		{"Show what a running monitor watches (what " + monitorUnit + " runs):",
			"gonvme monitor --status"},
	},
	"connect": {
		{"Connect one path to a subsystem over TCP:",
			"gonvme connect -t tcp -a 192.0.2.20 -s 4420 -n nqn.2014-08.org.example:storage1"},
		{"Connect every path that the configured discovery controllers list for a subsystem:",
			"gonvme connect -n nqn.2014-08.org.example:storage1"},
		{"Print the option string a connect would write to /dev/nvme-fabrics, secrets redacted, without connecting:",
			"gonvme connect -t tcp -a 192.0.2.20 -n nqn.2014-08.org.example:storage1 --dry-run"},
	},
	"disconnect": {
		{"Disconnect every controller of a subsystem:",
			"gonvme disconnect -n nqn.2014-08.org.example:storage1"},
		{"Disconnect two controllers by name:",
			"gonvme disconnect -d nvme1,nvme2"},
	},
	"disconnect-all": {
		{"Disconnect every NVMe/TCP controller and leave the others connected:",
			"gonvme disconnect-all -r tcp"},
	},
	"list": {
		{"List the NVMe namespaces with their controllers and subsystems, as JSON:",
			"gonvme list -v -o json"},
	},
	"list-subsys": {
		{"Show each subsystem and its paths:",
			"gonvme list-subsys"},
		{"Show the paths to one namespace and their ANA state:",
			"gonvme list-subsys nvme0n1"},
	},
	"gen-hostnqn": {
		{"Create a host NQN where none exists yet:",
			"test -s /etc/nvme/hostnqn || gonvme gen-hostnqn > /etc/nvme/hostnqn"},
	},
	"show-hostnqn": {
		{"Print the host NQN that connects send:",
			"gonvme show-hostnqn"},
	},
	"version": {
		{"Print the version and the commit it was built from:",
			"gonvme version"},
	},
}
