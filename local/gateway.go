// The gateway's lifecycle: options, building and starting the functions, closing.

package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"

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
	// Default: 4.
	Concurrency int
	// Stages limits the stages served, by name. Default: every stage.
	Stages []string
	// Log receives the emulator's messages and the functions' output.
	// Default: os.Stderr.
	Log io.Writer
	// AccessLog receives one line per request in the stage's access log
	// format. Default: os.Stdout.
	AccessLog io.Writer
	// BuildDir is where functions are built for this machine.
	// Default: a temporary directory removed by Close.
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
	log       io.Writer
	accessLog io.Writer
	logMu     sync.Mutex
	buildDir  string
	ownsDir   bool
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
	if o.Concurrency <= 0 {
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
		log: o.Log, accessLog: o.AccessLog, buildDir: o.BuildDir, apiID: apiID(api.LogicalID), region: api.Region, jwtKeys: o.JWTKeys}
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
			return nil, fmt.Errorf("stage %q is not a stage of %s", name, api.LogicalID)
		}
	}
	if o.Handlers != nil {
		if s.inProcess, err = inProcessHandlers(api, o.Handlers); err != nil {
			return nil, err
		}
		return s, nil
	}
	if s.buildDir == "" {
		dir, err := os.MkdirTemp("", "httpapi-local-")
		if err != nil {
			return nil, err
		}
		s.buildDir, s.ownsDir = dir, true
	}
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
			s.pools[id] = newPool(fn, bin, o.Concurrency, o.Log, o.FunctionCPUs)
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

// Close stops every function process and removes the build directory.
func (s *Server) Close() error {
	for _, p := range s.pools {
		p.close()
	}
	if s.ownsDir {
		return os.RemoveAll(s.buildDir)
	}
	return nil
}
