// The profile go build reads for profile-guided optimization, which go list does not report.

package gosource

import (
	"path/filepath"
	"strings"

	"github.com/httpapi-cdk/httpapi/internal/gopkg"
)

// profile returns the profile go build reads for profile-guided
// optimization under goflags, if any: the file the last -pgo flag names,
// relative to workDir, the directory go build runs in; or, with -pgo=auto,
// the default, default.pgo in the main package's directory if it exists.
func profile(root *Package, goflags, workDir string) (*File, error) {
	fields, err := gopkg.GOFLAGSFields(goflags)
	if err != nil {
		return nil, err
	}
	pgo := "auto"
	for _, f := range fields {
		if name, value, _ := strings.Cut(strings.TrimLeft(f, "-"), "="); name == "pgo" {
			pgo = value
		}
	}
	switch pgo {
	case "off":
		return nil, nil
	case "auto":
		if root.Dir == "" {
			return nil, nil
		}
		return &File{Name: "default.pgo of " + root.ImportPath, Path: filepath.Join(root.Dir, "default.pgo"), Kind: Profile, Optional: true}, nil
	}
	if !filepath.IsAbs(pgo) {
		pgo = filepath.Join(workDir, pgo)
	}
	return &File{Name: "profile of -pgo", Path: pgo, Kind: Profile}, nil
}
