package local

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/affinity"
	"github.com/httpapi-cdk/httpapi/quota"
)

// outcome classifies how an invocation ended.
type outcome int

const (
	outcomeOK              outcome = iota // the function returned a response
	outcomeFunctionError                  // the function reported an error (or panicked)
	outcomeCrash                          // the process exited mid-invocation
	outcomeFunctionTimeout                // the function ran past its own timeout
	outcomeTooLarge                       // the response exceeded 6 MB
	outcomeInitError                      // the process failed before taking work
	outcomeRedeliver                      // the process died as it took the invocation: hand it to another
)

// result is the end of one invocation.
type result struct {
	outcome outcome
	payload []byte // the response, or the error payload
	detail  string // for logs and $context.integrationErrorMessage
}

// invocation is one request to a function, handed to exactly one process.
type invocation struct {
	id      string
	payload []byte
	done    chan result // buffered: the first result wins
	once    sync.Once
}

func (inv *invocation) finish(r result) {
	inv.once.Do(func() { inv.done <- r })
}

// pool runs up to max warm processes of one function's bootstrap and hands
// each invocation to exactly one of them.
type pool struct {
	fn     *Function
	binary string
	max    int
	log    io.Writer
	cpus   []int // the CPUs its processes are confined to; nil: any

	queue chan *invocation // unbuffered: a send is a hand-over to a waiting process

	mu          sync.Mutex
	procs       map[*process]bool
	waiting     int           // processes blocked in /next
	initFailed  chan struct{} // closed, then replaced, when a process dies before taking work
	exited      chan struct{} // closed, then replaced, whenever a process exits
	lastInitErr string
	closed      bool
}

func newPool(fn *Function, binary string, max int, log io.Writer, cpus []int) *pool {
	return &pool{fn: fn, binary: binary, max: max, log: log, cpus: cpus, queue: make(chan *invocation),
		procs: map[*process]bool{}, initFailed: make(chan struct{}), exited: make(chan struct{})}
}

// invoke runs payload on the function and waits for its result until
// deadline (the integration timeout), reporting false if it passed first.
// The invocation is handed to exactly one live process: if the process dies
// as it takes it, it is handed to another; if processes exit while it
// waits, the pool starts new ones.
func (p *pool) invoke(payload []byte, deadline time.Time) (result, bool) {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		inv := &invocation{id: newUUID(), payload: payload, done: make(chan result, 1)}
		if r, ok, delivered := p.deliver(inv, timer.C); !delivered {
			return r, ok
		}
		select {
		case r := <-inv.done:
			if r.outcome == outcomeRedeliver {
				continue
			}
			return r, true
		case <-timer.C:
			return result{}, false // the function goes on until it answers or times out
		}
	}
}

// deliver hands inv to a process waiting in /next, starting one when none
// waits and the pool has room. It reports delivered false, with the result
// to return, when the pool cannot take work or the deadline passed.
func (p *pool) deliver(inv *invocation, deadline <-chan time.Time) (result, bool, bool) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return result{outcome: outcomeInitError, detail: "emulator is shutting down"}, true, false
		}
		if p.waiting == 0 && len(p.procs) < p.max {
			if err := p.start(); err != nil {
				p.mu.Unlock()
				return result{outcome: outcomeInitError, detail: err.Error()}, true, false
			}
		}
		initFailed, exited := p.initFailed, p.exited
		p.mu.Unlock()
		select {
		case p.queue <- inv:
			return result{}, false, true
		case <-initFailed:
			p.mu.Lock()
			msg := p.lastInitErr
			p.mu.Unlock()
			return result{outcome: outcomeInitError, detail: msg}, true, false
		case <-exited:
			// A process exited: look again at capacity.
		case <-deadline:
			return result{}, false, false
		}
	}
}

// close stops every process.
func (p *pool) close() {
	p.mu.Lock()
	p.closed = true
	procs := make([]*process, 0, len(p.procs))
	for pr := range p.procs {
		procs = append(procs, pr)
	}
	p.mu.Unlock()
	for _, pr := range procs {
		pr.kill()
	}
	for _, pr := range procs {
		<-pr.exited
	}
}

// process is one running bootstrap and its Runtime API endpoint.
type process struct {
	pool     *pool
	cmd      *exec.Cmd
	ln       net.Listener
	srv      *http.Server
	exited   chan struct{}
	mu       sync.Mutex
	current  *invocation
	took     bool // it asked for work at least once
	dead     bool // its process has exited
	timer    *time.Timer
	timedOut bool
}

