package lambdahttp

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/httpapi-cdk/httpapi/openapi"
	"github.com/httpapi-cdk/httpapi/route"
)

type typedItem struct {
	Name  string   `json:"name" validate:"required,max=8"`
	Kind  string   `json:"kind,omitempty" validate:"oneof=a b"`
	Count *int     `json:"count" validate:"required,min=1"`
	Tags  []string `json:"tags,omitempty" validate:"max=2"`
}

type typedOrder struct {
	Shop   string      `path:"shop" validate:"max=4"`
	Dry    *bool       `query:"dry"`
	Limit  int         `query:"limit" validate:"min=1,max=5"`
	Items  []typedItem `json:"items" validate:"required,min=1"`
	Note   string      `json:"note,omitempty"`
	Extras struct {
		Level uint8 `json:"level" validate:"max=3"`
	} `json:"extras"`
}

// Validate refuses a note that says "no".
func (o *typedOrder) Validate() error {
	if o.Note == "no" {
		return errors.New("the note says no")
	}
	return nil
}

type typedReceipt struct {
	Shop  string `json:"shop"`
	Items int    `json:"items"`
	Dry   bool   `json:"dry"`
}

func placeOrder(_ context.Context, _ *Request, in typedOrder) (typedReceipt, error) {
	return typedReceipt{Shop: in.Shop, Items: len(in.Items), Dry: in.Dry != nil && *in.Dry}, nil
}

func typedRouter(t *testing.T) *Router {
	t.Helper()
	rt, err := NewRouter(quietOptions(), JSONRoute("POST /shops/{shop}/orders", placeOrder, WithStatus(http.StatusCreated)))
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

func quietOptions() *Options { return &Options{Logger: slog.New(slog.DiscardHandler)} }

func TestJSONRouteValidates(t *testing.T) {
	rt := typedRouter(t)
	for _, tc := range []struct {
		name, shop, query, body string
		status                  int
		field, message          string
	}{
		{"valid", "s1", "dry=true", `{"items":[{"name":"pen","count":2}]}`, 201, "", ""},
		{"empty body", "s1", "", ``, 400, "", "request body is empty: want a JSON document"},
		{"malformed", "s1", "", `{"items":`, 400, "", "request body is not valid JSON at byte 9: unexpected end of JSON input"},
		{"mistyped", "s1", "", `{"items":"pen"}`, 400, "items", `request body field "items" must be []lambdahttp.typedItem, got string`},
		{"missing items", "s1", "", `{}`, 422, "items", "items is required"},
		{"no items", "s1", "", `{"items":[]}`, 422, "items", "items must have at least 1 items"},
		{"nested required", "s1", "", `{"items":[{"name":"pen","count":1},{"count":1}]}`, 422, "items[1].name", "items[1].name is required"},
		{"nested length", "s1", "", `{"items":[{"name":"fountainpen","count":1}]}`, 422, "items[0].name", "items[0].name must have at most 8 characters"},
		{"required pointer", "s1", "", `{"items":[{"name":"pen"}]}`, 422, "items[0].count", "items[0].count is required"},
		{"pointer min", "s1", "", `{"items":[{"name":"pen","count":0}]}`, 422, "items[0].count", "items[0].count must be at least 1"},
		{"enum", "s1", "", `{"items":[{"name":"pen","count":1,"kind":"c"}]}`, 422, "items[0].kind", "items[0].kind must be one of a, b"},
		{"slice max", "s1", "", `{"items":[{"name":"pen","count":1,"tags":["a","b","c"]}]}`, 422, "items[0].tags", "items[0].tags must have at most 2 items"},
		{"nested struct", "s1", "", `{"items":[{"name":"pen","count":1}],"extras":{"level":4}}`, 422, "extras.level", "extras.level must be at most 3"},
		{"path constraint", "shop12", "", `{"items":[{"name":"pen","count":1}]}`, 422, "shop", `path parameter "shop" must have at most 4 characters`},
		{"query parse", "s1", "dry=perhaps", `{"items":[{"name":"pen","count":1}]}`, 400, "dry", `query parameter "dry": "perhaps" is not true or false`},
		{"query constraint", "s1", "limit=9", `{"items":[{"name":"pen","count":1}]}`, 422, "limit", `query parameter "limit" must be at most 5`},
		{"Validate method", "s1", "", `{"items":[{"name":"pen","count":1}],"note":"no"}`, 422, "", "the note says no"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := events.APIGatewayV2HTTPRequest{
				Version: "2.0", RouteKey: "POST /shops/{shop}/orders", RawPath: "/shops/" + tc.shop + "/orders", RawQueryString: tc.query,
				PathParameters: map[string]string{"shop": tc.shop}, Body: tc.body,
				RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: "id", Stage: "$default",
					HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", Path: "/shops/" + tc.shop + "/orders"}},
			}
			payload, _ := json.Marshal(ev)
			out, _ := rt.Invoke(context.Background(), payload)
			var res events.APIGatewayV2HTTPResponse
			json.Unmarshal(out, &res)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d %s, want %d", res.StatusCode, res.Body, tc.status)
			}
			if tc.status == 201 {
				if res.Body != `{"shop":"s1","items":1,"dry":true}` {
					t.Errorf("body %s", res.Body)
				}
				return
			}
			var e errorBody
			json.Unmarshal([]byte(res.Body), &e)
			if e.Field != tc.field || e.Message != tc.message {
				t.Errorf("error %s, want field %q message %q", res.Body, tc.field, tc.message)
			}
		})
	}
}

