// Command local serves an HTTP API of a synthesized CDK app on localhost, as
// API Gateway would, with the real Go handlers:
//
//	local [-cdk-out cdk.out | -template FILE] [-stack NAME] [-api ID] [-host 127.0.0.1] [-port 3000]
//	      [-stage dev] [-concurrency 4] [-jwks FILE] [-pin=false] [-throttle=false] [-watch [-synth CMD]]
//	      [-docs [-docs-port N] [-openapi FILE] [-docs-ui DIR]]
//	      [-jwt-issuer AUTH=URL] [-jwt-audience AUTH=ID]... [-jwt-jwks AUTH=FILE] [-iam-credentials FILE]
//
// Its subcommands run one thing and exit (local NAME -h: their flags):
//
//	local token [-sub alice] [-scope read]...  a JWT the JWT authorizers accept under -jwks .local-jwt/jwks.json
//	local invoke -function F -event FILE       one invocation of a function; or -route "GET /x" builds the event
//	local event "POST /todos" -body '{...}'    the event API Gateway would send for a request
//
// It throttles as API Gateway does, a token bucket per route of each stage
// as the template's stage settings size it and one for the account, and
// answers 429 when one is empty; -throttle=false turns that off, for a
// load test of the functions themselves.
//
// With -jwks, JWT authorizers verify token signatures against the RSA keys
// of that JSON Web Key Set file, as API Gateway does with the issuer's
// jwks_uri; without it they check claims and scopes only.
//
// A Cognito user pool authorizer's issuer and audience are ids that exist
// only once the stack is deployed: such an authorizer answers 401 to every
// request, unless -jwt-issuer and -jwt-audience name the issuer and the
// client ids to trust locally (AUTH is the authorizer's logical id or
// Name), so that its routes can be tried with tokens minted locally, signed
// with a key of -jwt-jwks (or -jwks). They can stand for any JWT
// authorizer's issuer, audience and keys.
//
// IAM-authorized routes admit requests signed (SigV4) with the credentials
// of -iam-credentials (a JSON file as `aws configure export-credentials
// --format process` writes it, or a list of such), else of the standard
// environment variables AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_SESSION_TOKEN; without any, they refuse every request. No IAM policy
// is evaluated: those credentials may call every such route.
//
// With -watch it follows edits: when a function's Go sources change, it
// rebuilds the function and swaps in the new build without dropping a
// request (a request that arrives during the rebuild waits for it; a build
// error is printed and the old build goes on serving); when the cloud
// assembly or the template changes (a new `cdk synth`), it reloads the
// routes, stages and authorizers. With a cloud assembly it also follows
// the CDK app's own Go sources (its stacks, and the route tables they
// deploy) and runs -synth (default "cdk synth --quiet", the app's pinned
// .tools/bin/cdk when it has one) when they change, so that a route added
// to a table is served with no hand-run synthesis; -synth "" turns that
// off. It prints what it rebuilt, synthesized or reloaded.
//
// With -docs it also serves, on -docs-port (default: -port + 1), the API's
// OpenAPI document and an API reference page at /__docs/: Swagger UI,
// pinned in .tools/package.json and served from .tools (`make tools`
// installs it; nothing is fetched at run time). The document is the
// stack's <stack>.openapi.json beside the cloud assembly or template
// (-openapi names another), with the emulated stages as its servers; every
// request outside /__docs/ goes on to the emulator, so the page's "Try it
// out" calls the emulator from the page's own origin.
//
// Stacks of CDK Stages are named by their stage-qualified name, as the CDK
// names them: -stack Prod/Api.
//
// On Linux with two or more CPUs it runs the gateway on the first half of
// the CPUs it may use and the function processes on the other half (-pin):
// sharing every CPU, the two sides evict each other's caches at every
// request, and both get slower.
//
// It prints what it cannot emulate faithfully, one access log line per
// request on standard output, and the functions' logs on standard error.
//
// It stops, with its function processes and its build directory, on
// SIGINT, SIGTERM or SIGHUP, and on Linux when the process that started it
// exits (go run and make die of a SIGTERM without passing it on).
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/affinity"
	"github.com/httpapi-cdk/httpapi/local"
)

func main() {
	if runSubcommand(os.Args[1:]) {
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "local:", err)
		os.Exit(1)
	}
}

