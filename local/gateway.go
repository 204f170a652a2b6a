// The gateway's lifecycle: options, building and starting the functions, closing.

package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/httpapi-cdk/httpapi/internal/affinity"
	"github.com/httpapi-cdk/httpapi/quota"
	"github.com/httpapi-cdk/httpapi/route"
)

// MaxRequestBytes is the HTTP API payload quota, [quota.RequestBytes].
const MaxRequestBytes = quota.RequestBytes

// Options configure a [Server].
type Options struct {
	// Concurrency is the most processes run at once per function.
	// Default (0): 4. A negative number is an error.
	Concurrency int
	// Stages limits the stages served, by name. Default: every stage.
	Stages []string
	// Log receives the emulator's messages and the functions' output.
	// Default: os.Stderr. Lines are written from a goroutine of the
	// server's: a Log that blocks delays them, never a function or a
	// request (past a bound, lines are dropped, and a line says so).
	Log io.Writer
	// AccessLog receives one line per request in the stage's access log
	// format, written as Log is. Default: os.Stdout.
	AccessLog io.Writer
	// BuildDir is where functions are built for this machine.
	// Default: a temporary directory removed by Close, or, after an
	// emulator killed outright, by the next New on the machine.
	BuildDir string
	// JWTKeys, when set, verifies the signature of every token a JWT
	// authorizer sees against these keys, as API Gateway does against the
	// issuer's jwks_uri: an RSA algorithm, a kid naming one of the keys, a
	// valid signature. Default: signatures are not verified (the issuer's
	// keys are not fetched); claims and scopes are checked either way.
	JWTKeys *KeySet
	// Handlers, when set, runs the API's functions in this process instead
	// of building them and starting processes: each function is served by
	// the handler keyed by its logical id or, more conveniently, by its Go
	// package (gofunction's Package). The routes, stages, CORS,
	// authorizers, payload formats and timeouts still come from the
	// template, so a test exercises the API as deployed, at in-process
	// speed. Every function of the API needs a handler. An in-process
	// handler sees this process's environment, not the function's
	// (Function.Environment); Concurrency, BuildDir and FunctionCPUs do not
	// apply. Default: nil, every function is built and run as processes.
	Handlers map[string]lambda.Handler
	// FunctionCPUs confines every function process to these CPUs, by
	// number, from its first instruction on. Giving the functions CPUs of
	// their own, and the gateway the others, keeps each side's caches warm:
	// cmd/local does so by default. Linux only. Default: no confinement.
	FunctionCPUs []int
}

// Server serves one HTTP API. It is an http.Handler.
type Server struct {
	api       *API
	table     *route.Table
	routes    map[route.Key]*Route
	stages    map[string]*Stage
	formats   map[string][]logSegment // each stage's access log format, parsed
	pools     map[string]*pool
	inProcess map[string]*inProcess // with Options.Handlers, instead of pools
	log       *logSink
	accessLog *logSink
	launcher  *affinity.Launcher // starts every function process
	closeOnce sync.Once
	closeErr  error
	buildDir  string
	ownsDir   bool
	dirLock   *os.File // held while the server runs: see sweepBuildDirs
	apiID     string
	region    string // the API's region, or DefaultRegion
	authCache authCache
	jwtKeys   *KeySet
}

