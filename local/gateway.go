// The gateway's lifecycle: options, building and starting the functions, closing.

package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/httpapi-cdk/httpapi/internal/affinity"
	"github.com/httpapi-cdk/httpapi/quota"
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
	// emulator killed outright, by the next New on the machine. Whatever
	// it is, go build writes into a store kept between runs (httpapi-local
	// in the user's cache directory, see os.UserCacheDir; entries unused
	// for 5 days are removed), so that a function whose build inputs did
	// not change is not linked again. A store directory owned by another
	// user, or writable by others, is not used (it is said on Log).
	BuildDir string
	// JWTKeys, when set, verifies the signature of every token a JWT
	// authorizer sees against these keys, as API Gateway does against the
	// issuer's jwks_uri: an RSA algorithm, a kid naming one of the keys, a
	// valid signature. Default: signatures are not verified (the issuer's
	// keys are not fetched); claims and scopes are checked either way.
	JWTKeys *KeySet
	// JWTAuthorizers gives JWT authorizers, by logical id or Name, the
	// issuer, audience or keys to use locally in place of the template's:
	// a Cognito user pool authorizer, whose issuer exists only once
	// deployed, then admits tokens minted locally. Default: none; an
	// authorizer whose issuer or audience cannot be known before
	// deployment refuses every request.
	JWTAuthorizers map[string]JWTAuthorizer
	// IAMCredentials are the credentials whose SigV4 signatures the
	// IAM-authorized routes admit (docs/api-gateway-behavior.md R-AUTH-10,
	// R-AUTH-14). No IAM policy is evaluated: any of them may call every
	// such route. Default: none, and every request to such a route is
	// refused with API Gateway's 403.
	IAMCredentials []IAMCredentials
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
	// ServeWhileBuilding makes New return before the functions are
	// built: they build in the background, the function of the first
	// route first, and an invocation waits for its function's build, as
	// a cold start does. A function whose build fails answers as one
	// that failed to initialize, and its error is on Log.
	// Default: false, New returns once every function is built.
	ServeWhileBuilding bool
	// Unthrottled turns throttling off. Default: false, every request
	// takes a token from its route's bucket on its stage, as the
	// template's DefaultRouteSettings and RouteSettings size it, and from
	// the account's (10000 requests per second, a burst of 5000); an
	// empty bucket is answered 429 (docs/api-gateway-behavior.md R-THR-1,
	// R-THR-2).
	Unthrottled bool

	// clock is the time the throttles see; default time.Now. Tests set it.
	clock func() time.Time
}

// Server serves one HTTP API. It is an http.Handler.
type Server struct {
	opts      Options
	cfg       atomic.Pointer[config] // what it serves: see Reload
	log       *logSink
	accessLog *logSink
	launcher  *affinity.Launcher // starts every function process
	builder   *affinity.Launcher // starts every go build, on no CPUs of its own
	closeOnce sync.Once
	closeErr  error
	buildDir  string
	ownsDir   bool
	dirLock   *os.File // held while the server runs: see sweepBuildDirs
	store     string   // the binary store builds go through: see storeEntry
	jwtKeys   *KeySet
	account   *bucket          // the account's throttle; nil with Options.Unthrottled
	clock     func() time.Time // Options.clock
	built     chan struct{}    // closed once New's builds are done: see Built

	// Reloads and rebuilds run one at a time.
	reloadMu sync.Mutex
	builds   int // rounds of builds so far: each after the first has a directory of its own

	mu      sync.Mutex
	pools   map[*pool]bool // every pool not closed yet: current, or retiring
	closing bool
	stopped context.Context // done once Close begins
	stop    context.CancelFunc
	work    sync.WaitGroup // Watch and Reload calls, which Close waits for
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
	if o.clock == nil {
		o.clock = time.Now
	}
	if len(o.FunctionCPUs) > 0 {
		if err := checkCPUs(o.FunctionCPUs); err != nil {
			return nil, fmt.Errorf("Options.FunctionCPUs: %w", err)
		}
	}
	c, err := newConfig(api, &o)
	if err != nil {
		return nil, err
	}
	s := &Server{opts: o, buildDir: o.BuildDir, jwtKeys: o.JWTKeys, pools: map[*pool]bool{}, clock: o.clock, built: make(chan struct{})}
	if !o.Unthrottled {
		s.account = newBucket(accountThrottle) // one for the server's life: a reload keeps it
	}
	s.cfg.Store(c)
	// Nothing refused: from here on, Close undoes what is done.
	s.stopped, s.stop = context.WithCancel(context.Background())
	s.log, s.accessLog = newLogSink(o.Log), newLogSink(o.AccessLog)
	if o.Handlers != nil {
		if c.functions, err = inProcessHandlers(api, o.Handlers); err != nil {
			s.Close()
			return nil, err
		}
		return s, nil
	}
	if s.launcher, err = affinity.NewLauncher(o.FunctionCPUs); err != nil {
		s.Close()
		return nil, fmt.Errorf("Options.FunctionCPUs: %w", err)
	}
	if s.builder, err = affinity.NewLauncher(nil); err != nil {
		s.Close()
		return nil, err
	}
	if s.buildDir == "" {
		dir, lock, err := newBuildDir()
		if err != nil {
			s.Close()
			return nil, err
		}
		s.buildDir, s.dirLock, s.ownsDir = dir, lock, true
	}
	if s.store = defaultStore(); s.store == "" || !fileLocks {
		s.store = filepath.Join(s.buildDir, storeDir)
	} else if err := ownStore(s.store); err != nil {
		fmt.Fprintf(s.log, "local: not keeping builds in %s (%v): every function is linked at each start\n", s.store, err)
		s.store = filepath.Join(s.buildDir, storeDir)
	}
	if o.ServeWhileBuilding {
		s.buildInBackground(api, c) // closes s.built
		return s, nil
	}
	defer close(s.built)
	fmt.Fprintf(s.log, "local: building %d function(s) of %s\n", len(api.Functions), qualifiedName(api))
	slots, err := s.buildFunctions(ctx, api.Functions)
	if err != nil {
		s.Close()
		return nil, err
	}
	for id, sl := range slots {
		c.functions[id] = sl
	}
	return s, nil
}