func run() error {
	cdkOut := flag.String("cdk-out", "cdk.out", "cloud assembly `directory` to read")
	templateFile := flag.String("template", "", "read this template `file` instead of a cloud assembly")
	stack := flag.String("stack", "", "stack `name`, \"Prod/Api\" for a stack of CDK Stage Prod (default: the only stack with an HTTP API)")
	apiID := flag.String("api", "", "API logical id or name (default: the only HTTP API)")
	host := flag.String("host", "127.0.0.1", "address to listen on")
	port := flag.Int("port", 3000, "port to listen on (0: any free port)")
	stages := flag.String("stage", "", "comma-separated stages to serve (default: all; $default at /, others at /NAME)")
	concurrency := flag.Int("concurrency", 4, "most processes at once per function")
	jwks := flag.String("jwks", "", "verify JWT signatures against the RSA keys of this JWKS `file`")
	issuers, audiences, authorizerJWKS := &namedValues{once: true}, &namedValues{}, &namedValues{once: true}
	flag.Var(issuers, "jwt-issuer", "`AUTH=URL`: JWT authorizer AUTH (logical id or Name) trusts tokens of this issuer, in place of the template's")
	flag.Var(audiences, "jwt-audience", "`AUTH=ID`: JWT authorizer AUTH admits tokens for this audience (aud, or client_id) in place of the template's; repeatable")
	flag.Var(authorizerJWKS, "jwt-jwks", "`AUTH=FILE`: JWT authorizer AUTH verifies signatures against the RSA keys of this JWKS file, in place of -jwks")
	pin := flag.Bool("pin", true, "on Linux with 2+ CPUs, run the gateway on half of the CPUs and the functions on the other half")
	throttle := flag.Bool("throttle", true, "enforce the stages' and routes' throttles and the account's (429 when a bucket is empty); -throttle=false turns them off")
	synth := flag.String("synth", defaultSynth, "with -watch and a cloud assembly, the `command` (no shell) run in the app's directory when the app's Go sources change, so that an edited route table is served; \"\" for none")
	watch := flag.Bool("watch", false, "rebuild a function when its Go sources change, reload the API when the cloud assembly or template does")
	docs := flag.Bool("docs", false, "serve the API's OpenAPI document and a reference page (Swagger UI) at /__docs/ on -docs-port")
	docsPort := flag.Int("docs-port", -1, "port of -docs (default: -port + 1; 0 with -port 0: any free port)")
	openAPIFile := flag.String("openapi", "", "OpenAPI document `file` of -docs (default: <stack>.openapi.json beside the assembly or template)")
	docsUI := flag.String("docs-ui", ".tools/node_modules/swagger-ui-dist", "Swagger UI `directory` of -docs")
	iam := addIAMFlags(flag.CommandLine)
	flag.Parse()
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags: local -h)", flag.Arg(0))
	}
	if *concurrency < 1 {
		return fmt.Errorf("-concurrency %d: want 1 or more processes per function", *concurrency)
	}
	if *port < 0 || *port > 65535 {
		return fmt.Errorf("-port %d: want 0 (any free port) to 65535", *port)
	}
	// A signal stops the emulator: its function processes, its build
	// directory. After the first one, a second Ctrl-C kills it at once;
	// more SIGTERMs do not (the death of the parent may send several, one
	// per thread that inherited the request for it).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	go func() {
		<-ctx.Done()
		signal.Reset(os.Interrupt)
	}()

	var jwtKeys *local.KeySet
	if *jwks != "" {
		doc, err := os.ReadFile(*jwks)
		if err != nil {
			return fmt.Errorf("-jwks: %w", err)
		}
		if jwtKeys, err = local.ParseKeySet(doc); err != nil {
			return fmt.Errorf("-jwks %s: %w", *jwks, err)
		}
	}
	localJWT, jwtLines, err := jwtAuthorizers(issuers, audiences, authorizerJWKS)
	if err != nil {
		return err
	}
	var apis []*local.API
	if *templateFile != "" {
		apis, err = local.LoadTemplate(*templateFile, *stack)
	} else {
		apis, err = local.LoadAssembly(*cdkOut)
	}
	if err != nil {
		return err
	}
	api, err := local.Select(apis, *stack, *apiID)
	if err != nil {
		return err
	}
	for _, p := range api.Problems {
		fmt.Fprintln(os.Stderr, "local: not emulated faithfully:", p)
	}
	iamCreds, err := iam.credentials(api, os.Getenv, func(line string) { fmt.Fprintln(os.Stderr, "local:", line) })
	if err != nil {
		return err
	}
	if jwtKeys != nil {
		fmt.Fprintf(os.Stderr, "local: JWT signatures are verified against the %d RSA key(s) of %s\n", jwtKeys.Len(), *jwks)
	}
	var only []string
	if *stages != "" {
		only = strings.Split(*stages, ",")
	}
	// Everything that can be refused without building is checked first:
	// the port, then (in local.New) the stages and options.
	addr := net.JoinHostPort(*host, strconv.Itoa(*port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	fmt.Fprintf(os.Stderr, "local: stack %s, API %s (region %s: AWS::Region and ARNs)\n", api.Stack, api.LogicalID, api.Region)
	// Access log and function logs are written in batches every 50 ms: one
	// write per line would cost two system calls per request.
	stdout, stderr := newBatchWriter(os.Stdout), newBatchWriter(os.Stderr)
	defer stdout.Close()
	defer stderr.Close()
	var gatewayCPUs, functionCPUs []int
	if *pin {
		cpus, err := affinity.Allowed()
		if err != nil && !errors.Is(err, affinity.ErrUnsupported) {
			return fmt.Errorf("-pin: %w (-pin=false runs without it)", err)
		}
		gatewayCPUs, functionCPUs = affinity.Split(cpus)
	}
	srv, err := local.New(ctx, api, &local.Options{Concurrency: *concurrency, Stages: only, Log: stderr, AccessLog: stdout, JWTKeys: jwtKeys, JWTAuthorizers: localJWT, FunctionCPUs: functionCPUs, Unthrottled: !*throttle, IAMCredentials: iamCreds, ServeWhileBuilding: true})
	if err != nil {
		return err
	}
	defer srv.Close() // runs on every return, as a signal makes Serve return
	for _, l := range jwtLines {
		fmt.Fprintln(os.Stderr, "local:", l)
	}
	if len(gatewayCPUs) > 0 {
		// After the builds, which may use every CPU: the go commands
		// start from a thread of this process and would inherit its CPUs.
		go func() {
			<-srv.Built()
			if err := affinity.Process(gatewayCPUs); err != nil {
				fmt.Fprintf(os.Stderr, "local: -pin: %v; the gateway shares every CPU\n", err)
				return
			}
			if os.Getenv("GOMAXPROCS") == "" {
				runtime.GOMAXPROCS(len(gatewayCPUs))
			}
			fmt.Fprintf(os.Stderr, "local: gateway on CPUs %v, functions on CPUs %v (-pin=false to share them all)\n", gatewayCPUs, functionCPUs)
		}()
	}

	addr = ln.Addr().String() // the port chosen when -port is 0
	for _, st := range api.Stages {
		if len(only) > 0 && !slices.Contains(only, st.Name) {
			continue
		}
		prefix := "/" + st.Name
		if st.Name == "$default" {
			prefix = ""
		}
		fmt.Fprintf(os.Stderr, "local: stage %s at http://%s%s/\n", st.Name, addr, prefix)
	}
	for _, r := range api.Routes {
		fmt.Fprintf(os.Stderr, "local:   %-28s -> %s (payload %s)\n", r.Key, r.Function, r.PayloadFormat)
	}
	if *watch {
		opts := &local.WatchOptions{CloudAssembly: *cdkOut, Synthesize: synthCommand(*synth, *cdkOut)}
		if *templateFile != "" {
			opts = &local.WatchOptions{Template: *templateFile}
		}
		// It stops with ctx, and Close waits for it.
		go func() {
			if err := srv.Watch(ctx, opts); err != nil {
				fmt.Fprintln(stderr, "local: -watch:", err)
			}
		}()
	}
	if *docs {
		if err := startDocs(ctx, *host, *port, *docsPort, ln, api, only, *cdkOut, *templateFile, *openAPIFile, *docsUI); err != nil {
			return err
		}
	}
	return srv.Serve(ctx, ln)
}

// batchWriter buffers writes and flushes them every 50 ms and on Close.
type batchWriter struct {
	mu   sync.Mutex
	w    *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

func newBatchWriter(w io.Writer) *batchWriter {
	b := &batchWriter{w: bufio.NewWriterSize(w, 64*1024), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				b.mu.Lock()
				b.w.Flush()
				b.mu.Unlock()
			case <-b.stop:
				return
			}
		}
	}()
	return b
}

func (b *batchWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.w.Write(p)
}

// Close stops the flusher and writes what is buffered, waiting at most a
// second for a stream nobody reads.
func (b *batchWriter) Close() {
	close(b.stop)
	flushed := make(chan struct{})
	go func() {
		<-b.done
		b.mu.Lock()
		b.w.Flush()
		b.mu.Unlock()
		close(flushed)
	}()
	select {
	case <-flushed:
	case <-time.After(time.Second):
	}
}
