// Typed JSON routes: JSONRoute and HandleJSON, their parameters parsed and checked before the handler runs.

package lambdahttp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"strconv"

	"github.com/httpapi-cdk/httpapi/mediatype"
	"github.com/httpapi-cdk/httpapi/openapi"
	"github.com/httpapi-cdk/httpapi/route"
)

// JSONOption configures a typed JSON route ([JSONRoute], [HandleJSON]).
type JSONOption func(*jsonConfig)

type jsonConfig struct {
	status  int
	summary string
}

// WithStatus sets the status of a successful answer. With
// http.StatusNoContent the answer has no body.
// Default: 200.
func WithStatus(code int) JSONOption { return func(c *jsonConfig) { c.status = code } }

// WithSummary sets the route's one-line summary in the OpenAPI document.
func WithSummary(s string) JSONOption { return func(c *jsonConfig) { c.summary = s } }

// typedRoute is what a typed route knows of its types, analysed once when
// it is declared.
type typedRoute struct {
	key  route.Key
	cfg  jsonConfig
	in   *shape
	body bool // the input type has body fields: the request must carry JSON
	op   *openapi.Operation
}

// JSONRoute declares a route whose request and response bodies are Go
// types. In is a struct: its fields tagged `path:"name"` or `query:"name"`
// are the route's path and query parameters, its other exported fields
// the JSON body (none: the route reads no body). A field's `validate` tag
// declares its constraints, comma-separated:
//
//	required    present and not empty: a non-empty string, a non-nil
//	            pointer, slice or map (numbers and bools need a pointer)
//	min=N       a number's least value; a string's least length in
//	            characters; a slice's least length
//	max=N       the greatest, likewise
//	oneof=a b c the allowed values of a string or integer
//
// A path or query parameter that was sent is checked, whatever its value.
// A body field that is not required and holds its zero value counts as
// absent: its other rules are not checked (encoding/json cannot tell ""
// from a missing member). Make it a pointer to check a zero that was sent.
//
// For example:
//
//	type NewItem struct {
//		Name  string   `json:"name" validate:"required,max=64"`
//		Tags  []string `json:"tags,omitempty" validate:"max=10"`
//		Dry   *bool    `query:"dry"`
//	}
//
// Before h runs, the body is decoded and every constraint checked: a
// request whose Content-Type is not JSON (application/json or a +json
// type) is answered 415, one without a Content-Type is read as JSON; a body
// that is missing, not JSON or of the wrong types is answered 400, a
// parameter that does not parse 400, a broken constraint 422, each with
// the JSON error body {"message": "...", "field": "name"} naming the
// value (a nested field as "items[2].name"). If *In has a method
// Validate() error, it runs last; an *[Error] it returns is answered as
// is, any other error with 422 and the error's text.
//
// h's result is answered as JSON with status 200 ([WithStatus] changes
// it); its error as for any handler. The types are analysed once, here:
// JSONRoute panics on a key or type it cannot serve, naming the field.
// The route's [openapi.Operation], with the schemas of In and Out, is
// part of the table's [Router.Operations].
func JSONRoute[In, Out any](key string, h func(ctx context.Context, r *Request, in In) (Out, error), opts ...JSONOption) Route {
	tr := newTypedRoute[In, Out](key, opts)
	return Route{Key: tr.key, op: tr.op, Handler: func(ctx context.Context, r *Request) (*Response, error) {
		var in In
		if err := tr.decode(reflect.ValueOf(&in), r.Header("Content-Type"), r.Body, r.Param, r.Query); err != nil {
			return nil, err
		}
		out, err := h(ctx, r, in)
		if err != nil {
			return nil, err
		}
		if tr.cfg.status == http.StatusNoContent {
			return Empty(http.StatusNoContent), nil
		}
		return JSON(tr.cfg.status, out), nil
	}}
}

