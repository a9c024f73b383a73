package topology_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/internal/compat"
	"github.com/gonvme/gonvme/internal/render"
	"github.com/gonvme/gonvme/nvmftest/kfixtures"
	"github.com/gonvme/gonvme/topology"
)

// What list-subsys and list show from their views is what they would show
// from the whole topology: the views read enough.
func TestViewsRenderAsEverything(t *testing.T) {
	prof := compat.New(compat.Default) // prints the most: iopolicy= too
	host := render.HostIdent{
		HostNQN: "nqn.2014-08.org.nvmexpress:uuid:a1e0c3d2-5b6f-4e7a-8c9d-0123456789ab",
		HostID:  "a1e0c3d2-5b6f-4e7a-8c9d-0123456789ab",
	}
	roots := map[string]string{"own namespaces": topology.WriteOwnNamespacesTree(t)}
	for _, k := range kfixtures.All() {
		roots[k.Name+" fixture"] = k.Dir
	}
	if len(roots) == 1 {
		t.Fatal("no kernel fixtures")
	}
	for name, root := range roots {
		t.Run(name, func(t *testing.T) {
			fs := hostfs.New(root)
			full, err := topology.Scan(fs)
			if err != nil {
				t.Fatal(err)
			}
			subs, err := topology.ScanView(fs, topology.SubsystemsView)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []func(*bytes.Buffer, *topology.Topology) error{
				func(b *bytes.Buffer, topo *topology.Topology) error {
					return render.SubsysText(b, prof, host, topo, false)
				},
				func(b *bytes.Buffer, topo *topology.Topology) error {
					return render.SubsysJSON(b, prof, host, topo, false)
				},
			} {
				var want, got bytes.Buffer
				if err := f(&want, full); err != nil {
					t.Fatal(err)
				}
				if err := f(&got, subs); err != nil {
					t.Fatal(err)
				}
				if got.String() != want.String() || got.Len() == 0 {
					t.Errorf("list-subsys from SubsystemsView:\n%s\nfrom Everything:\n%s", &got, &want)
				}
			}

			nss, err := topology.ScanView(fs, topology.NamespacesView)
			if err != nil {
				t.Fatal(err)
			}
			order := func(topo *topology.Topology) []string {
				var devs []topology.Device
				for _, s := range full.Subsystems {
					for _, n := range s.Namespaces {
						devs = append(devs, topology.Device{DevicePath: "/dev/" + n.Name})
					}
				}
				for _, c := range full.Controllers {
					for _, n := range c.Namespaces {
						devs = append(devs, topology.Device{DevicePath: "/dev/" + n.Name})
					}
				}
				slices.Reverse(devs)
				render.SortDevices(prof, host, topo, devs)
				var names []string
				for _, d := range devs {
					names = append(names, d.DevicePath)
				}
				return names
			}
			if got, want := order(nss), order(full); !slices.Equal(got, want) || len(got) == 0 {
				t.Errorf("list order from NamespacesView %v, from Everything %v", got, want)
			}
		})
	}
}
