// GOFLAGS and build tags: the fields of GOFLAGS, the tags they set, and the tags every build uses.

package gopkg

import (
	"fmt"
	"slices"
	"strings"
)

// LinkFlags are the linker flags (-ldflags) every Lambda function is
// built with, deployed (gofunction) and emulated (local) alike: no symbol
// table and no DWARF. Stack traces keep their functions, files and lines;
// a debugger has less to show; linking takes about 40 % less time.
const LinkFlags = "-s -w"

// VCSFlag is the -buildvcs setting every Lambda function is built with,
// deployed and emulated alike: off, so that a binary depends on its
// sources alone. With the go command's default, a binary built in a Git
// checkout records the commit and whether any file is modified: each
// commit would change every function's binary (the emulator would link
// them all again), and every build would run git.
const VCSFlag = "-buildvcs=false"

// BuildFlags returns the go build flags, besides -tags (BuildTags), that
// every Lambda function is built with, deployed (gofunction, which adds
// -trimpath) and emulated (local) alike: VCSFlag and LinkFlags.
func BuildFlags() []string { return []string{VCSFlag, "-ldflags", LinkFlags} }

// LambdaTag is the build tag every Lambda function is built with: it
// leaves aws-lambda-go's net/rpc support out of the binary.
const LambdaTag = "lambda.norpc"

// GOFLAGSFields splits GOFLAGS as the go command does: space-separated,
// with '…' or "…" around an element that holds spaces.
func GOFLAGSFields(goflags string) ([]string, error) {
	var fields []string
	for s := goflags; ; {
		s = strings.TrimLeft(s, " \t\n\r")
		if s == "" {
			return fields, nil
		}
		if q := s[0]; q == '"' || q == '\'' {
			end := strings.IndexByte(s[1:], q)
			if end < 0 {
				return nil, fmt.Errorf("GOFLAGS %q: unterminated %c string", goflags, q)
			}
			fields = append(fields, s[1:1+end])
			s = s[2+end:]
			continue
		}
		end := strings.IndexAny(s, " \t\n\r")
		if end < 0 {
			end = len(s)
		}
		fields = append(fields, s[:end])
		s = s[end:]
	}
}

// FlagTags returns the build tags of one -tags flag, as GOFLAGS writes it
// ("-tags=a,b"), or nil and false for another flag.
func FlagTags(field string) ([]string, bool) {
	name, value, _ := strings.Cut(strings.TrimLeft(field, "-"), "=")
	if name != "tags" {
		return nil, false
	}
	return strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ' ' }), true
}

// BuildTags returns the -tags value to build a Lambda function with:
// [LambdaTag] and the tags extra, sorted, without duplicates. A -tags flag
// on the go command line replaces the one of GOFLAGS, so GOFLAGS's tags
// must be passed in extra or the binary differs from the user's build.
func BuildTags(extra []string) string {
	tags := append([]string{LambdaTag}, extra...)
	slices.Sort(tags)
	return strings.Join(slices.Compact(tags), ",")
}

// GOFLAGSTags returns the -tags value for a Lambda function built under
// goflags: [LambdaTag] and the tags goflags sets.
func GOFLAGSTags(goflags string) (string, error) {
	fields, err := GOFLAGSFields(goflags)
	if err != nil {
		return "", err
	}
	var extra []string
	for _, f := range fields {
		if tags, ok := FlagTags(f); ok {
			extra = append(extra, tags...)
		}
	}
	return BuildTags(extra), nil
}