// HandleJSON registers on m a typed JSON route for pattern, as
// [JSONRoute] declares one for a [Router]: the request is decoded and
// checked before h runs, and h's result is written as JSON, ending in a
// newline as json.Encoder writes it. The event,
// when the request came from one, is reachable with [RequestFromContext].
// It panics as [ServeMux.Handle] does, and as JSONRoute does on a type it
// cannot serve.
func HandleJSON[In, Out any](m *ServeMux, pattern string, h func(r *http.Request, in In) (Out, error), opts ...JSONOption) {
	k, err := patternKey(pattern)
	if err != nil {
		panic(err)
	}
	tr := newTypedRoute[In, Out](k.String(), opts)
	m.registerOp(k, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, _ := RequestFromContext(r.Context())
		var in In
		var query url.Values
		err := tr.decodeHTTP(reflect.ValueOf(&in), w, r, &query)
		var out Out
		if err == nil {
			out, err = h(r, in)
		}
		if err != nil {
			writeResponse(w, errorResult(r.Context(), m.logger(ev), ev.id(), err))
			return
		}
		if tr.cfg.status == http.StatusNoContent {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		b, err := json.Marshal(out)
		if err != nil {
			writeResponse(w, errorResult(r.Context(), m.logger(ev), ev.id(), fmt.Errorf("response does not encode as JSON: %w", err)))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(tr.cfg.status)
		w.Write(append(b, '\n')) // as json.Encoder writes it
	}), tr.op)
}

// newTypedRoute analyses In and Out for the route key. It panics on what
// it cannot serve.
func newTypedRoute[In, Out any](key string, opts []JSONOption) *typedRoute {
	k, err := route.Parse(key)
	if err != nil {
		panic(fmt.Errorf("lambdahttp: %w", err))
	}
	tr := &typedRoute{key: k, cfg: jsonConfig{status: http.StatusOK}}
	for _, o := range opts {
		o(&tr.cfg)
	}
	fail := func(err error) {
		panic(fmt.Errorf("lambdahttp: typed route %q: %w", key, err))
	}
	if tr.cfg.status < 200 || tr.cfg.status > 299 {
		fail(fmt.Errorf("WithStatus(%d): a successful answer's status is 200 to 299", tr.cfg.status))
	}
	inType, outType := reflect.TypeFor[In](), reflect.TypeFor[Out]()
	if inType.Kind() != reflect.Struct {
		fail(fmt.Errorf("the input type %s is not a struct: declare the body and parameters as a struct's fields", inType))
	}
	if tr.in, err = analyse(inType, true, map[reflect.Type]bool{}); err != nil {
		fail(err)
	}
	out, err := analyse(outType, false, map[reflect.Type]bool{})
	if err != nil {
		fail(err)
	}
	vars := k.Variables()
	op := &openapi.Operation{Key: k, Summary: tr.cfg.summary, Status: tr.cfg.status, Validated: true}
	for _, p := range tr.in.params {
		if p.in == "path" && !contains(vars, p.name) {
			fail(fmt.Errorf("path parameter %q is not a variable of the route's path %q", p.name, k.Path))
		}
		ps := p.schema(false)
		ps.Nullable = false // a parameter is a string on the wire, never null
		op.Parameters = append(op.Parameters, openapi.Parameter{Name: p.name, In: p.in, Required: p.in == "path" || p.rule.required, Schema: ps})
	}
	tr.body = len(tr.in.fields) > 0
	if tr.body {
		op.RequestBody = tr.in.schema(false)
	}
	if tr.cfg.status != http.StatusNoContent {
		op.Response = out.schema(true)
	}
	tr.op = op
	return tr
}

