// Package gopkg checks that a string names exactly one Go package the way
// the go command takes it on its command line, so that a value from props or
// from a template can be passed to go list and go build as a package and
// never as a flag or a pattern.
//
// It has no dependencies outside the standard library: both the gofunction
// construct and the local emulator use it.
package gopkg

import (
	"fmt"
	"strings"
)

// Check reports whether path names one Go package: an import path
// ("example.com/app/function") or a directory relative to the current one
// (".", "./function", "../app/function"). It refuses flags (a leading '-'),
// patterns ("...", and the meta-packages "all", "std", "cmd", "tool" and
// "work"), absolute directories, and characters an import path cannot hold.
// The error says what is wrong and what is allowed, without quoting path:
// callers prefix it with the name of the prop or field that held path and
// its value.
func Check(path string) error {
	switch {
	case path == "":
		return fmt.Errorf("it is empty: name a package like \"./function\" or \"example.com/app/function\"")
	case strings.HasPrefix(path, "-"):
		return fmt.Errorf("it starts with '-', which the go command would take for a flag: name a package like \"./function\"")
	case strings.Contains(path, "..."):
		return fmt.Errorf("it is a pattern that can match several packages: name exactly one package")
	case isMeta(path):
		return fmt.Errorf("it is a pattern (a go command meta-package), not a package: name exactly one package")
	case strings.HasPrefix(path, "/") || strings.Contains(path, `\`) || len(path) > 1 && path[1] == ':':
		return fmt.Errorf("it is an absolute path: use an import path or a directory relative to the working directory, like \"./function\"")
	}
	if IsRelative(path) {
		for _, r := range path {
			if r < ' ' || r == 0x7f {
				return fmt.Errorf("it holds a control character: name a directory like \"./function\"")
			}
		}
		return nil
	}
	for _, elem := range strings.Split(path, "/") {
		if err := checkElem(elem); err != nil {
			return fmt.Errorf("it is not an import path (%v): use an import path like \"example.com/app/function\" or a directory starting with \"./\"", err)
		}
	}
	return nil
}

// IsRelative reports whether path is a directory relative to the current
// one as the go command recognizes it: ".", "..", or a path starting with
// "./" or "../".
func IsRelative(path string) bool {
	return path == "." || path == ".." || strings.HasPrefix(path, "./") || strings.HasPrefix(path, "../")
}

// isMeta reports whether path is one of the go command's meta-packages,
// which stand for sets of packages.
func isMeta(path string) bool {
	switch path {
	case "all", "std", "cmd", "tool", "work":
		return true
	}
	return false
}

// checkElem checks one element of an import path, with the rules of
// golang.org/x/mod/module.CheckImportPath: ASCII letters, digits and
// "-._~+", not empty, not starting or ending with a dot.
func checkElem(elem string) error {
	if elem == "" {
		return fmt.Errorf("empty path element")
	}
	if elem[0] == '.' || elem[len(elem)-1] == '.' {
		return fmt.Errorf("element %q starts or ends with a dot", elem)
	}
	for _, r := range elem {
		ok := 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("-._~+", r)
		if !ok {
			return fmt.Errorf("element %q holds %q", elem, r)
		}
	}
	return nil
}
