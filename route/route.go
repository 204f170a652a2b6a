// Package route parses, validates and matches API Gateway HTTP API route keys.
//
// A route key is what API Gateway calls a route: a method and a path template,
// such as "GET /pets/{id}" or "ANY /files/{proxy+}", or the catch-all
// "$default". The same [Key] values are handed to the httpapi construct (which
// creates the routes) and to the Lambda handler (which dispatches on them), so
// the deployed routes and the handler's table cannot drift apart.
//
// The package has no dependencies beyond the standard library, so a Lambda
// handler can import it without linking the CDK.
package route

import (
	"errors"
	"fmt"
	"strings"
)

// DefaultKey is the route key of the catch-all route, which receives every
// request that no other route matches.
const DefaultKey = "$default"

// Methods lists the methods a route key may name, in the order API Gateway's
// documentation lists them. ANY matches every method that no route with the
// same path names explicitly.
var Methods = []string{"ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}

// HTTPMethods returns the HTTP methods a route key may name: [Methods]
// without ANY, in the same order. A route with the ANY method takes them all.
func HTTPMethods() []string {
	out := make([]string, 0, len(Methods))
	for _, m := range Methods {
		if m != "ANY" {
			out = append(out, m)
		}
	}
	return out
}

// Key is a route key: a method and a path template. The zero Key is the
// $default route.
type Key struct {
	// Method is an upper-case HTTP method or "ANY"; empty for $default.
	Method string
	// Path is the path template, starting with "/"; empty for $default.
	// A segment "{name}" matches one path segment, and a last segment
	// "{name+}" matches one or more.
	Path string
}

// Default returns the key of the $default route.
func Default() Key { return Key{} }

// IsDefault reports whether k is the $default route.
func (k Key) IsDefault() bool { return k == Key{} }

// String returns the key as API Gateway writes it: "GET /pets/{id}" or "$default".
func (k Key) String() string {
	if k.IsDefault() {
		return DefaultKey
	}
	return k.Method + " " + k.Path
}

// Parse parses and validates a route key such as "GET /hello" or "$default".
func Parse(s string) (Key, error) {
	if s == DefaultKey {
		return Key{}, nil
	}
	method, path, ok := strings.Cut(s, " ")
	if !ok {
		return Key{}, fmt.Errorf("route key %q: want \"METHOD /path\" or %q", s, DefaultKey)
	}
	k := Key{Method: method, Path: path}
	if err := k.Validate(); err != nil {
		return Key{}, err
	}
	return k, nil
}

// MustParse is like [Parse] but panics on an invalid key. It is meant for
// route tables declared as package-level values.
func MustParse(s string) Key {
	k, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return k
}

// Validate reports whether k is a route key API Gateway accepts: a known
// method, a path that starts with "/", has no empty segment and no trailing
// slash, variables with unique names, and a greedy variable only last
// (docs/api-gateway-behavior.md R-RTE-1).
func (k Key) Validate() error {
	if k.IsDefault() {
		return nil
	}
	if !validMethod(k.Method) {
		return fmt.Errorf("route key %q: method %q is not one of %s", k.String(), k.Method, strings.Join(Methods, ", "))
	}
	if err := validatePath(k.Path); err != nil {
		return fmt.Errorf("route key %q: %w", k.String(), err)
	}
	return nil
}

func validMethod(m string) bool {
	for _, v := range Methods {
		if m == v {
			return true
		}
	}
	return false
}

func validatePath(p string) error {
	if !strings.HasPrefix(p, "/") {
		return errors.New("path must start with \"/\"")
	}
	if p == "/" {
		return nil
	}
	if strings.HasSuffix(p, "/") {
		return errors.New("path must not end with \"/\" (only the root path may)")
	}
	seen := map[string]bool{}
	segs := strings.Split(p[1:], "/")
	for i, s := range segs {
		if s == "" {
			return errors.New("path must not contain an empty segment (\"//\")")
		}
		if strings.ContainsAny(s, "?#% \t") {
			return fmt.Errorf("segment %q has a character not allowed in a route path (one of ?#%% or space)", s)
		}
		name, kind := parseSegment(s)
		switch kind {
		case literal:
			if strings.ContainsAny(s, "{}") {
				return fmt.Errorf("segment %q: a variable must be a whole segment, like {id}", s)
			}
			continue
		case greedy:
			if i != len(segs)-1 {
				return fmt.Errorf("greedy variable %q must be the last segment", s)
			}
		}
		if name == "" || strings.ContainsAny(name, "{}+") {
			return fmt.Errorf("segment %q is not a valid variable: want {name} or {name+}", s)
		}
		if seen[name] {
			return fmt.Errorf("variable %q appears twice", name)
		}
		seen[name] = true
	}
	return nil
}

type segmentKind uint8

const (
	literal segmentKind = iota
	variable
	greedy
)

func parseSegment(s string) (name string, kind segmentKind) {
	if len(s) >= 2 && s[0] == '{' && s[len(s)-1] == '}' {
		inner := s[1 : len(s)-1]
		if n, ok := strings.CutSuffix(inner, "+"); ok {
			return n, greedy
		}
		return inner, variable
	}
	return s, literal
}

// Variables returns the names of the path variables in k, in order.
func (k Key) Variables() []string {
	var names []string
	for _, s := range splitPath(k.Path) {
		if name, kind := parseSegment(s); kind != literal {
			names = append(names, name)
		}
	}
	return names
}

// Ambiguous reports whether API Gateway cannot tell k and o apart: the same
// method and the same path once variable names are ignored, such as
// "GET /todos/{id}" and "GET /todos/{todoId}", or "ANY /{proxy+}" and
// "ANY /{rest+}". Equal keys are ambiguous too. A variable and a greedy
// variable at the same place are not.
func (k Key) Ambiguous(o Key) bool { return k.shape() == o.shape() }

// shape returns k with its variables' names erased: "GET /todos/{}" for
// "GET /todos/{id}", "ANY /{+}" for "ANY /{proxy+}".
func (k Key) shape() string {
	if k.IsDefault() {
		return DefaultKey
	}
	var b strings.Builder
	b.WriteString(k.Method)
	b.WriteString(" ")
	if k.Path == "/" {
		b.WriteString("/")
	}
	for _, s := range splitPath(k.Path) {
		b.WriteString("/")
		switch _, kind := parseSegment(s); kind {
		case literal:
			b.WriteString(s)
		case variable:
			b.WriteString("{}")
		case greedy:
			b.WriteString("{+}")
		}
	}
	return b.String()
}

// Wildcard returns k's path with every variable replaced by "*", the form an
// execute-api ARN needs to match real request paths: "/items/{id}/tags" gives
// "/items/*/tags" and "/files/{proxy+}" gives "/files/*". It returns "" for
// the $default route.
func (k Key) Wildcard() string {
	if k.IsDefault() {
		return ""
	}
	segs := splitPath(k.Path)
	for i, s := range segs {
		if _, kind := parseSegment(s); kind != literal {
			segs[i] = "*"
		}
	}
	return "/" + strings.Join(segs, "/")
}

// splitPath splits "/a/b" into ["a", "b"]; "/" and "" give nil.
func splitPath(p string) []string {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}