// decode fills in, a pointer to the input struct, from the body and the
// parameters, and checks it. A route with a body refuses a Content-Type
// other than JSON with 415 before decoding the body; a request without a
// Content-Type is read as JSON.
func (tr *typedRoute) decode(in reflect.Value, contentType string, body []byte, param func(string) string, query func() url.Values) error {
	if tr.body {
		if contentType != "" && !mediatype.IsJSON(contentType) {
			return &Error{Status: http.StatusUnsupportedMediaType, Message: "request Content-Type " + strconv.Quote(mediatype.Of(contentType)) + " is not supported: send application/json"}
		}
		if err := decodeJSONBody(body, in.Interface()); err != nil {
			return err
		}
	}
	return tr.finish(in, param, query)
}

// decodeHTTP is decode for a net/http request.
func (tr *typedRoute) decodeHTTP(in reflect.Value, w http.ResponseWriter, r *http.Request, query *url.Values) error {
	var body []byte
	if tr.body && r.Body != nil {
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxResponseBytes))
		if err != nil {
			return &Error{Status: http.StatusBadRequest, Message: "request body could not be read", Err: err}
		}
		body = b
	}
	return tr.decode(in, r.Header.Get("Content-Type"), body, r.PathValue, func() url.Values {
		if *query == nil {
			*query = r.URL.Query()
		}
		return *query
	})
}

// finish sets the parameter fields and runs the checks.
func (tr *typedRoute) finish(in reflect.Value, param func(string) string, query func() url.Values) error {
	v := in.Elem()
	for i := range tr.in.params {
		p := &tr.in.params[i]
		fv := v.FieldByIndex(p.index)
		fv.SetZero() // a body member of the same name must not stand in for the parameter
		var raw string
		var present bool
		if p.in == "path" {
			raw = param(p.name)
			present = true
		} else {
			vals, ok := query()[p.name]
			if ok && len(vals) > 0 {
				raw, present = vals[0], true
			}
		}
		if !present {
			if p.rule.required {
				return &Error{Status: http.StatusUnprocessableEntity, Message: "query parameter " + strconv.Quote(p.name) + " is required", Field: p.name}
			}
			continue
		}
		if err := setParam(fv, raw); err != nil {
			return &Error{Status: http.StatusBadRequest, Message: fmt.Sprintf("%s parameter %q: %v", p.in, p.name, err), Field: p.name}
		}
		if m := p.rule.check(fv, true); m != "" {
			return &Error{Status: http.StatusUnprocessableEntity, Message: p.in + " parameter " + strconv.Quote(p.name) + " " + m, Field: p.name}
		}
	}
	if err := tr.in.check(v); err != nil {
		return err
	}
	if val, ok := in.Interface().(interface{ Validate() error }); ok {
		if err := val.Validate(); err != nil {
			if he := asError(err); he != nil {
				return err
			}
			return &Error{Status: http.StatusUnprocessableEntity, Message: err.Error(), Err: err}
		}
	}
	return nil
}

// setParam parses raw into fv, a parameter field (or a pointer to one).
func setParam(fv reflect.Value, raw string) error {
	if fv.Kind() == reflect.Pointer {
		fv.Set(reflect.New(fv.Type().Elem()))
		fv = fv.Elem()
	}
	switch fv.Kind() {
	case reflect.String:
		fv.SetString(raw)
	case reflect.Bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return fmt.Errorf("%q is not true or false", raw)
		}
		fv.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(raw, 10, fv.Type().Bits())
		if err != nil {
			return fmt.Errorf("%q is not a whole number in range", raw)
		}
		fv.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(raw, 10, fv.Type().Bits())
		if err != nil {
			return fmt.Errorf("%q is not a non-negative whole number in range", raw)
		}
		fv.SetUint(n)
	case reflect.Float32, reflect.Float64:
		n, err := strconv.ParseFloat(raw, fv.Type().Bits())
		if err != nil {
			return fmt.Errorf("%q is not a number", raw)
		}
		if math.IsNaN(n) || math.IsInf(n, 0) {
			// ParseFloat reads "NaN" and "Inf"; JSON has neither, and
			// NaN would slip past min and max.
			return fmt.Errorf("%q is not a finite number", raw)
		}
		fv.SetFloat(n)
	}
	return nil
}