// invokeTyped invokes rt with a 2.0 event for "POST /x" and returns the
// status and the error's field and message.
func invokeTyped(t *testing.T, rt *Router, query, body string) (int, errorBody) {
	t.Helper()
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "POST /x", RawPath: "/x", RawQueryString: query, Body: body,
		RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: "id", Stage: "$default",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", Path: "/x"}},
	}
	payload, _ := json.Marshal(ev)
	out, _ := rt.Invoke(context.Background(), payload)
	var res events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	var e errorBody
	json.Unmarshal([]byte(res.Body), &e)
	return res.StatusCode, e
}

// TestJSONRouteFloatParameterNotFinite checks that NaN and infinities,
// which strconv.ParseFloat reads and min and max cannot compare, are
// refused.
func TestJSONRouteFloatParameterNotFinite(t *testing.T) {
	type in struct {
		Limit float64 `query:"limit" validate:"min=0,max=100"`
	}
	rt, err := NewRouter(quietOptions(), JSONRoute("POST /x", func(_ context.Context, _ *Request, in in) (struct{}, error) { return struct{}{}, nil }))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"NaN", "nan", "Inf", "-Inf", "%2BInf", "infinity", "-Infinity"} {
		status, e := invokeTyped(t, rt, "limit="+q, `{}`)
		want := `query parameter "limit": "` + strings.Replace(q, "%2B", "+", 1) + `" is not a finite number`
		if status != 400 || e.Field != "limit" || e.Message != want {
			t.Errorf("limit=%s: %d %+v, want 400 %q", q, status, e, want)
		}
	}
	if status, _ := invokeTyped(t, rt, "limit=99.5", `{}`); status != 200 {
		t.Errorf("limit=99.5: %d, want 200", status)
	}
}

// TestJSONRouteIntegerBoundsExact checks that an integer's min and max
// compare exactly, beyond float64's 2^53.
func TestJSONRouteIntegerBoundsExact(t *testing.T) {
	type in struct {
		N int64  `query:"n" validate:"min=-9007199254740993,max=9007199254740992"`
		U uint64 `json:"u" validate:"min=9007199254740993,max=18446744073709551614"`
		V *uint8 `json:"v" validate:"min=-1,max=99999999999999999999"`
	}
	rt, err := NewRouter(quietOptions(), JSONRoute("POST /x", func(_ context.Context, _ *Request, in in) (struct{}, error) { return struct{}{}, nil }))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		query, body    string
		status         int
		field, message string
	}{
		{"n=9007199254740992", `{}`, 200, "", ""},
		{"n=9007199254740993", `{}`, 422, "n", `query parameter "n" must be at most 9007199254740992`},
		{"n=-9007199254740993", `{}`, 200, "", ""},
		{"n=-9007199254740994", `{}`, 422, "n", `query parameter "n" must be at least -9007199254740993`},
		{"", `{"u":9007199254740993}`, 200, "", ""},
		{"", `{"u":9007199254740992}`, 422, "u", "u must be at least 9007199254740993"},
		{"", `{"u":18446744073709551615}`, 422, "u", "u must be at most 18446744073709551614"},
		{"", `{"v":0}`, 200, "", ""},
		{"", `{"v":255}`, 200, "", ""},
	} {
		status, e := invokeTyped(t, rt, tc.query, tc.body)
		if status != tc.status || e.Field != tc.field || e.Message != tc.message {
			t.Errorf("%s %s: %d %+v, want %d %q %q", tc.query, tc.body, status, e, tc.status, tc.field, tc.message)
		}
	}
}

