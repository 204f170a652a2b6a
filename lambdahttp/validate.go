// Validation: the analysis of a typed route's types, their validate rules, and the schemas that describe them.

package lambdahttp

import (
	"cmp"
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/httpapi-cdk/httpapi/openapi"
)

// A shape is a Go type analysed once, when a typed route is declared: how
// it travels as JSON, the constraints its fields declare in `validate`
// tags, and so its JSON Schema. Checking a value walks the shape's field
// table; it never looks at struct tags again.
type shape struct {
	t      reflect.Type
	kind   reflect.Kind
	format string  // "date-time", "byte", "any" for types JSON encodes their own way
	elem   *shape  // pointer, slice, array and map values
	fields []field // struct fields that travel in the body
	params []field // struct fields read from the path or query (the input type only)
	checks bool    // some constraint applies to this value or below it
}

// field is a struct field with its JSON or parameter name and constraints.
type field struct {
	index     []int
	name      string // JSON name, or the parameter's name
	in        string // "" (body), "path" or "query"
	omitEmpty bool
	shape     *shape
	rule      rule
}

// rule is what a field's `validate` tag declares.
type rule struct {
	required bool
	min, max *float64 // a number's value; a string's length in characters; a slice's length
	// imin and imax are an integer field's min and max, exactly: a
	// float64 cannot tell 2^53 from 2^53+1.
	imin, imax *big.Int
	oneof      []string // allowed values, as the tag spells them
}

var (
	timeType          = reflect.TypeFor[time.Time]()
	rawMessageType    = reflect.TypeFor[json.RawMessage]()
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// analyse builds the shape of t. params allows `path` and `query` tags
// (the input type's own fields only). It fails on a type JSON cannot
// carry, a recursive type, and a tag it cannot honour.
func analyse(t reflect.Type, params bool, visiting map[reflect.Type]bool) (*shape, error) {
	s := &shape{t: t, kind: t.Kind()}
	switch {
	case t == timeType:
		s.format = "date-time"
		return s, nil
	case t == rawMessageType:
		s.format = "any"
		return s, nil
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		s.format = "byte"
		return s, nil
	case t.Kind() != reflect.Pointer && (t.Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(jsonMarshalerType) ||
		t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType)):
		s.format = "any" // encodes its own way: described as any value
		return s, nil
	}
	switch t.Kind() {
	case reflect.Bool, reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return s, nil
	case reflect.Interface:
		s.format = "any"
		return s, nil
	case reflect.Pointer, reflect.Slice, reflect.Array:
		e, err := analyse(t.Elem(), false, visiting)
		s.elem = e
		s.checks = e != nil && e.checks
		return s, err
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return nil, fmt.Errorf("%s: a map's keys must be strings to travel as a JSON object", t)
		}
		e, err := analyse(t.Elem(), false, visiting)
		s.elem = e
		s.checks = e != nil && e.checks
		return s, err
	case reflect.Struct:
		if visiting[t] {
			return nil, fmt.Errorf("%s is recursive: typed routes describe their bodies inline, so a type may not contain itself", t)
		}
		visiting[t] = true
		defer delete(visiting, t)
		return s, s.addFields(t, nil, params, visiting)
	}
	return nil, fmt.Errorf("%s: a %s does not travel as JSON", t, t.Kind())
}

