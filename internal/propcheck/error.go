// Prop-validation errors: the prop's path, built from the outside in, and one package prefix.

package propcheck

import (
	"fmt"
	"strings"
)

// Error is a prop-validation error: the prop it is about, as a path from
// the props the validator was given, and what is wrong with it. As with
// the standard library's errors (a *url.Error puts the operation and URL in
// front of the error it wraps), an inner error carries neither the package
// name nor the path of the props that hold it: a validator of nested props
// returns paths relative to them, each caller puts the field holding them
// in front (In), and the construct's exported function adds the package
// name once (Prefix).
type Error struct {
	// Path names the prop: "Name", "Throttle.RateLimit",
	// `Stages[0].Variables["x"]`; "" for the props being validated.
	Path string
	// Text follows Path: it starts with " " (` "x" is not allowed: use
	// ...`) or with ": " (": 11 stages exceed ...").
	Text string
	err  error // the error Text wraps, if any
}

func (e *Error) Error() string {
	if e.Path == "" {
		return strings.TrimPrefix(strings.TrimPrefix(e.Text, ":"), " ")
	}
	return e.Path + e.Text
}

// Unwrap returns the error In wrapped, or nil.
func (e *Error) Unwrap() error { return e.err }

// Errorf returns an *Error about the prop at path, relative to the props
// being validated; format, after fmt.Sprintf, is its Text.
func Errorf(path, format string, args ...any) error {
	return &Error{Path: path, Text: fmt.Sprintf(format, args...)}
}

// In returns err, returned by a validator of the value of field, as an
// error of the props that hold field: field joined in front of its path
// (`Stages[0]` and "Throttle" make `Stages[0].Throttle`; `RouteOverrides`
// and `["GET /a"]` make `RouteOverrides["GET /a"]`). An error that is not
// an *Error reads "field: err". In(field, nil) is nil.
func In(field string, err error) error {
	if err == nil {
		return nil
	}
	e, ok := err.(*Error)
	if !ok {
		return &Error{Path: field, Text: ": " + err.Error(), err: err}
	}
	return &Error{Path: Join(field, e.Path), Text: e.Text, err: e.err}
}

// Join returns the path of the prop at path inside the prop at parent:
// "parent.path", or "parent[...]" when path is an index or a map key.
func Join(parent, path string) string {
	switch {
	case parent == "":
		return path
	case path == "":
		return parent
	case strings.HasPrefix(path, "["):
		return parent + path
	}
	return parent + "." + path
}

// Index returns the path element of element i of a slice, "[i]".
func Index(i int) string { return fmt.Sprintf("[%d]", i) }

// Key returns the path element of a map's key, quoted as Go does: `["k"]`.
func Key(k string) string { return fmt.Sprintf("[%q]", k) }

// Prefix returns err with the package name pkg in front, "pkg: err": the
// message a construct's exported function panics with. nil stays nil.
func Prefix(pkg string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", pkg, err)
}