// TestJSONRouteParametersNotFromBody checks that a body member cannot
// stand in for a parameter.
func TestJSONRouteParametersNotFromBody(t *testing.T) {
	var got typedOrder
	rt, err := NewRouter(quietOptions(), JSONRoute("POST /shops/{shop}/orders", func(_ context.Context, _ *Request, in typedOrder) (struct{}, error) {
		got = in
		return struct{}{}, nil
	}, WithStatus(http.StatusNoContent)))
	if err != nil {
		t.Fatal(err)
	}
	resp := rt.Serve(context.Background(), &Request{Version: "2.0", Method: "POST", Path: "/shops/s1/orders", RouteKey: "POST /shops/{shop}/orders",
		PathParams: map[string]string{"shop": "s1"}, Body: []byte(`{"Shop":"evil","Limit":3,"Dry":true,"items":[{"name":"a","count":1}]}`)})
	if resp.Status != 204 || len(resp.Body) != 0 {
		t.Fatalf("%d %s", resp.Status, resp.Body)
	}
	if got.Shop != "s1" || got.Limit != 0 || got.Dry != nil {
		t.Errorf("parameters from the body: %+v", got)
	}
}

func TestJSONRouteDeclarationErrors(t *testing.T) {
	type reqInt struct {
		N int `json:"n" validate:"required"`
	}
	type unknownRule struct {
		S string `json:"s" validate:"email"`
	}
	type stray struct {
		ID string `path:"id"`
	}
	type nested struct {
		Inner struct {
			Q string `query:"q"`
		} `json:"inner"`
	}
	type rec struct {
		Next []rec `json:"next"`
	}
	type badMin struct {
		B bool `json:"b" validate:"min=1"`
	}
	type fractionalBound struct {
		N int `json:"n" validate:"max=1.5"`
	}
	type crossedBounds struct {
		N int64 `json:"n" validate:"min=9007199254740993,max=9007199254740992"`
	}
	type chanField struct {
		C chan int `json:"c"`
	}
	for _, tc := range []struct {
		name string
		f    func()
		want string
	}{
		{"required int", func() { JSONRoute("POST /x", handlerOf[reqInt]()) },
			`lambdahttp: typed route "POST /x": lambdahttp.reqInt.N: validate "required": required on a int cannot tell a missing value from its zero value: use a pointer (*int), or min`},
		{"unknown rule", func() { JSONRoute("POST /x", handlerOf[unknownRule]()) },
			`lambdahttp: typed route "POST /x": lambdahttp.unknownRule.S: validate "email": unknown rule "email": use required, min=N, max=N or oneof=a b c`},
		{"path not in key", func() { JSONRoute("GET /x", handlerOf[stray]()) },
			`lambdahttp: typed route "GET /x": path parameter "id" is not a variable of the route's path "/x"`},
		{"nested parameter", func() { JSONRoute("GET /x", handlerOf[nested]()) }, "query parameters are fields of the route's input type itself"},
		{"recursive", func() { JSONRoute("POST /x", handlerOf[rec]()) }, "is recursive"},
		{"min on bool", func() { JSONRoute("POST /x", handlerOf[badMin]()) }, "min does not apply to a bool"},
		{"fractional bound on int", func() { JSONRoute("POST /x", handlerOf[fractionalBound]()) },
			`lambdahttp.fractionalBound.N: validate "max=1.5": max on a int needs a whole number, got "1.5"`},
		{"crossed integer bounds", func() { JSONRoute("POST /x", handlerOf[crossedBounds]()) },
			`lambdahttp.crossedBounds.N: validate "min=9007199254740993,max=9007199254740992": min is greater than max`},
		{"channel", func() { JSONRoute("POST /x", handlerOf[chanField]()) }, "a chan does not travel as JSON"},
		{"not a struct", func() { JSONRoute("POST /x", handlerOf[[]string]()) }, "the input type []string is not a struct"},
		{"bad status", func() { JSONRoute("POST /x", handlerOf[struct{}](), WithStatus(404)) }, "WithStatus(404)"},
		{"bad key", func() { JSONRoute("FETCH /x", handlerOf[struct{}]()) }, `method "FETCH"`},
		{"mux pattern", func() {
			HandleJSON(NewServeMux(), "/x/", func(*http.Request, struct{}) (struct{}, error) { return struct{}{}, nil })
		}, "subtree"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				p := recover()
				if p == nil {
					t.Fatalf("no panic, want %q", tc.want)
				}
				if msg := p.(error).Error(); !strings.Contains(msg, tc.want) {
					t.Errorf("panic %q, want %q", msg, tc.want)
				}
			}()
			tc.f()
		})
	}
}

