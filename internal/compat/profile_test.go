package compat

import (
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Version
	}{
		{"2.3", Version{2, 3, 0}}, {"v2.13", Version{2, 13, 0}}, {"2.10.2", Version{2, 10, 2}},
		{"v2.16", Version{2, 16, 0}}, {"2.7.1", Version{2, 7, 1}},
	} {
		got, err := ParseVersion(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseVersion(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "2", "2.2", "2.17", "3.0", "2.10.3", "2.x", "vv2.3", "2.13 ", " 2.13", "2.13.", "02.13", "+2.13", "2.-1"} {
		if v, err := ParseVersion(bad); err == nil || !strings.Contains(err.Error(), "2.3, 2.4") {
			t.Errorf("ParseVersion(%q) = %v, %v; want an error listing the releases", bad, v, err)
		}
	}
}

func TestReleasesOrdered(t *testing.T) {
	for i := 1; i < len(Releases); i++ {
		if Releases[i-1].Compare(Releases[i]) >= 0 {
			t.Errorf("Releases not in order at %v, %v", Releases[i-1], Releases[i])
		}
	}
	if Releases[len(Releases)-1] != Default {
		t.Errorf("Default %v is not the last release", Default)
	}
}

// The rows the issue lists, checked at their edges.
func TestProfileEdges(t *testing.T) {
	for _, c := range []struct {
		f         Feature
		has, lack []string
	}{
		{ListNSHex, []string{"2.4", "2.16"}, []string{"2.3"}},
		{ListGenericPath, []string{"2.4"}, []string{"2.3"}},
		{VerboseGeneric, []string{"2.4"}, []string{"2.3"}},
		{VerboseSlot, []string{"2.5"}, []string{"2.4"}},
		{VerboseCntlid, []string{"2.9", "2.9.1"}, []string{"2.8"}},
		{VerboseAddressTypo, []string{"2.6", "2.7.1"}, []string{"2.5", "2.8"}},
		{ConnectMessage, []string{"2.7", "2.16"}, []string{"2.6"}},
		{SubsysHostNQN, []string{"2.6"}, []string{"2.5"}},
		{SubsysIOPolicy, []string{"2.6", "2.10.2", "2.16"}, []string{"2.5", "2.11", "2.15"}},
		{SubsysIOPolicyVerbose, []string{"2.11", "2.15"}, []string{"2.10.2", "2.16"}},
		{SubsysModelVerbose, []string{"2.13"}, []string{"2.12"}},
		{SubsysSerialVerbose, []string{"2.14"}, []string{"2.13"}},
		{SubsysJSONIOPolicy, []string{"2.6", "2.12"}, []string{"2.5", "2.13"}},
		{SubsysSkipEmpty, []string{"2.15"}, []string{"2.14"}},
		{DiscoveryPKeyAlt, []string{"2.9"}, []string{"2.8"}},
		{TreeForward, []string{"2.10"}, []string{"2.9.1"}},
		{EmptyArrayCompact, []string{"2.7"}, []string{"2.6"}},
		{VerboseJSONByPath, []string{"2.15"}, []string{"2.14", "2.16"}},
		{OutputFormatVersion, []string{"2.14", "2.16"}, []string{"2.13"}},
		{FormatV2List, []string{"2.14", "2.15"}, []string{"2.13", "2.16"}},
		{FormatV2Layout, []string{"2.16"}, []string{"2.15"}},
		{ConnectAllAlreadyFull, []string{"2.10", "2.16"}, []string{"2.9.1"}},
	} {
		for _, s := range c.has {
			if v, _ := ParseVersion(s); !New(v).Has(c.f) {
				t.Errorf("%s should have feature %d", s, c.f)
			}
		}
		for _, s := range c.lack {
			if v, _ := ParseVersion(s); New(v).Has(c.f) {
				t.Errorf("%s should not have feature %d", s, c.f)
			}
		}
	}
}

func TestTableRowsNameTheirSource(t *testing.T) {
	seen := map[Feature]bool{}
	for _, r := range Table {
		if !strings.HasPrefix(r.Source, "v2.") && !strings.HasPrefix(r.Source, "libnvme v1.") && !strings.HasPrefix(r.Source, "json-c ") {
			t.Errorf("row %d: source %q names no tag", r.Feature, r.Source)
		}
		if r.Until != (Version{}) && r.Until.Compare(r.From) <= 0 {
			t.Errorf("row %d: empty range %v–%v", r.Feature, r.From, r.Until)
		}
		seen[r.Feature] = true
	}
	for f := Feature(0); f < numFeatures; f++ {
		if !seen[f] {
			t.Errorf("feature %d has no row", f)
		}
	}
}

func TestFormatVersionChoices(t *testing.T) {
	at := func(s string) Profile { v, _ := ParseVersion(s); return New(v) }
	for _, c := range []struct {
		ver                      string
		fv                       int
		listVerbose, byPath, sub bool
	}{
		{"2.13", 2, false, false, false},
		{"2.14", 2, true, false, true},
		{"2.15", 1, false, true, false},
		{"2.15", 2, true, true, true},
		{"2.16", 1, false, false, false},
		{"2.16", 2, false, true, true},
	} {
		p := at(c.ver)
		if got := p.ListJSONVerbose(false, c.fv); got != c.listVerbose {
			t.Errorf("%s fv %d: ListJSONVerbose = %v", c.ver, c.fv, got)
		}
		if got := p.ListJSONByPath(c.fv); got != c.byPath {
			t.Errorf("%s fv %d: ListJSONByPath = %v", c.ver, c.fv, got)
		}
		if got := p.SubsysJSONVerbose(false, c.fv); got != c.sub {
			t.Errorf("%s fv %d: SubsysJSONVerbose = %v", c.ver, c.fv, got)
		}
		if !p.ListJSONVerbose(true, c.fv) || !p.SubsysJSONVerbose(true, c.fv) {
			t.Errorf("%s: -v must always be verbose", c.ver)
		}
	}
}
