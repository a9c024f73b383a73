package kmsg

import "testing"

func TestParseRecord(t *testing.T) {
	cases := []struct {
		in   string
		ok   bool
		want Record
	}{
		{"3,1234,5678901,-;nvme nvme0: rdma connection establishment failed (-104)\n", true,
			Record{3, 1234, "nvme nvme0: rdma connection establishment failed (-104)"}},
		{"6,17,100,-,caller=T12;nvmet: adding nsid 1 to subsystem x\n SUBSYSTEM=nvme\n DEVICE=c10:1\n", true,
			Record{6, 17, "nvmet: adding nsid 1 to subsystem x"}},
		{"garbage", false, Record{}},
		{"x,1,2,-;msg", false, Record{}},
		{"1,2;msg", false, Record{}},
	}
	for _, c := range cases {
		got, ok := ParseRecord([]byte(c.in))
		if ok != c.ok || got != c.want {
			t.Errorf("ParseRecord(%q) = %+v, %v; want %+v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestRelevant(t *testing.T) {
	for msg, want := range map[string]bool{
		"nvme nvme0: Connect command failed, error wo/DNR bit: 6": true,
		"nvmet_rdma: enabling port 1 (169.254.99.1:4420)":         true,
		"rdma_rxe: loaded":                  true,
		"EXT4-fs (vda): mounted filesystem": false,
	} {
		if Relevant(msg) != want {
			t.Errorf("Relevant(%q) = %v", msg, !want)
		}
	}
}

func FuzzParseRecord(f *testing.F) {
	f.Add([]byte("3,1234,5678901,-;nvme nvme0: rdma connection establishment failed (-104)\n"))
	f.Add([]byte("6,1,2,-;a\n KEY=v\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, ok := ParseRecord(b)
		if ok && r.Priority < 0 {
			t.Fatalf("negative priority from %q", b)
		}
	})
}
