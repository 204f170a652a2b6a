// Synthesizing the app again when its Go sources change, so that an edited route table is served without a hand-run cdk synth.

package local

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/assemblymeta"
)

// appSynth follows the Go sources of the CDK app that synthesized the
// cloud assembly (the main package in the app's directory, and what it
// imports: the stacks, and the route tables it deploys) and runs
// WatchOptions.Synthesize when they change. The new assembly is then
// reloaded as any new synthesis is.
type appSynth struct {
	s    *Server
	dir  string   // the app's directory
	cmd  []string // WatchOptions.Synthesize
	src  *sources // nil until listed
	seen snapshot // src's state at the last synthesis (or the start)
	last snapshot // and at the last look
	// since is when a change was first seen, zero when none is pending.
	since time.Time

	mu      sync.Mutex
	running bool // a synthesis is running; changes meanwhile wait for it

	off bool // the app's sources could not be listed: not followed
}

// newAppSynth returns the follower of the app that synthesized the cloud
// assembly in dir, or an error when the app's directory is unknown.
func newAppSynth(s *Server, dir string, cmd []string) (*appSynth, error) {
	appDir, err := assemblymeta.AppDir(outermostAssembly(dir))
	if err != nil {
		return nil, err
	}
	return &appSynth{s: s, dir: appDir, cmd: cmd}, nil
}

// list lists the app's sources, and reports whether it could.
func (a *appSynth) list(ctx context.Context) bool {
	src, err := listPackageSources(ctx, a.s.builder, a.dir, ".", "the CDK app in "+a.dir)
	if err != nil {
		if ctx.Err() == nil {
			fmt.Fprintf(a.s.log, "local: %v\n", err)
		}
		return false
	}
	a.src = src
	return true
}

// look runs the synthesis when the app's sources changed and have stopped
// changing, in the background; the watch loop goes on meanwhile. It lists
// the app's sources on its first call (a go list, in the loop) and again
// before each synthesis (in the background); when the first listing
// fails it says so once and follows the app no more.
func (a *appSynth) look(ctx context.Context) {
	a.mu.Lock()
	running := a.running
	a.mu.Unlock()
	if running || a.off {
		return
	}
	if a.src == nil {
		if !a.list(ctx) {
			a.off = true
			fmt.Fprintf(a.s.log, "local: the CDK app in %s is not followed: its edits are served after a hand-run synthesis\n", a.dir)
			return
		}
		a.seen = a.src.snapshot()
		a.last = a.seen
		return
	}
	cur := a.src.snapshot()
	path := changed(cur, a.seen)
	switch {
	case path == "":
		a.since = time.Time{}
	case a.since.IsZero(): // a change, first seen
		a.since = time.Now()
	case changed(cur, a.last) != "" && time.Since(a.since) < settleMax:
		// Still changing: a checkout, an editor saving several files.
	default:
		a.since = time.Time{}
		if !a.s.enter() {
			return // closing
		}
		a.mu.Lock()
		a.running = true
		a.mu.Unlock()
		go a.synthesize(ctx, path)
		return
	}
	a.last = cur
}

// synthesize lists the app's sources again (the edit may import another
// package), takes their state as the one the synthesis reads (an edit
// made while it runs brings another), and runs the command for a change
// of path. The command leads a process group of its own, started from the
// server's launcher (not confined to the gateway's CPUs), and the group is
// killed when ctx ends; Close waits for it.
func (a *appSynth) synthesize(ctx context.Context, path string) {
	defer a.s.work.Done()
	defer func() {
		a.mu.Lock()
		a.running = false
		a.mu.Unlock()
	}()
	cur := a.src.snapshot()
	if a.list(ctx) {
		cur = a.src.snapshot()
	}
	a.seen, a.last = cur, cur
	fmt.Fprintf(a.s.log, "local: the app's sources changed (%s): synthesizing: %s\n", displayAppPath(a.dir, path), strings.Join(a.cmd, " "))
	start := time.Now()
	cmd := exec.CommandContext(ctx, a.cmd[0], a.cmd[1:]...)
	cmd.Dir = a.dir
	cmd.SysProcAttr = groupAttr()
	cmd.Cancel = func() error { return killGroup(cmd.Process) }
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	run := cmd.Start
	if a.s.builder != nil {
		run = func() error { return a.s.builder.Start(cmd.Start) }
	}
	err := run()
	if err == nil {
		err = cmd.Wait()
	}
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		fmt.Fprintf(a.s.log, "local: synthesis failed (%v); the API is served as it was:\n%s\n", err, strings.TrimSpace(out.String()))
		return
	}
	fmt.Fprintf(a.s.log, "local: synthesized in %.1fs\n", time.Since(start).Seconds())
}

// displayAppPath is path relative to the app's directory, when inside it.
func displayAppPath(dir, path string) string {
	if rel, ok := strings.CutPrefix(path, dir+"/"); ok {
		return rel
	}
	return path
}
