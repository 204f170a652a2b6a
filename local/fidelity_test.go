package local

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/httpapi-cdk/httpapi/proxyevent"
	"github.com/httpapi-cdk/httpapi/route"
)

// Hop-by-hop headers, and those the Connection header names, belong to the
// client's connection: API Gateway's events never carry them.
func TestHopByHopHeadersDropped(t *testing.T) {
	f := serve(t, fixtureTemplate, "V2")
	conn, err := net.Dial("tcp", strings.TrimPrefix(f.http.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET /echo/1 HTTP/1.1\r\nHost: localhost:3101\r\nConnection: close, X-Hop\r\nKeep-Alive: timeout=5\r\n"+
		"Proxy-Connection: keep-alive\r\nTE: trailers\r\nTrailer: X-Checksum\r\nUpgrade: websocket\r\nX-Hop: 1\r\nX-Kept: 2\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ev map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&ev); err != nil {
		t.Fatalf("%d: %v", resp.StatusCode, err)
	}
	absent(t, ev, "headers.connection", "headers.keep-alive", "headers.proxy-connection", "headers.te", "headers.trailer", "headers.upgrade", "headers.x-hop")
	expect(t, ev, map[string]any{"headers.x-kept": "2", "headers.host": "localhost:3101",
		"requestContext.domainName": "localhost", "requestContext.domainPrefix": "localhost"})

	// Transfer-Encoding too, and in payload 1.0 as in 2.0.
	req := httptest.NewRequest("POST", "/raw", strings.NewReader(`{"statusCode":200}`))
	req.Header.Set("Transfer-Encoding", "chunked")
	req.Header.Set("Connection", "X-Hop")
	req.Header.Set("X-Hop", "1")
	req.Host = "abc.example.com:8080"
	pe := proxyevent.Request{HTTP: req, Stage: "$default", Route: route.MustParse("POST /raw")}
	for _, format := range []string{"1.0", "2.0"} {
		b, err := pe.Event(format)
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Headers        map[string]string `json:"headers"`
			RequestContext struct {
				DomainName   string `json:"domainName"`
				DomainPrefix string `json:"domainPrefix"`
			} `json:"requestContext"`
		}
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		if _, ok := got.Headers["transfer-encoding"]; ok {
			t.Errorf("%s: transfer-encoding in %v", format, got.Headers)
		}
		if _, ok := got.Headers["x-hop"]; ok {
			t.Errorf("%s: x-hop, named by Connection, in %v", format, got.Headers)
		}
		if got.RequestContext.DomainName != "abc.example.com" || got.RequestContext.DomainPrefix != "abc" {
			t.Errorf("%s: domainName %q, domainPrefix %q", format, got.RequestContext.DomainName, got.RequestContext.DomainPrefix)
		}
	}
}

// AllowCredentials with a "*" origin is a configuration API Gateway
// rejects: the emulator refuses it at start instead of serving both headers.
func TestCorsCredentialsWithAnyOriginRefused(t *testing.T) {
	api := &API{Stack: "Stack", LogicalID: "Api", Stages: []Stage{{Name: "$default"}},
		Cors: &Cors{AllowOrigins: []string{"https://app.example", "*"}, AllowCredentials: true, MaxAge: -1}}
	srv, err := New(context.Background(), api, &Options{Log: testWriter{t}, AccessLog: io.Discard})
	if err == nil {
		srv.Close()
		t.Fatal("served a CORS configuration API Gateway rejects")
	}
	if want := `Stack/Api: CorsConfiguration: AllowCredentials with AllowOrigins "*" is rejected by API Gateway`; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q, want it to start with %q", err, want)
	}
	api.Cors.AllowOrigins = []string{"https://app.example"}
	srv, err = New(context.Background(), api, &Options{Log: testWriter{t}, AccessLog: io.Discard})
	if err != nil {
		t.Fatalf("credentials with a listed origin: %v", err)
	}
	srv.Close()
}
