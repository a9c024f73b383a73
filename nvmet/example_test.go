package nvmet_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/gonvme/gonvme/nvmet"
)

// Restore a configuration in nvmetcli's format, then read it back. The
// root here is an ordinary directory, which the Target treats as an
// emulated configfs; on a host, New("") works on /sys/kernel/config.
func ExampleTarget_Restore() {
	root, _ := os.MkdirTemp("", "nvmet-example")
	defer os.RemoveAll(root)
	os.WriteFile(root+"/disk.img", nil, 0o644)

	cfg, err := nvmet.ParseConfig(strings.NewReader(`{
	  "hosts": [],
	  "ports": [{"portid": 1, "addr": {"trtype": "tcp", "adrfam": "ipv4", "traddr": "127.0.0.1", "trsvcid": "4420"},
	             "subsystems": ["toto"], "referrals": []}],
	  "subsystems": [{"nqn": "toto", "attr": {"allow_any_host": "1"}, "allowed_hosts": [],
	                  "namespaces": [{"nsid": 1, "device": {"path": "` + root + `/disk.img"}, "enable": 1}]}]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	t := nvmet.New(root)
	exists := func(p string) error { _, err := os.Stat(p); return err }
	if err := t.Restore(cfg, exists); err != nil {
		fmt.Println(err)
		return
	}
	links, _ := t.Links(1)
	ids, _ := t.NSIDs("toto")
	fmt.Println("port 1 exposes", links, "with namespaces", ids)

	cfg.Ports[0].Addr["traddr"] = "127.0.0.300"
	fmt.Println(t.Restore(cfg, exists))
	// Output:
	// port 1 exposes [toto] with namespaces [1]
	// port 1: address "127.0.0.300" is not an IP address
}
