// The Lambda Runtime API a function process polls: next invocation, response, errors.

package local

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/httpapi-cdk/httpapi/proxyevent"
	"github.com/httpapi-cdk/httpapi/quota"
)

// runtimeAPI is the Runtime API endpoint of one process. Its paths start
// with the process's token, a secret of 128 random bits that only the
// process learns (in AWS_LAMBDA_RUNTIME_API, host:port/token, which
// aws-lambda-go puts before every path): any other program on the machine
// that finds the port is answered 404, so it can neither take an
// invocation, with the client's request and its credentials, nor answer
// one.
func (pr *process) runtimeAPI() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", pr.next)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", pr.response)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", pr.invocationError)
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", pr.initError)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		if subtle.ConstantTimeCompare([]byte(token), []byte(pr.token)) != 1 || r.URL.RawPath != "" {
			http.NotFound(w, r)
			return
		}
		r.URL.Path = r.URL.Path[1+len(token):] // the request is the server's, made for this call
		mux.ServeHTTP(w, r)
	})
}

// next is GET /runtime/invocation/next: it blocks until an invocation is
// handed over, then sends it with Lambda's headers.
func (pr *process) next(w http.ResponseWriter, r *http.Request) {
	p := pr.pool
	pr.mu.Lock()
	pr.took = true
	if pr.current != nil { // asked for more work without answering: the old one is lost to it
		pr.current.finish(result{outcome: outcomeFunctionError, detail: "runtime asked for the next invocation without answering"})
		pr.current = nil
	}
	pr.mu.Unlock()
	p.mu.Lock()
	p.waiting++
	p.mu.Unlock()
	var inv *invocation
	select {
	case inv = <-p.queue:
	case <-r.Context().Done():
	case <-pr.exited:
	}
	p.mu.Lock()
	p.waiting--
	p.mu.Unlock()
	if inv == nil {
		return
	}
	deadline := time.Now().Add(p.fn.Timeout)
	pr.mu.Lock()
	if pr.dead { // it died as it took the invocation: another process must run it
		pr.mu.Unlock()
		inv.finish(result{outcome: outcomeRedeliver})
		return
	}
	pr.current = inv
	pr.timedOut = false
	pr.timer = time.AfterFunc(p.fn.Timeout, func() {
		pr.mu.Lock()
		if pr.current == inv {
			pr.timedOut = true
			pr.kill() // wait() reports the timeout and the pool starts a fresh process
		}
		pr.mu.Unlock()
	})
	pr.mu.Unlock()
	h := w.Header()
	h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
	h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(deadline.UnixMilli(), 10))
	h.Set("Lambda-Runtime-Invoked-Function-Arn", functionARN(p.fn))
	h.Set("Lambda-Runtime-Trace-Id", "Root="+proxyevent.NewTraceID()+";Parent="+randomHex(8)+";Sampled=0")
	h.Set("Content-Type", "application/json")
	w.Write(inv.payload)
}

// take returns the process's current invocation if its id is id.
func (pr *process) take(id string) *invocation {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	inv := pr.current
	if inv == nil || inv.id != id {
		return nil
	}
	pr.current = nil
	if pr.timer != nil {
		pr.timer.Stop()
	}
	return inv
}

func (pr *process) response(w http.ResponseWriter, r *http.Request) {
	inv := pr.take(r.PathValue("id"))
	if inv == nil {
		http.Error(w, `{"errorMessage":"unknown request id","errorType":"InvalidRequestID"}`, http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, quota.PayloadBytes+1))
	switch {
	case err != nil:
		inv.finish(result{outcome: outcomeCrash, detail: "reading the function's response: " + err.Error()})
	case r.Trailer.Get("Lambda-Runtime-Function-Error-Type") != "":
		// The runtime failed while it streamed the response, and says so
		// in trailers (aws-lambda-go does): an error, not a short result.
		payload, _ := base64.StdEncoding.DecodeString(r.Trailer.Get("Lambda-Runtime-Function-Error-Body"))
		inv.finish(result{outcome: outcomeFunctionError, payload: payload, detail: errorDetail(payload, r.Trailer.Get("Lambda-Runtime-Function-Error-Type"))})
	case len(body) > quota.PayloadBytes:
		inv.finish(tooLargeResult())
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		w.Write([]byte(`{"errorMessage":"Exceeded maximum allowed payload size","errorType":"RequestEntityTooLarge"}`))
		return
	default:
		inv.finish(result{outcome: outcomeOK, payload: body})
	}
	w.WriteHeader(http.StatusAccepted)
	w.Write([]byte(`{"status":"OK"}`))
}

func (pr *process) invocationError(w http.ResponseWriter, r *http.Request) {
	inv := pr.take(r.PathValue("id"))
	if inv == nil {
		http.Error(w, `{"errorMessage":"unknown request id","errorType":"InvalidRequestID"}`, http.StatusBadRequest)
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, quota.PayloadBytes))
	inv.finish(result{outcome: outcomeFunctionError, payload: body, detail: errorDetail(body, "")})
	w.WriteHeader(http.StatusAccepted)
	w.Write([]byte(`{"status":"OK"}`))
}

// errorDetail is "type: message" of a Runtime API error payload, for logs
// and $context.integrationErrorMessage; errType stands in for a payload
// without one.
func errorDetail(payload []byte, errType string) string {
	var e struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}
	json.Unmarshal(payload, &e)
	if e.ErrorType == "" {
		e.ErrorType = errType
	}
	return strings.TrimSpace(e.ErrorType + ": " + e.ErrorMessage)
}

func (pr *process) initError(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64*1024))
	fmt.Fprintf(pr.pool.log, "[%s] init error: %s\n", pr.pool.fn.LogicalID, bytes.TrimSpace(body))
	w.WriteHeader(http.StatusAccepted)
	w.Write([]byte(`{"status":"OK"}`))
}
