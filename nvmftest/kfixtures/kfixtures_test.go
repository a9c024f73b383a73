package kfixtures

import (
	"slices"
	"testing"
)

func TestAllFindsTheMatrix(t *testing.T) {
	var names []string
	for _, k := range All() {
		names = append(names, k.Name)
	}
	if want := []string{"6.1", "6.12", "7.x"}; !slices.Equal(names, want) {
		t.Errorf("captured kernels %v, want %v", names, want)
	}
}

func TestCompareVersions(t *testing.T) {
	sorted := []string{"5.14", "6.1", "6.8", "6.12", "7", "7.2", "7.x"}
	for i := range sorted {
		for j := range sorted {
			c := compareVersions(sorted[i], sorted[j])
			if (i < j && c >= 0) || (i > j && c <= 0) || (i == j && c != 0) {
				t.Errorf("compareVersions(%q, %q) = %d", sorted[i], sorted[j], c)
			}
		}
	}
}