func handlerOf[In any]() func(context.Context, *Request, In) (struct{}, error) {
	return func(context.Context, *Request, In) (struct{}, error) { return struct{}{}, nil }
}

func TestRouterOperations(t *testing.T) {
	rt, err := NewRouter(quietOptions(),
		Route{Key: route.MustParse("GET /plain"), Handler: func(context.Context, *Request) (*Response, error) { return Empty(204), nil }},
		JSONRoute("POST /shops/{shop}/orders", placeOrder, WithSummary("Places an order.")),
	)
	if err != nil {
		t.Fatal(err)
	}
	ops := rt.Operations()
	if len(ops) != 2 || ops[0].Key.String() != "GET /plain" || ops[0].Validated || ops[0].Status != 0 {
		t.Fatalf("operations %+v", ops)
	}
	op := ops[1]
	if op.Summary != "Places an order." || op.Status != 200 || !op.Validated {
		t.Errorf("typed operation %+v", op)
	}
	params := map[string]openapi.Parameter{}
	for _, p := range op.Parameters {
		params[p.In+" "+p.Name] = p
	}
	if p := params["path shop"]; !p.Required || p.Schema.Type != "string" || *p.Schema.MaxLength != 4 {
		t.Errorf("shop parameter %+v", p)
	}
	if p := params["query limit"]; p.Required || p.Schema.Type != "integer" || *p.Schema.Minimum != 1 || *p.Schema.Maximum != 5 {
		t.Errorf("limit parameter %+v", p)
	}
	if p := params["query dry"]; p.Schema.Type != "boolean" || p.Schema.Nullable {
		t.Errorf("dry parameter %+v", p)
	}
	body := op.RequestBody
	if body == nil || strings.Join(body.Required, ",") != "items" || body.Properties["Shop"] != nil || body.Properties["shop"] != nil {
		t.Fatalf("request body %+v", body)
	}
	item := body.Properties["items"].Items
	if strings.Join(item.Required, ",") != "name,count" || *item.Properties["name"].MaxLength != 8 || *item.Properties["name"].MinLength != 1 ||
		len(item.Properties["kind"].Enum) != 2 || *item.Properties["count"].Minimum != 1 || *item.Properties["tags"].MaxItems != 2 {
		b, _ := json.Marshal(item)
		t.Errorf("item schema %s", b)
	}
	if r := op.Response; r == nil || strings.Join(r.Required, ",") != "shop,items,dry" {
		t.Errorf("response schema %+v", r)
	}
}

