package affinity

import (
	"errors"
	"slices"
	"testing"
)

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		cpus               []int
		gateway, functions []int
	}{
		{nil, nil, nil},
		{[]int{3}, nil, nil},
		{[]int{0, 1}, []int{0}, []int{1}},
		{[]int{0, 1, 2}, []int{0}, []int{1, 2}},
		{[]int{2, 3, 6, 7}, []int{2, 3}, []int{6, 7}},
	} {
		g, f := Split(tc.cpus)
		if !slices.Equal(g, tc.gateway) || !slices.Equal(f, tc.functions) {
			t.Errorf("Split(%v) = %v, %v; want %v, %v", tc.cpus, g, f, tc.gateway, tc.functions)
		}
		// Appending to the gateway's half must not overwrite the functions'.
		if len(g) > 0 {
			_ = append(g, -1)
			if !slices.Equal(f, tc.functions) {
				t.Errorf("Split(%v): appending to the first half changed the second", tc.cpus)
			}
		}
	}
}

func TestErrUnsupportedWrapsTheStandardOne(t *testing.T) {
	if !errors.Is(ErrUnsupported, errors.ErrUnsupported) {
		t.Error("ErrUnsupported does not wrap errors.ErrUnsupported")
	}
}
