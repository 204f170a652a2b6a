package local

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/httpapi-cdk/httpapi/quota"
	"github.com/httpapi-cdk/httpapi/route"
)

// handBuilt is an API without functions: it builds nothing, and answers
// every request 404.
func handBuilt(t *testing.T, routes ...Route) *Server {
	t.Helper()
	api := &API{LogicalID: "Api", Stages: []Stage{{Name: "$default"}}, Routes: routes}
	srv, err := New(context.Background(), api, &Options{Log: io.Discard, AccessLog: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func TestNewRefusesNegativeConcurrency(t *testing.T) {
	_, err := New(context.Background(), &API{LogicalID: "Api"}, &Options{Concurrency: -1, Log: io.Discard})
	if want := "Options.Concurrency: -1: want a number of processes per function, 1 or more (0 for the default, 4)"; err == nil || err.Error() != want {
		t.Errorf("Concurrency -1: %v, want %q", err, want)
	}
}

// The gateway's server bounds every phase of a connection, and its write
// timeout outlasts the slowest answer the API can give.
func TestHTTPServerTimeouts(t *testing.T) {
	key, err := route.Parse("GET /slow")
	if err != nil {
		t.Fatal(err)
	}
	const longest = 45 * time.Second // past API Gateway's 30 s: a hand-built API may say so
	hs := handBuilt(t, Route{Key: key, Function: "Slow", PayloadFormat: "2.0", Timeout: longest}).httpServer()
	if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout <= 0 || hs.IdleTimeout <= 0 {
		t.Errorf("timeouts: read header %s, read %s, idle %s; want all set", hs.ReadHeaderTimeout, hs.ReadTimeout, hs.IdleTimeout)
	}
	if min := hs.ReadTimeout + quota.AuthorizerTimeout + longest; hs.WriteTimeout <= min {
		t.Errorf("write timeout %s, want more than reading, a Lambda authorizer and the %s integration (%s)", hs.WriteTimeout, longest, min)
	}
	if hs.MaxHeaderBytes < quota.RequestLineAndHeadersBytes {
		t.Errorf("MaxHeaderBytes %d, below API Gateway's %d", hs.MaxHeaderBytes, quota.RequestLineAndHeadersBytes)
	}
	if hs := handBuilt(t).httpServer(); hs.WriteTimeout <= quota.MaxIntegrationTimeout+quota.AuthorizerTimeout {
		t.Errorf("write timeout of an API without routes: %s", hs.WriteTimeout)
	}
}

// serveRaw serves srv on a fresh port and returns a raw connection to it.
func serveRaw(t *testing.T, srv *Server) net.Conn {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(5 * time.Second))
	return c
}

// RFC 9112 §6.1: a request with both Content-Length and Transfer-Encoding
// is answered, then its connection closed; an ordinary one keeps it.
func TestChunkedWithContentLengthClosesTheConnection(t *testing.T) {
	srv := handBuilt(t)
	c := serveRaw(t, srv)
	r := bufio.NewReader(c)
	get := "GET /a HTTP/1.1\r\nHost: localhost\r\n\r\n"
	for i := range 2 {
		io.WriteString(c, get)
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatalf("GET %d on one connection: %v", i, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 404 || resp.Close {
			t.Fatalf("GET %d: %d, close %v; want 404 on a kept connection", i, resp.StatusCode, resp.Close)
		}
	}

	io.WriteString(c, "POST /a HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"+get)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 404 || !resp.Close {
		t.Errorf("POST with Content-Length and Transfer-Encoding: %d, close %v; want the answer, then the connection closed", resp.StatusCode, resp.Close)
	}
	// The GET sent after it on the same connection is never read.
	if b, err := r.ReadByte(); err != io.EOF {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatal("the connection stayed open after a request with both Content-Length and Transfer-Encoding")
		}
		t.Fatalf("after the POST: read %q, %v; want EOF", b, err)
	}
}
