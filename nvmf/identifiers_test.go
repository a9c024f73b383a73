package nvmf

import (
	"slices"
	"testing"
)

func TestByIDNames(t *testing.T) {
	got := byIDNames("eui.0025385b71b0a1b2", "Samsung SSD 970 EVO Plus 1TB            ", "S4EWNX0R123456      ", 1)
	want := []string{"nvme-eui.0025385b71b0a1b2", "nvme-Samsung_SSD_970_EVO_Plus_1TB_S4EWNX0R123456",
		"nvme-Samsung_SSD_970_EVO_Plus_1TB_S4EWNX0R123456_1"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if got := byIDNames("", "a/b\\c*d", "x", 7); !slices.Equal(got, []string{"nvme-a_b_c_d_x", "nvme-a_b_c_d_x_7"}) {
		t.Errorf("unsafe characters: %q", got)
	}
	if got := byIDNames("", "", "serial", 1); got != nil {
		t.Errorf("no model: %q", got)
	}
	if zeroIsNone("00000000-0000-0000-0000-000000000000") != "" || zeroIsNone("0000000000000000") != "" || zeroIsNone("eui.1") == "" {
		t.Error("zeroIsNone")
	}
}