// addFields adds t's exported fields, flattening embedded structs as
// encoding/json does.
func (s *shape) addFields(t reflect.Type, index []int, params bool, visiting map[reflect.Type]bool) error {
	for i := range t.NumField() {
		sf := t.Field(i)
		idx := append(append([]int(nil), index...), i)
		tag, hasTag := sf.Tag.Lookup("json")
		if sf.Anonymous && !hasTag {
			if sf.Type.Kind() == reflect.Struct {
				if err := s.addFields(sf.Type, idx, params, visiting); err != nil {
					return err
				}
				continue
			}
			if sf.Type.Kind() == reflect.Pointer {
				return fmt.Errorf("%s.%s: an embedded pointer is not supported in a typed route: embed the struct", t, sf.Name)
			}
		}
		if !sf.IsExported() || tag == "-" {
			continue
		}
		f := field{index: idx, name: sf.Name}
		if p, ok := sf.Tag.Lookup("path"); ok {
			f.in, f.name = "path", p
		} else if q, ok := sf.Tag.Lookup("query"); ok {
			f.in, f.name = "query", q
		} else {
			name, opts, _ := strings.Cut(tag, ",")
			if name != "" {
				f.name = name
			}
			for o := range strings.SplitSeq(opts, ",") {
				switch o {
				case "omitempty", "omitzero":
					f.omitEmpty = true
				case "string":
					return fmt.Errorf("%s.%s: the json \",string\" option is not supported in a typed route", t, sf.Name)
				}
			}
		}
		if f.in != "" {
			if !params {
				return fmt.Errorf("%s.%s: %s parameters are fields of the route's input type itself, not of a nested type", t, sf.Name, f.in)
			}
			if f.name == "" {
				return fmt.Errorf("%s.%s: the %s tag needs the parameter's name", t, sf.Name, f.in)
			}
			if !parameterKind(sf.Type) {
				return fmt.Errorf("%s.%s: a %s parameter is a string, bool or number (or a pointer to one, for an optional query parameter), got %s", t, sf.Name, f.in, sf.Type)
			}
		}
		fs, err := analyse(sf.Type, false, visiting)
		if err != nil {
			return err
		}
		f.shape = fs
		if f.rule, err = parseRule(sf.Tag.Get("validate"), sf.Type); err != nil {
			return fmt.Errorf("%s.%s: %w", t, sf.Name, err)
		}
		if f.in == "path" && f.shape.kind == reflect.Pointer {
			return fmt.Errorf("%s.%s: a path parameter is always present: use %s, not a pointer", t, sf.Name, sf.Type.Elem())
		}
		if f.rule.required || f.rule.min != nil || f.rule.max != nil || f.rule.oneof != nil || fs.checks {
			s.checks = true
		}
		if f.in != "" {
			s.params = append(s.params, f)
		} else {
			s.fields = append(s.fields, f)
		}
	}
	return nil
}

// parameterKind reports whether t can be parsed from a path or query parameter.
func parameterKind(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool, reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// parseRule parses a `validate` tag: comma-separated "required", "min=N",
// "max=N" and "oneof=a b c", for a field of type t.
func parseRule(tag string, t reflect.Type) (rule, error) {
	var r rule
	if tag == "" {
		return r, nil
	}
	base := t
	if base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	for part := range strings.SplitSeq(tag, ",") {
		name, arg, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch name {
		case "required":
			switch t.Kind() {
			case reflect.String, reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
			default:
				return r, fmt.Errorf("validate %q: required on a %s cannot tell a missing value from its zero value: use a pointer (*%s), or min", tag, t, t)
			}
			r.required = true
		case "min", "max":
			switch base.Kind() {
			case reflect.Struct, reflect.Bool, reflect.Map, reflect.Interface:
				return r, fmt.Errorf("validate %q: %s does not apply to a %s", tag, name, base)
			}
			n, err := strconv.ParseFloat(arg, 64)
			if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
				return r, fmt.Errorf("validate %q: %s needs a number, got %q", tag, name, arg)
			}
			var exact *big.Int
			if isInteger(base.Kind()) {
				var ok bool
				if exact, ok = new(big.Int).SetString(arg, 10); !ok {
					return r, fmt.Errorf("validate %q: %s on a %s needs a whole number, got %q", tag, name, base, arg)
				}
			}
			if name == "min" {
				r.min, r.imin = &n, exact
			} else {
				r.max, r.imax = &n, exact
			}
		case "oneof":
			if base.Kind() != reflect.String && !isInteger(base.Kind()) {
				return r, fmt.Errorf("validate %q: oneof applies to strings and integers, not %s", tag, base)
			}
			r.oneof = strings.Fields(arg)
			if len(r.oneof) == 0 {
				return r, fmt.Errorf("validate %q: oneof needs its values, separated by spaces", tag)
			}
			for _, v := range r.oneof {
				if _, err := strconv.ParseInt(v, 10, 64); isInteger(base.Kind()) && err != nil {
					return r, fmt.Errorf("validate %q: oneof value %q is not an integer", tag, v)
				}
			}
		default:
			return r, fmt.Errorf("validate %q: unknown rule %q: use required, min=N, max=N or oneof=a b c", tag, name)
		}
	}
	if r.imin != nil && r.imax != nil && r.imin.Cmp(r.imax) > 0 || r.min != nil && r.max != nil && *r.min > *r.max {
		return r, fmt.Errorf("validate %q: min is greater than max", tag)
	}
	return r, nil
}

