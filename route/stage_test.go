package route

import "testing"

func TestPathWithoutStage(t *testing.T) {
	for _, tc := range []struct{ path, stage, want string }{
		{"/dev/pets/1", "dev", "/pets/1"},
		{"/dev", "dev", "/"},
		{"/dev/", "dev", "/"},
		{"/devices/x", "dev", "/devices/x"}, // a whole segment only
		{"/x/dev", "dev", "/x/dev"},
		{"/Dev/x", "dev", "/Dev/x"}, // stage names compare exactly
		{"/dev/x", "$default", "/dev/x"},
		{"/dev/x", "", "/dev/x"},
		{"/$default/x", "$default", "/$default/x"},
	} {
		if got := PathWithoutStage(tc.path, tc.stage); got != tc.want {
			t.Errorf("PathWithoutStage(%q, %q) = %q, want %q", tc.path, tc.stage, got, tc.want)
		}
	}
}
