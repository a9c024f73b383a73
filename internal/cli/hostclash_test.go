package cli

import (
	"strings"
	"testing"

	"github.com/gonvme/gonvme/nvmftest"
)

func TestHostClashNote(t *testing.T) {
	f := nvmftest.New(t, nvmftest.Kernel61)
	env := &Env{FS: f.FS}
	held := "a1e0c3d2-5b6f-4e7a-8c9d-0123456789ab"
	other := "11111111-2222-4333-8444-555555555555"
	tests := []struct {
		name    string
		line    string
		nqn, id string
		want    string
	}{
		{"nothing logged", "nvme nvme0: new ctrl", nvmftest.HostNQN, other, ""},
		{"same hostnqn", "nvme_fabrics: found same hostnqn " + nvmftest.HostNQN + " but different hostid " + other,
			nvmftest.HostNQN, other, "host NQN " + nvmftest.HostNQN + " is in use with host ID " + held + " by nvme0, nvme1"},
		{"same hostid", "nvme_fabrics: found same hostid " + held + " but different hostnqn toto",
			"toto", held, "host ID " + held + " is in use with host NQN " + nvmftest.HostNQN + " by nvme0, nvme1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := env.hostClashNote([]string{tt.line}, tt.nqn, tt.id)
			if tt.want == "" {
				if got != "" {
					t.Fatalf("note %q, want none", got)
				}
				return
			}
			if !strings.Contains(got, tt.want) {
				t.Fatalf("note %q\nwant it to contain %q", got, tt.want)
			}
		})
	}
}