// New builds the API's functions for this machine and returns a server
// for it. Function processes start on first use and stay warm. With
// Options.Handlers it builds and starts nothing: the functions run in
// this process.
func New(ctx context.Context, api *API, opts *Options) (*Server, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Concurrency < 0 {
		return nil, fmt.Errorf("Options.Concurrency: %d: want a number of processes per function, 1 or more (0 for the default, 4)", o.Concurrency)
	}
	if o.Concurrency == 0 {
		o.Concurrency = 4
	}
	if o.Log == nil {
		o.Log = os.Stderr
	}
	if o.AccessLog == nil {
		o.AccessLog = os.Stdout
	}
	if api.Cors != nil {
		if err := api.Cors.check(); err != nil {
			return nil, fmt.Errorf("%s/%s: %w", api.Stack, api.LogicalID, err)
		}
	}
	if len(o.FunctionCPUs) > 0 {
		if err := checkCPUs(o.FunctionCPUs); err != nil {
			return nil, fmt.Errorf("Options.FunctionCPUs: %w", err)
		}
	}
	s := &Server{api: api, routes: map[route.Key]*Route{}, stages: map[string]*Stage{}, formats: map[string][]logSegment{}, pools: map[string]*pool{},
		buildDir: o.BuildDir, apiID: apiID(api.LogicalID), region: api.Region, jwtKeys: o.JWTKeys}
	if s.region == "" {
		s.region = DefaultRegion
	}
	keys := make([]route.Key, 0, len(api.Routes))
	for i := range api.Routes {
		r := &api.Routes[i]
		s.routes[r.Key] = r
		keys = append(keys, r.Key)
	}
	t, err := route.NewTable(keys)
	if err != nil {
		return nil, err
	}
	s.table = t
	for i := range api.Stages {
		st := &api.Stages[i]
		if len(o.Stages) == 0 || slices.Contains(o.Stages, st.Name) {
			s.stages[st.Name] = st
			if st.AccessLogFormat != "" {
				s.formats[st.Name] = parseAccessLogFormat(st.AccessLogFormat)
			}
		}
	}
	for _, name := range o.Stages {
		if s.stages[name] == nil {
			var names []string
			for _, st := range api.Stages {
				names = append(names, st.Name)
			}
			return nil, fmt.Errorf("stage %q is not a stage of %s (its stages: %s)", name, api.LogicalID, strings.Join(names, ", "))
		}
	}
	// Nothing refused: from here on, Close undoes what is done.
	s.log, s.accessLog = newLogSink(o.Log), newLogSink(o.AccessLog)
	if o.Handlers != nil {
		if s.inProcess, err = inProcessHandlers(api, o.Handlers); err != nil {
			s.Close()
			return nil, err
		}
		return s, nil
	}
	if s.launcher, err = affinity.NewLauncher(o.FunctionCPUs); err != nil {
		s.Close()
		return nil, fmt.Errorf("Options.FunctionCPUs: %w", err)
	}
	if s.buildDir == "" {
		dir, lock, err := newBuildDir()
		if err != nil {
			s.Close()
			return nil, err
		}
		s.buildDir, s.dirLock, s.ownsDir = dir, lock, true
	}
	name := api.LogicalID
	if api.Stack != "" {
		name = api.Stack + "/" + name
	}
	fmt.Fprintf(s.log, "local: building %d function(s) of %s\n", len(api.Functions), name)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for id, fn := range api.Functions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bin, err := build(ctx, fn, s.buildDir, o.Log)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			s.pools[id] = newPool(fn, bin, o.Concurrency, s.log, s.launcher)
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		s.Close()
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// function returns the invoker of a function of the API, by logical id.
func (s *Server) function(id string) invoker {
	if h, ok := s.inProcess[id]; ok {
		return h
	}
	return s.pools[id]
}

// checkCPUs reports an error unless this process may run on every CPU of
// cpus.
func checkCPUs(cpus []int) error {
	allowed, err := affinity.Allowed()
	if err != nil {
		return err
	}
	for _, cpu := range cpus {
		if !slices.Contains(allowed, cpu) {
			return fmt.Errorf("CPU %d is not one this process may run on (allowed: %v)", cpu, allowed)
		}
	}
	return nil
}

// Close stops every function process, writes what the logs hold, and
// removes the build directory. Function processes die with the emulator
// even when it cannot call Close (on Linux, when it is killed).
func (s *Server) Close() error {
	s.closeOnce.Do(s.close)
	return s.closeErr
}

func (s *Server) close() {
	for _, p := range s.pools {
		p.close()
	}
	if s.launcher != nil {
		s.launcher.Close()
	}
	if s.log != nil {
		deadline := time.Now().Add(logCloseWait)
		s.log.Close(deadline)
		s.accessLog.Close(deadline)
	}
	if s.ownsDir {
		s.dirLock.Close()
		s.closeErr = os.RemoveAll(s.buildDir)
	}
}

// The gateway's HTTP server: how long it waits for a client. A request
// takes at most readTimeout to arrive, then the authorizer and the
// integration their own timeouts; writeMargin is left to write the answer.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeMargin       = 10 * time.Second
	idleTimeout       = 60 * time.Second
	// shutdownWait is how long Serve waits for requests in flight once
	// its context is done.
	shutdownWait = 5 * time.Second
)

// httpServer returns the gateway's HTTP server, with timeouts for every
// phase of a connection. Its write timeout, which runs from the end of a
// request's headers to the end of the response, outlasts the slowest
// answer the API can give: reading the body, a Lambda authorizer, the
// longest integration timeout.
func (s *Server) httpServer() *http.Server {
	var longest time.Duration
	for _, r := range s.api.Routes {
		longest = max(longest, r.Timeout)
	}
	return &http.Server{
		Handler:           s,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      readTimeout + quota.AuthorizerTimeout + max(longest, quota.MaxIntegrationTimeout) + writeMargin,
		IdleTimeout:       idleTimeout,
		// The quota counts the request line and header values; the
		// names come on top.
		MaxHeaderBytes: quota.RequestLineAndHeadersBytes + 4096,
	}
}

// Serve answers HTTP requests on ln until ctx is done, then stops
// accepting connections and waits for the requests in flight, at most
// 5 seconds. It does not close s.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx) // an error from Serve stops the shutdown goroutine
	defer cancel()
	hs := s.httpServer()
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), shutdownWait)
		defer cancel()
		if hs.Shutdown(shutdown) != nil {
			hs.Close()
		}
	}()
	err := hs.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		<-stopped
		return nil
	}
	return err
}