// start launches a process; p.mu must be held.
func (p *pool) start() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("runtime API listener: %w", err)
	}
	pr := &process{pool: p, ln: ln, exited: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", pr.next)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", pr.response)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", pr.invocationError)
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", pr.initError)
	pr.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go pr.srv.Serve(ln)

	cmd := exec.Command(p.binary)
	cmd.Env = p.env(ln.Addr().String())
	prefix := "[" + p.fn.LogicalID + "] "
	cmd.Stdout = &prefixWriter{w: p.log, prefix: prefix}
	cmd.Stderr = &prefixWriter{w: p.log, prefix: prefix}
	start := cmd.Start
	if len(p.cpus) > 0 {
		start = func() error { return affinity.Start(p.cpus, cmd.Start) }
	}
	if err := start(); err != nil {
		ln.Close()
		return fmt.Errorf("starting %s: %w", p.fn.LogicalID, err)
	}
	pr.cmd = cmd
	p.procs[pr] = true
	go pr.wait()
	return nil
}

// env is the function's environment: the template's variables and what the
// Lambda service sets, with no AWS credentials.
func (p *pool) env(runtimeAPI string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"TZ=:UTC",
		"LANG=en_US.UTF-8",
		"AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_EXECUTION_ENV=AWS_Lambda_provided.al2023",
		"AWS_LAMBDA_FUNCTION_NAME=" + p.fn.LogicalID,
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + strconv.Itoa(p.fn.MemorySize),
		"AWS_LAMBDA_LOG_FORMAT=JSON",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + p.fn.LogicalID,
		"AWS_LAMBDA_RUNTIME_API=" + runtimeAPI,
		"_HANDLER=bootstrap",
		"GOMAXPROCS=1",
	}
	for k, v := range p.fn.Environment {
		env = append(env, k+"="+v)
	}
	return env
}

func (pr *process) wait() {
	err := pr.cmd.Wait()
	pr.srv.Close()
	p := pr.pool
	pr.mu.Lock()
	pr.dead = true
	inv, took, timedOut := pr.current, pr.took, pr.timedOut
	pr.current = nil
	if pr.timer != nil {
		pr.timer.Stop()
	}
	pr.mu.Unlock()
	p.mu.Lock()
	delete(p.procs, pr)
	if !took && !p.closed {
		p.lastInitErr = fmt.Sprintf("function %s exited before taking work: %v", p.fn.LogicalID, err)
		close(p.initFailed)
		p.initFailed = make(chan struct{})
	}
	close(p.exited)
	p.exited = make(chan struct{})
	p.mu.Unlock()
	close(pr.exited)
	if inv != nil {
		if timedOut {
			inv.finish(result{outcome: outcomeFunctionTimeout, detail: fmt.Sprintf("Task timed out after %.2f seconds", p.fn.Timeout.Seconds())})
		} else {
			inv.finish(result{outcome: outcomeCrash, detail: fmt.Sprintf("Runtime exited with error: %v", err)})
		}
	}
}

func (pr *process) kill() {
	if pr.cmd != nil && pr.cmd.Process != nil {
		pr.cmd.Process.Kill()
	}
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
	h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:"+p.fn.LogicalID)
	h.Set("Lambda-Runtime-Trace-Id", "Root="+traceID()+";Parent="+randomHex(8)+";Sampled=0")
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
		inv.finish(result{outcome: outcomeTooLarge, detail: fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", quota.PayloadBytes)})
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

// prefixWriter writes each line with a prefix, for function logs.
type prefixWriter struct {
	mu     sync.Mutex
	w      io.Writer
	prefix string
	buf    []byte
}

func (pw *prefixWriter) Write(b []byte) (int, error) {
	pw.mu.Lock()
	defer pw.mu.Unlock()
	pw.buf = append(pw.buf, b...)
	for {
		i := bytes.IndexByte(pw.buf, '\n')
		if i < 0 {
			break
		}
		fmt.Fprintf(pw.w, "%s%s\n", pw.prefix, pw.buf[:i])
		pw.buf = pw.buf[i+1:]
	}
	return len(b), nil
}

// build compiles a function's Go package for this machine into dir.
func build(ctx context.Context, fn *Function, dir string) (string, error) {
	out := filepath.Join(dir, fn.LogicalID)
	if runtime.GOOS == "windows" {
		out += ".exe"
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc", "-o", out, fn.GoPackage)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if output, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s (%s): %v\n%s", fn.LogicalID, fn.GoPackage, err, output)
	}
	return out, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func newUUID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// traceID is an X-Ray trace id: 1-<8 hex seconds>-<24 hex>.
func traceID() string {
	return fmt.Sprintf("1-%08x-%s", time.Now().Unix(), randomHex(12))
}