func isInteger(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// check reports the first constraint v breaks, as an *Error with status
// 422 naming the field, or nil.
func (s *shape) check(v reflect.Value) *Error {
	if !s.checks {
		return nil
	}
	if path, msg := s.checkValue(v); msg != "" {
		return &Error{Status: http.StatusUnprocessableEntity, Message: path + " " + msg, Field: path}
	}
	return nil
}

// checkValue walks v; on a broken constraint it returns the field's path
// and what is wrong. Paths are built only on failure.
func (s *shape) checkValue(v reflect.Value) (path, msg string) {
	if !s.checks {
		return "", ""
	}
	switch s.kind {
	case reflect.Pointer:
		if v.IsNil() {
			return "", ""
		}
		return s.elem.checkValue(v.Elem())
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if p, m := s.elem.checkValue(v.Index(i)); m != "" {
				return "[" + strconv.Itoa(i) + "]" + dotted(p), m
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			if p, m := s.elem.checkValue(iter.Value()); m != "" {
				return "." + iter.Key().String() + dotted(p), m
			}
		}
	case reflect.Struct:
		for i := range s.fields {
			f := &s.fields[i]
			fv := v.FieldByIndex(f.index)
			if m := f.rule.check(fv, false); m != "" {
				return f.name, m
			}
			if p, m := f.shape.checkValue(fv); m != "" {
				return f.name + dotted(p), m
			}
		}
	}
	return "", ""
}

// dotted prefixes a nested field path with "." where it names a field.
func dotted(p string) string {
	if p == "" || p[0] == '[' || p[0] == '.' {
		return p
	}
	return "." + p
}

// check returns what v breaks of r, or "". sent says that v was sent
// (a parameter that was in the request): its zero value is checked. A
// body field's zero value cannot be told from a missing member: unless
// required, it counts as absent.
func (r *rule) check(v reflect.Value, sent bool) string {
	if r.required {
		switch v.Kind() {
		case reflect.String:
			if v.Len() == 0 {
				return "is required"
			}
		default: // pointer, slice, map, interface
			if v.IsNil() {
				return "is required"
			}
		}
	}
	if r.min == nil && r.max == nil && r.oneof == nil {
		return ""
	}
	if !r.required && !sent && v.IsZero() {
		// Not required and zero: as good as absent, which JSON Schema
		// accepts. A pointer tells a present zero from an absent value.
		return ""
	}
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	var n float64
	unit := ""
	switch v.Kind() {
	case reflect.String:
		n, unit = float64(utf8.RuneCountInString(v.String())), " characters"
		if r.oneof != nil && !contains(r.oneof, v.String()) {
			return "must be one of " + strings.Join(r.oneof, ", ")
		}
	case reflect.Slice, reflect.Array:
		n, unit = float64(v.Len()), " items"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if r.oneof != nil && !contains(r.oneof, strconv.FormatInt(v.Int(), 10)) {
			return "must be one of " + strings.Join(r.oneof, ", ")
		}
		return r.checkInt(v)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if r.oneof != nil && !contains(r.oneof, strconv.FormatUint(v.Uint(), 10)) {
			return "must be one of " + strings.Join(r.oneof, ", ")
		}
		return r.checkInt(v)
	case reflect.Float32, reflect.Float64:
		n = v.Float()
	}
	if r.min != nil && n < *r.min {
		if unit != "" {
			return "must have at least " + formatNumber(*r.min) + unit
		}
		return "must be at least " + formatNumber(*r.min)
	}
	if r.max != nil && n > *r.max {
		if unit != "" {
			return "must have at most " + formatNumber(*r.max) + unit
		}
		return "must be at most " + formatNumber(*r.max)
	}
	return ""
}

// checkInt returns what v, an integer, breaks of r's min and max, or "".
func (r *rule) checkInt(v reflect.Value) string {
	if r.imin != nil && compareInt(v, r.imin) < 0 {
		return "must be at least " + r.imin.String()
	}
	if r.imax != nil && compareInt(v, r.imax) > 0 {
		return "must be at most " + r.imax.String()
	}
	return ""
}

// compareInt compares v, an integer, with b, exactly and without
// allocating: -1 if v < b, 0 if v == b, +1 if v > b.
func compareInt(v reflect.Value, b *big.Int) int {
	if v.CanInt() {
		if !b.IsInt64() {
			return -b.Sign() // b is beyond int64's range
		}
		return cmp.Compare(v.Int(), b.Int64())
	}
	if b.Sign() < 0 {
		return 1
	}
	if !b.IsUint64() {
		return -1
	}
	return cmp.Compare(v.Uint(), b.Uint64())
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// schema returns s's JSON Schema. For a response, a field without
// omitempty is always present, so it is required, and a nil pointer,
// slice or map is written as null; for a request, a field is required
// when its tag says so.
func (s *shape) schema(response bool) *openapi.Schema {
	switch s.format {
	case "date-time":
		return &openapi.Schema{Type: "string", Format: "date-time"}
	case "byte":
		return &openapi.Schema{Type: "string", Format: "byte", Nullable: true}
	case "any":
		return &openapi.Schema{}
	}
	switch s.kind {
	case reflect.Bool:
		return &openapi.Schema{Type: "boolean"}
	case reflect.String:
		return &openapi.Schema{Type: "string"}
	case reflect.Int, reflect.Int64:
		return &openapi.Schema{Type: "integer", Format: "int64"}
	case reflect.Int8, reflect.Int16, reflect.Int32:
		return &openapi.Schema{Type: "integer", Format: "int32"}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		zero := 0.0
		return &openapi.Schema{Type: "integer", Minimum: &zero}
	case reflect.Float32:
		return &openapi.Schema{Type: "number", Format: "float"}
	case reflect.Float64:
		return &openapi.Schema{Type: "number", Format: "double"}
	case reflect.Pointer:
		out := *s.elem.schema(response)
		out.Nullable = true
		return &out
	case reflect.Slice:
		return &openapi.Schema{Type: "array", Items: s.elem.schema(response), Nullable: true}
	case reflect.Array:
		n := uint64(s.t.Len())
		return &openapi.Schema{Type: "array", Items: s.elem.schema(response), MinItems: &n, MaxItems: &n}
	case reflect.Map:
		return &openapi.Schema{Type: "object", AdditionalProperties: s.elem.schema(response), Nullable: true}
	case reflect.Struct:
		out := &openapi.Schema{Type: "object", Properties: map[string]*openapi.Schema{}}
		for i := range s.fields {
			f := &s.fields[i]
			out.Properties[f.name] = f.schema(response)
			if response && !f.omitEmpty || !response && f.rule.required {
				out.Required = append(out.Required, f.name)
			}
		}
		return out
	}
	return &openapi.Schema{}
}

// schema returns the field's schema with its constraints.
func (f *field) schema(response bool) *openapi.Schema {
	s := f.shape.schema(response)
	r := f.rule
	if r.required {
		s.Nullable = false
	}
	if !response && f.shape.kind != reflect.Pointer && f.shape.kind != reflect.Slice && f.shape.kind != reflect.Map {
		s.Nullable = false
	}
	base := f.shape
	if base.kind == reflect.Pointer {
		base = base.elem
	}
	bound := func(n *float64) *uint64 {
		if n == nil {
			return nil
		}
		u := uint64(math.Max(0, math.Ceil(*n)))
		return &u
	}
	switch base.kind {
	case reflect.String:
		s.MinLength, s.MaxLength = bound(r.min), bound(r.max)
		if r.required && s.MinLength == nil && f.shape.kind == reflect.String {
			one := uint64(1)
			s.MinLength = &one // required strings are not empty
		}
		for _, v := range r.oneof {
			s.Enum = append(s.Enum, v)
		}
	case reflect.Slice, reflect.Array:
		if r.min != nil {
			s.MinItems = bound(r.min)
		}
		if r.max != nil {
			s.MaxItems = bound(r.max)
		}
	default:
		if r.min != nil {
			s.Minimum = r.min
		}
		if r.max != nil {
			s.Maximum = r.max
		}
		for _, v := range r.oneof {
			n, _ := strconv.ParseInt(v, 10, 64)
			s.Enum = append(s.Enum, n)
		}
	}
	return s
}
