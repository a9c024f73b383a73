package compat

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is an nvme-cli release number: 2.3, 2.10.2.
type Version struct{ Major, Minor, Patch int }

func (v Version) String() string {
	if v.Patch != 0 {
		return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
	}
	return fmt.Sprintf("%d.%d", v.Major, v.Minor)
}

// Compare orders versions: -1, 0 or +1.
func (v Version) Compare(o Version) int {
	for _, d := range [][2]int{{v.Major, o.Major}, {v.Minor, o.Minor}, {v.Patch, o.Patch}} {
		switch {
		case d[0] < d[1]:
			return -1
		case d[0] > d[1]:
			return 1
		}
	}
	return 0
}

// Releases are the nvme-cli releases from 2.3 to 2.16 (the git tags of
// linux-nvme/nvme-cli), oldest first.
var Releases = []Version{
	{2, 3, 0}, {2, 4, 0}, {2, 5, 0}, {2, 6, 0}, {2, 7, 0}, {2, 7, 1}, {2, 8, 0},
	{2, 9, 0}, {2, 9, 1}, {2, 10, 0}, {2, 10, 1}, {2, 10, 2}, {2, 11, 0},
	{2, 12, 0}, {2, 13, 0}, {2, 14, 0}, {2, 15, 0}, {2, 16, 0},
}

// Default is the profile used when none is chosen: the last 2.x release.
var Default = Version{2, 16, 0}

// ParseVersion reads a release number as `nvme version` prints it ("2.3",
// "2.10.2"), with or without a leading "v". Only the releases in Releases
// are accepted.
func ParseVersion(s string) (Version, error) {
	var v Version
	t := strings.TrimPrefix(s, "v")
	parts := strings.Split(t, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return v, fmt.Errorf("invalid nvme-cli version %q: write it as nvme version prints it, such as 2.13 or 2.10.2 (%s)", s, releaseList())
	}
	nums := make([]int, 3)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || p == "" || strconv.Itoa(n) != p {
			return v, fmt.Errorf("invalid nvme-cli version %q: %q is not a release number; use one of %s", s, p, releaseList())
		}
		nums[i] = n
	}
	v = Version{nums[0], nums[1], nums[2]}
	for _, r := range Releases {
		if r == v {
			return v, nil
		}
	}
	return Version{}, fmt.Errorf("nvme-cli version %q has no output profile: use one of %s", s, releaseList())
}

func releaseList() string {
	names := make([]string, len(Releases))
	for i, r := range Releases {
		names[i] = r.String()
	}
	return strings.Join(names, ", ")
}
