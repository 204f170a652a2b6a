package app

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/route"
)

func TestNotesRoutes(t *testing.T) {
	want := []route.Key{route.MustParse("GET /notes/{id}"), route.MustParse("POST /notes")}
	if got := NotesRoutes(); !slices.Equal(got, want) {
		t.Errorf("NotesRoutes() = %v, want %v", got, want)
	}
}

func TestNotesFromEvents(t *testing.T) {
	b := lambdahttp.NewBridge(NotesMux(), &lambdahttp.BridgeOptions{Logger: slog.New(slog.DiscardHandler)})
	for _, tc := range []struct {
		name                   string
		method, path, routeKey string
		params                 map[string]string
		body                   string
		claims                 map[string]string
		status                 int
		want                   string
	}{
		{"get", "GET", "/notes/7", "GET /notes/{id}", map[string]string{"id": "7"}, "", nil, 200, `{"id":"7","text":"note 7"}`},
		{"post with claims", "POST", "/notes", "POST /notes", nil, `{"text":"buy milk"}`, map[string]string{"sub": "u-1"}, 201, `{"id":"id-1","text":"buy milk","owner":"u-1"}`},
		{"post without claims", "POST", "/notes", "POST /notes", nil, `{"text":"buy milk"}`, nil, 401, `{"message":"Unauthorized","requestId":"id-1"}`},
		{"post, empty note", "POST", "/notes", "POST /notes", nil, `{"text":" "}`, map[string]string{"sub": "u-1"}, 422, `{"message":"text must not be only white space","field":"text","requestId":"id-1"}`},
		{"post, note too long", "POST", "/notes", "POST /notes", nil, `{"text":"` + strings.Repeat("é", 281) + `"}`, map[string]string{"sub": "u-1"}, 422, `{"message":"text must have at most 280 characters","field":"text","requestId":"id-1"}`},
		{"post, not JSON", "POST", "/notes", "POST /notes", nil, `{`, map[string]string{"sub": "u-1"}, 400, `{"message":"request body is not valid JSON at byte 1: unexpected end of JSON input","requestId":"id-1"}`},
		{"other method", "DELETE", "/notes/7", "$default", nil, "", nil, 405, `{"message":"Method Not Allowed","requestId":"id-1"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := events.APIGatewayV2HTTPRequest{
				Version: "2.0", RouteKey: tc.routeKey, RawPath: tc.path, PathParameters: tc.params, Body: tc.body,
				Headers: map[string]string{"content-type": "application/json"},
				RequestContext: events.APIGatewayV2HTTPRequestContext{
					RequestID: "id-1", Stage: "$default", RouteKey: tc.routeKey,
					HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: tc.method, Path: tc.path},
				},
			}
			if tc.claims != nil {
				ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
					JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: tc.claims},
				}
			}
			payload, _ := json.Marshal(ev)
			out, err := b.Invoke(context.Background(), payload)
			if err != nil {
				t.Fatal(err)
			}
			var res events.APIGatewayV2HTTPResponse
			if err := json.Unmarshal(out, &res); err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != tc.status || strings.TrimSuffix(res.Body, "\n") != tc.want || res.Headers["Content-Type"] != "application/json" {
				t.Errorf("got %d %q %v, want %d %q", res.StatusCode, res.Body, res.Headers, tc.status, tc.want)
			}
		})
	}
}

func TestNotesAsPlainServer(t *testing.T) {
	srv := httptest.NewServer(NotesMux())
	defer srv.Close()
	res, err := http.Get(srv.URL + "/notes/42")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(b) != "{\"id\":\"42\",\"text\":\"note 42\"}\n" {
		t.Errorf("GET: %d %q", res.StatusCode, b)
	}
	// No authorizer in front of a plain server: no claims, no note.
	res, err = http.Post(srv.URL+"/notes", "application/json", strings.NewReader(`{"text":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Errorf("POST without claims: %d", res.StatusCode)
	}
}
