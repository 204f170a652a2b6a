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
	v1 := serve(t, fixtureTemplate, "V1")
	req := httptest.NewRequest("POST", "/raw", strings.NewReader(`{"statusCode":200}`))
	q := &request{r: req, stage: &Stage{Name: "$default"}, route: &v1.api.Routes[0]}
	q.r.Header.Set("Transfer-Encoding", "chunked")
	q.r.Header.Set("Connection", "X-Hop")
	q.r.Header.Set("X-Hop", "1")
	q.r.Host = "abc.example.com:8080"
	ev1 := q.v1()
	for _, h := range []map[string]string{ev1.Headers, q.v2().Headers} {
		if _, ok := h["transfer-encoding"]; ok {
			t.Errorf("transfer-encoding in %v", h)
		}
		if _, ok := h["x-hop"]; ok {
			t.Errorf("x-hop, named by Connection, in %v", h)
		}
	}
	if ev1.RequestContext.DomainName != "abc.example.com" || ev1.RequestContext.DomainPrefix != "abc" {
		t.Errorf("1.0 domainName %q, domainPrefix %q", ev1.RequestContext.DomainName, ev1.RequestContext.DomainPrefix)
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