func TestHandleJSON(t *testing.T) {
	mux := NewServeMux()
	HandleJSON(mux, "POST /shops/{shop}/orders", func(r *http.Request, in typedOrder) (typedReceipt, error) {
		if in.Note == "teapot" {
			return typedReceipt{}, &Error{Status: http.StatusTeapot, Message: "teapot", Field: "note"}
		}
		if in.Note == "boom" {
			return typedReceipt{}, errors.New("secret detail")
		}
		return typedReceipt{Shop: in.Shop, Items: len(in.Items)}, nil
	}, WithStatus(http.StatusCreated))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, tc := range []struct {
		target, body string
		status       int
		want         string
	}{
		{"/shops/s1/orders?limit=2", `{"items":[{"name":"pen","count":1}]}`, 201, `{"shop":"s1","items":1,"dry":false}` + "\n"},
		{"/shops/s1/orders?limit=7", `{"items":[{"name":"pen","count":1}]}`, 422, `{"message":"query parameter \"limit\" must be at most 5","field":"limit"}`},
		{"/shops/s1/orders", `{"items":[{"count":1}]}`, 422, `{"message":"items[0].name is required","field":"items[0].name"}`},
		{"/shops/s1/orders", `[`, 400, `{"message":"request body is not valid JSON at byte 1: unexpected end of JSON input"}`},
		{"/shops/s1/orders", `{"items":[{"name":"pen","count":1}],"note":"teapot"}`, 418, `{"message":"teapot","field":"note"}`},
		{"/shops/s1/orders", `{"items":[{"name":"pen","count":1}],"note":"boom"}`, 500, `{"message":"Internal Server Error"}`},
	} {
		res, err := http.Post(srv.URL+tc.target, "application/json", strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status || string(b) != tc.want || res.Header.Get("Content-Type") != "application/json" {
			t.Errorf("POST %s %s: %d %s, want %d %s", tc.target, tc.body, res.StatusCode, b, tc.status, tc.want)
		}
	}
	ops := mux.Operations()
	if len(ops) != 1 || ops[0].Status != http.StatusCreated || ops[0].RequestBody == nil {
		t.Errorf("operations %+v", ops)
	}
}

// TestTypedRouteContentType checks, in both front-ends, that a typed
// route with a body answers a Content-Type other than JSON with 415 and
// the error body, reads a +json type or a request without a Content-Type
// as JSON, and that a route without a body ignores the Content-Type.
func TestTypedRouteContentType(t *testing.T) {
	type note struct {
		Text string `json:"text" validate:"required"`
	}
	type id struct {
		ID string `path:"id"`
	}
	post := func(_ context.Context, _ *Request, in note) (note, error) { return in, nil }
	get := func(_ context.Context, _ *Request, in id) (note, error) { return note{Text: in.ID}, nil }
	rt, err := NewRouter(quietOptions(), JSONRoute("POST /notes", post), JSONRoute("GET /notes/{id}", get))
	if err != nil {
		t.Fatal(err)
	}
	mux := NewServeMux()
	HandleJSON(mux, "POST /notes", func(_ *http.Request, in note) (note, error) { return in, nil })
	HandleJSON(mux, "GET /notes/{id}", func(_ *http.Request, in id) (note, error) { return note{Text: in.ID}, nil })
	const unsupported = `{"message":"request Content-Type \"text/plain\" is not supported: send application/json","requestId":"id"}`
	for _, tc := range []struct {
		method, path, contentType string
		status                    int
		body                      string // the error body, for the Router (the ServeMux's has no request id)
	}{
		{"POST", "/notes", "text/plain; charset=utf-8", 415, unsupported},
		{"POST", "/notes", "application/x-www-form-urlencoded", 415, ""},
		{"POST", "/notes", "application/json; charset=utf-8", 200, ""},
		{"POST", "/notes", "application/merge-patch+json", 200, ""},
		{"POST", "/notes", "", 200, ""},
		{"GET", "/notes/7", "text/plain", 200, ""},
	} {
		name := tc.method + " " + tc.path + " " + tc.contentType
		var body string
		if tc.method == "POST" {
			body = `{"text":"hi"}`
		}
		ev := events.APIGatewayV2HTTPRequest{
			Version: "2.0", RawPath: tc.path, Body: body, Headers: map[string]string{},
			RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: "id", Stage: "$default",
				HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: tc.method, Path: tc.path}},
		}
		if tc.contentType != "" {
			ev.Headers["content-type"] = tc.contentType
		}
		payload, _ := json.Marshal(ev)
		out, _ := rt.Invoke(context.Background(), payload)
		var res events.APIGatewayV2HTTPResponse
		json.Unmarshal(out, &res)
		if res.StatusCode != tc.status || tc.body != "" && res.Body != tc.body || tc.status == 415 && res.Headers["Content-Type"] != "application/json" {
			t.Errorf("Router %s: %d %v %s, want %d %s", name, res.StatusCode, res.Headers, res.Body, tc.status, tc.body)
		}

		req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(body))
		if tc.contentType != "" {
			req.Header.Set("Content-Type", tc.contentType)
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		var e errorBody
		json.Unmarshal(rec.Body.Bytes(), &e)
		if rec.Code != tc.status || tc.status == 415 && (!strings.Contains(e.Message, "is not supported: send application/json") || rec.Header().Get("Content-Type") != "application/json") {
			t.Errorf("ServeMux %s: %d %s, want %d", name, rec.Code, rec.Body, tc.status)
		}
	}
}