// qualifiedName is the API's name in messages: Stack/LogicalID.
func qualifiedName(api *API) string {
	if api.Stack == "" {
		return api.LogicalID
	}
	return api.Stack + "/" + api.LogicalID
}

// buildFunctions builds fns, together (see buildTogether), and returns a
// slot serving each.
// The first round of builds goes to the build directory, each later one to
// a directory of its own in it: a running process's binary is never
// overwritten. When a build fails, it returns every build error and
// starts nothing.
func (s *Server) buildFunctions(ctx context.Context, fns map[string]*Function) (map[string]*slot, error) {
	dir, err := s.nextBuildDir()
	if err != nil {
		return nil, err
	}
	slots := map[string]*slot{}
	var errs []error
	started := time.Now()
	built := buildTogether(ctx, sortedFunctions(fns), s.store, dir, s.log, s.builder)
	for _, id := range slices.Sorted(maps.Keys(fns)) {
		fn := fns[id]
		b := built[fn]
		var p *pool
		err := b.err
		if err == nil {
			p, err = s.startPool(fn, b.binary)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		slots[id] = &slot{fn: fn, cur: &version{pool: p, binary: b.binary}, started: started}
	}
	if len(errs) > 0 {
		for _, sl := range slots {
			s.closePool(sl.cur.pool)
		}
		if dir != s.buildDir {
			os.RemoveAll(dir)
		}
		return nil, errors.Join(errs...)
	}
	return slots, nil
}

// nextBuildDir returns the directory of the next round of builds: the
// build directory for the first, a new directory in it for each later one.
func (s *Server) nextBuildDir() (string, error) {
	s.builds++
	if s.builds == 1 {
		return s.buildDir, nil
	}
	dir := filepath.Join(s.buildDir, strconv.Itoa(s.builds))
	return dir, os.Mkdir(dir, 0o700)
}

// errClosed is returned by what cannot be done once Close has begun.
var errClosed = errors.New("the server is closed")

// startPool returns a new pool of processes of fn's binary, closed by
// Close if not before.
func (s *Server) startPool(fn *Function, binary string) (*pool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return nil, errClosed
	}
	p := newPool(fn, binary, s.opts.Concurrency, s.log, s.launcher)
	s.pools[p] = true
	return p, nil
}

// closePool stops the processes of p.
func (s *Server) closePool(p *pool) {
	p.close()
	s.mu.Lock()
	delete(s.pools, p)
	s.mu.Unlock()
}

// enter reports whether the server is open, and if so counts a Watch or
// Reload call that Close must wait for: the caller calls s.work.Done.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.work.Add(1)
	return true
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
	if s.stop != nil {
		s.mu.Lock()
		s.closing = true
		s.mu.Unlock()
		s.stop()      // cancels the builds of Watch and Reload
		s.work.Wait() // which then start no pool
		for _, f := range s.config().functions {
			if sl, ok := f.(*slot); ok {
				sl.done(nil) // invocations waiting for a rebuild are answered
			}
		}
	}
	s.mu.Lock()
	pools := slices.Collect(maps.Keys(s.pools))
	s.mu.Unlock()
	for _, p := range pools {
		p.close()
	}
	if s.launcher != nil {
		s.launcher.Close()
	}
	if s.builder != nil {
		s.builder.Close()
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
	for _, r := range s.config().api.Routes {
		longest = max(longest, r.Timeout)
	}
	return &http.Server{
		Handler:           s,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      readTimeout + quota.AuthorizerTimeout + max(longest, quota.MaxIntegrationTimeout) + writeMargin,
		IdleTimeout:       idleTimeout,
		// Heads over the quota are read, so that they get API Gateway's
		// answer (docs/api-gateway-behavior.md R-ERR-7); past
		// maxHeadBytes, net/http answers 431 itself.
		MaxHeaderBytes: maxHeadBytes,
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
