// Route tables: a set of keys that API Gateway can tell apart, matched against requests as API Gateway matches them.

package route

import (
	"fmt"
	"slices"
	"strings"
)

// Table matches requests against a set of route keys with API Gateway's
// precedence:
//
//  1. a route without a greedy variable beats one with a greedy variable;
//  2. more literal segments beat fewer;
//  3. reading left to right, at the first segment where two routes differ,
//     a literal beats a variable and a variable beats a greedy variable;
//  4. an exact method beats ANY for the same path;
//  5. the $default route, if the table has one, takes what nothing else matched.
//
// A variable matches one non-empty segment; a greedy variable one or more.
// "/{proxy+}" does not match "/". A trailing slash on the request path is
// ignored for matching. Literal segments compare case-sensitively.
//
// These are the rules R-RTE-2 to R-RTE-7 of docs/api-gateway-behavior.md.
//
// A Table is immutable after [NewTable] and safe for concurrent use.
type Table struct {
	keys       []Key
	index      map[Key]int // each key's position in keys, for Decide's route key lookup
	routes     []compiled
	defaultIdx int // the $default key's position in keys, or -1
}

type compiled struct {
	key      Key
	index    int // the key's position in Table.keys
	segs     []segment
	literals int
	greedy   bool
}

type segment struct {
	text string // literal text, or the variable's name
	kind segmentKind
}

// NewTable validates keys and builds a table. It rejects invalid keys, a
// key given twice, and keys API Gateway cannot tell apart because they
// differ only in variable names ([Key.Ambiguous]).
func NewTable(keys []Key) (*Table, error) {
	t := &Table{keys: slices.Clone(keys), index: make(map[Key]int, len(keys)), defaultIdx: -1}
	shapes := make(map[string]Key, len(keys))
	for i, k := range keys {
		if err := k.Validate(); err != nil {
			return nil, err
		}
		shape := k.shape()
		if o, ok := shapes[shape]; ok {
			if o == k {
				return nil, fmt.Errorf("route key %q appears twice", k.String())
			}
			return nil, fmt.Errorf("route keys %q and %q differ only in variable names: API Gateway cannot tell them apart; name the variables alike", o.String(), k.String())
		}
		shapes[shape] = k
		t.index[k] = i
		if k.IsDefault() {
			t.defaultIdx = i
			continue
		}
		c := compiled{key: k, index: i}
		for _, s := range splitPath(k.Path) {
			name, kind := parseSegment(s)
			c.segs = append(c.segs, segment{text: name, kind: kind})
			switch kind {
			case literal:
				c.literals++
			case greedy:
				c.greedy = true
			}
		}
		t.routes = append(t.routes, c)
	}
	return t, nil
}

// Keys returns the table's keys in the order they were given.
func (t *Table) Keys() []Key { return slices.Clone(t.keys) }

// Match is the outcome of a successful [Table.Match].
type Match struct {
	// Key is the matched route; the $default key when only $default matched.
	Key Key
	// Params holds the path variables' values, nil when there are none.
	// A greedy variable's value has no leading slash ("dog/1").
	Params map[string]string
	// Index is Key's position in the table's keys ([Table.Keys]), so that
	// a router can keep its handlers in a slice.
	Index int
}

// Match finds the route for a request's method and decoded path. It reports
// false when no route matches and the table has no $default route.
func (t *Table) Match(method, path string) (Match, bool) {
	segs := requestSegments(path)
	best := -1
	for i := range t.routes {
		r := &t.routes[i]
		if r.key.Method != method && r.key.Method != "ANY" {
			continue
		}
		if !r.matches(segs) {
			continue
		}
		if best < 0 || r.beats(&t.routes[best]) {
			best = i
		}
	}
	if best < 0 {
		if t.defaultIdx >= 0 {
			return Match{Key: Default(), Index: t.defaultIdx}, true
		}
		return Match{}, false
	}
	r := &t.routes[best]
	return Match{Key: r.key, Params: r.params(segs), Index: r.index}, true
}

// Allowed returns the methods of the routes whose path matches the decoded
// path, sorted, ignoring $default. A router uses it to tell "no such path"
// (404) from "no such method here" (405). ANY is returned as "ANY".
func (t *Table) Allowed(path string) []string {
	segs := requestSegments(path)
	var methods []string
	for i := range t.routes {
		r := &t.routes[i]
		if r.matches(segs) && !slices.Contains(methods, r.key.Method) {
			// Insert in order: at most eight methods, and no generic sort
			// instantiation in every handler binary.
			j := len(methods)
			methods = append(methods, r.key.Method)
			for ; j > 0 && methods[j-1] > r.key.Method; j-- {
				methods[j] = methods[j-1]
			}
			methods[j] = r.key.Method
		}
	}
	return methods
}

func requestSegments(path string) []string {
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	return splitPath(path)
}

func (r *compiled) matches(segs []string) bool {
	if r.greedy {
		if len(segs) < len(r.segs) {
			return false
		}
	} else if len(segs) != len(r.segs) {
		return false
	}
	for i, s := range r.segs {
		switch s.kind {
		case literal:
			if segs[i] != s.text {
				return false
			}
		case variable:
			if segs[i] == "" {
				return false
			}
		case greedy:
			// One or more segments, not all empty ("/a/" does not match "/a/{p+}").
			for _, seg := range segs[i:] {
				if seg != "" {
					return true
				}
			}
			return false
		}
	}
	return true
}

// beats reports whether r takes precedence over o when both match.
func (r *compiled) beats(o *compiled) bool {
	if r.greedy != o.greedy {
		return !r.greedy
	}
	if r.literals != o.literals {
		return r.literals > o.literals
	}
	for i := 0; i < len(r.segs) && i < len(o.segs); i++ {
		if r.segs[i].kind != o.segs[i].kind {
			return r.segs[i].kind < o.segs[i].kind
		}
	}
	return r.key.Method != "ANY" && o.key.Method == "ANY"
}

func (r *compiled) params(segs []string) map[string]string {
	var p map[string]string
	for i, s := range r.segs {
		switch s.kind {
		case variable:
			if p == nil {
				p = make(map[string]string, 2)
			}
			p[s.text] = segs[i]
		case greedy:
			if p == nil {
				p = make(map[string]string, 1)
			}
			p[s.text] = strings.Join(segs[i:], "/")
		}
	}
	return p
}
