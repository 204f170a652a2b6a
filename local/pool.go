// Function processes: a warm pool per function that hands each invocation to exactly one process.

package local

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/affinity"
	"github.com/httpapi-cdk/httpapi/quota"
)

// outputWaitDelay is how long the relay reads a function's output after
// its process exits, while another process holds the pipe.
const outputWaitDelay = time.Second

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

// timeoutDetail is what Lambda reports of an invocation that ran past the
// function's timeout.
func timeoutDetail(fn *Function) string {
	return fmt.Sprintf("Task timed out after %.2f seconds", fn.Timeout.Seconds())
}

// tooLargeResult is the end of an invocation whose response exceeded
// Lambda's limit.
func tooLargeResult() result {
	return result{outcome: outcomeTooLarge, detail: fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", quota.PayloadBytes)}
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
	fn       *Function
	binary   string
	max      int
	log      io.Writer
	launcher *affinity.Launcher // starts its processes

	queue chan *invocation // unbuffered: a send is a hand-over to a waiting process

	mu          sync.Mutex
	procs       map[*process]bool
	waiting     int           // processes blocked in /next
	initFailed  chan struct{} // closed, then replaced, when a process dies before taking work
	exited      chan struct{} // closed, then replaced, whenever a process exits
	lastInitErr string
	closed      bool
}

func newPool(fn *Function, binary string, max int, log io.Writer, launcher *affinity.Launcher) *pool {
	return &pool{fn: fn, binary: binary, max: max, log: log, launcher: launcher, queue: make(chan *invocation),
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
	token    string // the secret first segment of its Runtime API's paths
	stdout   *prefixWriter
	stderr   *prefixWriter
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
	pr := &process{pool: p, ln: ln, token: randomHex(16), exited: make(chan struct{})}
	pr.srv = &http.Server{Handler: pr.runtimeAPI(), ReadHeaderTimeout: 10 * time.Second}
	go pr.srv.Serve(ln)

	cmd := exec.Command(p.binary)
	cmd.Env = p.env(ln.Addr().String() + "/" + pr.token)
	prefix := "[" + p.fn.LogicalID + "] "
	pr.stdout, pr.stderr = &prefixWriter{w: p.log, prefix: prefix}, &prefixWriter{w: p.log, prefix: prefix}
	cmd.Stdout, cmd.Stderr = pr.stdout, pr.stderr
	cmd.SysProcAttr = childAttr()
	// A process it started (which inherits its output) may hold the pipes
	// after it exits: Wait then closes them.
	cmd.WaitDelay = outputWaitDelay
	if err := p.launcher.Start(cmd.Start); err != nil {
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
	region := p.fn.Region
	if region == "" {
		region = DefaultRegion
	}
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"TZ=:UTC",
		"LANG=en_US.UTF-8",
		"AWS_REGION=" + region,
		"AWS_DEFAULT_REGION=" + region,
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
	if p.fn.LogLevel != "" {
		env = append(env, "AWS_LAMBDA_LOG_LEVEL="+p.fn.LogLevel)
	}
	for k, v := range p.fn.Environment {
		env = append(env, k+"="+v)
	}
	return env
}

func (pr *process) wait() {
	err := pr.cmd.Wait()
	pr.stdout.flush()
	pr.stderr.flush()
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
			inv.finish(result{outcome: outcomeFunctionTimeout, detail: timeoutDetail(p.fn)})
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
