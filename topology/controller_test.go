package topology

import (
	"reflect"
	"testing"

	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/nvmftest/kfixtures"
)

// ReadController reads each controller of every kernel's capture as the
// whole scan does, in every view.
func TestReadControllerAsScan(t *testing.T) {
	for _, k := range kfixtures.All() {
		fs := hostfs.New(k.Path(""))
		for _, v := range []View{Everything, PathsView, SubsystemsView, NamespacesView} {
			topo, err := ScanView(fs, v)
			if err != nil {
				t.Fatal(err)
			}
			if len(topo.Controllers) == 0 {
				t.Fatalf("%s: no controllers in the capture", k.Name)
			}
			for _, want := range topo.Controllers {
				got, err := ReadController(fs, want.Name, v)
				if err != nil {
					t.Fatalf("%s %v %s: %v", k.Name, v, want.Name, err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s %v %s:\n got %+v\nwant %+v", k.Name, v, want.Name, got, want)
				}
			}
		}
		if c, err := ReadController(fs, "nvme99", PathsView); c != nil || err != nil {
			t.Errorf("%s: a missing controller: %+v, %v", k.Name, c, err)
		}
		if _, err := ReadController(fs, "nvme-subsys0", PathsView); err == nil {
			t.Errorf("%s: a subsystem name read as a controller", k.Name)
		}
	}
}
