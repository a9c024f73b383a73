package fabrics

import (
	"errors"
	"testing"
)

func TestParseReply(t *testing.T) {
	cases := []struct {
		in     string
		want   Reply
		device string
	}{
		{"instance=3,cntlid=1\n", Reply{Instance: 3, CntlID: 1}, "nvme3"},
		{"instance=0,cntlid=0", Reply{}, "nvme0"},
		{"instance=2147483647,cntlid=65535\n", Reply{Instance: 2147483647, CntlID: 65535}, "nvme2147483647"},
	}
	for _, c := range cases {
		got, err := ParseReply(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseReply(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
			continue
		}
		if got.Device() != c.device {
			t.Errorf("Device() = %q, want %q", got.Device(), c.device)
		}
	}
}

func TestParseReplyRejects(t *testing.T) {
	for _, in := range []string{
		"",
		"\n",
		"instance=3\n",
		"cntlid=1,instance=3\n",
		"instance=3,cntlid=1,extra=2\n",
		"instance=3,cntlid=1\n\n",
		"instance=3,cntlid=1\r\n",
		"instance=-1,cntlid=-1,transport=%s\n",
		"instance=,cntlid=1\n",
		"instance=03,cntlid=1\n",
		"instance=+3,cntlid=1\n",
		"instance=3 ,cntlid=1\n",
		"instance=3,cntlid=65536\n",
		"instance=2147483648,cntlid=1\n",
		"instance=99999999999999999999,cntlid=1\n",
		"instance=0x3,cntlid=1\n",
		"Instance=3,cntlid=1\n",
		" instance=3,cntlid=1\n",
	} {
		if r, err := ParseReply(in); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseReply(%q) = %+v, %v; want an ErrMalformed error", in, r, err)
		}
	}
}
