// Following edits: rebuilding a function when its sources change, reloading the API when its template does.

package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// WatchOptions say where [Server.Watch] reads the API again from when it
// changes, and how often it looks.
type WatchOptions struct {
	// CloudAssembly is the cloud assembly directory (cdk.out) the API was
	// read from with [LoadAssembly]: a new `cdk synth` reloads the API.
	CloudAssembly string
	// Template is the template file the API was read from with
	// [LoadTemplate], instead of CloudAssembly.
	Template string
	// Interval is how often Watch looks at the files. Default: 400 ms.
	Interval time.Duration
	// Synthesize, with CloudAssembly, is the command (a program and its
	// arguments, no shell) that synthesizes the app again, such as
	// {"cdk", "synth", "--quiet", "--output", "cdk.out"}: Watch runs it in
	// the app's directory (which the assembly records) when the app's Go
	// sources change, the files a build of the main package in that
	// directory reads (its stacks, and the route tables they deploy), as
	// internal/gosource decides them. The new assembly is then reloaded:
	// a route added to a table is served without a hand-run synthesis.
	// Default: none; the app is not followed.
	Synthesize []string
}

// defaultWatchInterval is WatchOptions.Interval's default: an edit is
// served about a second after it is saved, builds aside, and a look at a
// few hundred files costs well under a millisecond.
const defaultWatchInterval = 400 * time.Millisecond

// settleMax bounds how long a rebuild or reload waits for files that keep
// changing (a checkout, a synthesis in progress) to stop.
const settleMax = 3 * time.Second

// Watch follows edits until ctx is done or the server closes, then
// returns nil; an error is for invalid options. It looks at
// the files every Interval (it polls: no file system notification, no
// dependency).
//
// When a function's sources change (the files gofunction's asset hash
// covers, as internal/gosource decides them: the files of the packages it
// is built from that are not in the module cache, the files they embed or
// could, their go.mod, go.sum, go.work and vendor/modules.txt, the PGO
// profile; and new files in their directories), Watch
// rebuilds it, starts the new build's processes, and sends
// it every invocation from then on; the invocations the old processes run
// finish there, then those stop. An invocation that arrives during the
// rebuild waits for it, within the integration's timeout, and is served by
// the new build, or by the old one when the build fails: the build's
// errors are written to Options.Log and the old build goes on serving
// until the sources change again.
//
// With opts.CloudAssembly or opts.Template, when the templates change (a
// new `cdk synth`), Watch reads the API again, the one with the same stack
// and logical id, and serves it with [Server.Reload]. An API that cannot be
// read or served is reported, and the old one goes on serving.
//
// Watch writes what it does to Options.Log, one line each: a function
// rebuilt and how long it took, a build error, what a reload changed.
func (s *Server) Watch(ctx context.Context, opts *WatchOptions) error {
	var o WatchOptions
	if opts != nil {
		o = *opts
	}
	if o.CloudAssembly != "" && o.Template != "" {
		return errors.New("WatchOptions: CloudAssembly and Template are both set: the API is read from one of them")
	}
	if o.Interval < 0 {
		return fmt.Errorf("WatchOptions.Interval: %s: want a positive duration (0 for the default, %s)", o.Interval, defaultWatchInterval)
	}
	if o.Interval == 0 {
		o.Interval = defaultWatchInterval
	}
	var app *appSynth
	if len(o.Synthesize) > 0 {
		if o.CloudAssembly == "" {
			return errors.New("WatchOptions.Synthesize needs CloudAssembly: the app's directory is what its cloud assembly records")
		}
		var err error
		if app, err = newAppSynth(s, o.CloudAssembly, o.Synthesize); err != nil {
			return fmt.Errorf("WatchOptions.Synthesize: %w", err)
		}
	}
	if !s.enter() {
		return nil // closed: nothing to follow
	}
	defer s.work.Done()
	ctx, cancel := s.bound(ctx)
	defer cancel()
	w := &watcher{s: s, opts: o}
	w.stored = w.templates()
	w.last = w.stored
	s.rebuildChanged(ctx, true)
	if app != nil {
		app.look(ctx) // lists the app's sources
	}
	fmt.Fprintf(s.log, "local: watching %s for changes\n", w.describe())
	if app != nil {
		fmt.Fprintf(s.log, "local: watching the CDK app in %s: an edit of its Go sources runs %s\n", app.dir, strings.Join(app.cmd, " "))
	}
	t := time.NewTicker(o.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if app != nil {
			app.look(ctx)
		}
		w.reloadChanged(ctx)
		s.rebuildChanged(ctx, false)
	}
}

// bound returns a context also canceled when Close begins.
func (s *Server) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.stopped, cancel)
	return ctx, func() {
		stop()
		cancel()
	}
}

// watcher is the state of one Watch call that is not a function's.
type watcher struct {
	s            *Server
	opts         WatchOptions
	stored, last snapshot  // the templates' state at the last reload, and at the last look
	since        time.Time // when they were first seen changing
}

// describe says what the watcher looks at.
func (w *watcher) describe() string {
	w.s.reloadMu.Lock()
	functions, files := 0, map[string]bool{}
	for _, f := range w.s.config().functions {
		if sl, ok := f.(*slot); ok {
			functions++
			for path, st := range sl.stored {
				if st.size >= 0 {
					files[path] = true
				}
			}
		}
	}
	w.s.reloadMu.Unlock()
	what := fmt.Sprintf("the sources of %d function(s) (%d files)", functions, len(files))
	switch {
	case w.opts.CloudAssembly != "":
		what += " and the cloud assembly " + w.opts.CloudAssembly
	case w.opts.Template != "":
		what += " and the template " + w.opts.Template
	}
	return what
}

// templates returns the state of the files the API is read from, nil when
// the API was not read from files: the manifests and templates of the
// cloud assembly and of its nested ones (asset directories, which can be
// large, are not looked into), or the template file.
func (w *watcher) templates() snapshot {
	switch {
	case w.opts.Template != "":
		snap := snapshot{}
		snap.add(w.opts.Template)
		return snap
	case w.opts.CloudAssembly != "":
		snap := snapshot{}
		snap.add(filepath.Join(w.opts.CloudAssembly, "manifest.json"))
		filepath.WalkDir(w.opts.CloudAssembly, func(path string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return nil
			case d.IsDir() && path != w.opts.CloudAssembly && strings.HasPrefix(d.Name(), "asset."):
				return filepath.SkipDir
			case !d.IsDir() && (d.Name() == "manifest.json" || strings.HasSuffix(d.Name(), ".template.json")):
				snap.add(path)
			}
			return nil
		})
		return snap
	}
	return nil
}

// reloadChanged reloads the API if its templates changed and have stopped
// changing.
func (w *watcher) reloadChanged(ctx context.Context) {
	cur := w.templates()
	switch {
	case cur == nil:
		return
	case changed(cur, w.stored) == "":
		w.since = time.Time{}
	case w.since.IsZero(): // a change, first seen
		w.since = time.Now()
	case changed(cur, w.last) != "" && time.Since(w.since) < settleMax:
		// Still changing: a synthesis writes one file after another.
	default:
		w.stored, w.since = cur, time.Time{}
		w.reload(ctx)
	}
	w.last = cur
}

// reload reads the API again and serves it.
func (w *watcher) reload(ctx context.Context) {
	s := w.s
	cur := s.config().api
	var apis []*API
	var err error
	source := w.opts.CloudAssembly
	if source != "" {
		apis, err = LoadAssembly(source)
	} else {
		source = w.opts.Template
		apis, err = LoadTemplate(source, cur.Stack)
	}
	var api *API
	if err == nil {
		api, err = Select(apis, cur.Stack, cur.LogicalID)
	}
	if err != nil {
		fmt.Fprintf(s.log, "local: reading %s again failed; %s is served as it was: %v\n", source, qualifiedName(cur), err)
		return
	}
	s.Reload(ctx, api) // reports what it did
}

// rebuildChanged rebuilds the functions whose sources changed and have
// stopped changing. From the moment a change is seen, invocations wait for
// the rebuild. On the first look at a function (first is true on Watch's
// first), it lists its sources, and rebuilds it if they changed after its
// build started.
func (s *Server) rebuildChanged(ctx context.Context, first bool) {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	c := s.config()
	var ready []*slot
	for _, id := range slices.Sorted(maps.Keys(c.functions)) {
		sl, ok := c.functions[id].(*slot)
		if !ok {
			continue
		}
		if sl.sources == nil || first {
			src, err := listSources(ctx, sl.fn, s.builder)
			if err != nil {
				if ctx.Err() == nil {
					fmt.Fprintf(s.log, "local: %v\n", err)
				}
				src = fallbackSources(sl.fn) // the next build lists them again
			}
			sl.sources = src
			sl.stored = src.snapshot()
			sl.last = sl.stored
			if path := sl.stored.modifiedAfter(sl.started); path != "" {
				s.holdForRebuild(sl, path)
				ready = append(ready, sl)
			}
			continue
		}
		cur := sl.sources.snapshot()
		path := changed(cur, sl.stored)
		switch {
		case path == "": // as built: an edit undone before it settled
			if !sl.since.IsZero() {
				sl.since = time.Time{}
				sl.done(nil)
			}
		case sl.since.IsZero(): // a change, first seen
			s.holdForRebuild(sl, path)
		case changed(cur, sl.last) != "" && time.Since(sl.since) < settleMax:
			// Still changing: wait for it to settle.
		default:
			ready = append(ready, sl)
		}
		sl.last = cur
	}
	s.rebuild(ctx, ready)
}

// holdForRebuild makes sl's invocations wait for its rebuild, and says
// why.
func (s *Server) holdForRebuild(sl *slot, path string) {
	sl.since = time.Now()
	sl.hold()
	fmt.Fprintf(s.log, "local: %s changed: rebuilding %s\n", displayPath(sl.fn, path), sl.fn.LogicalID)
}

// rebuild builds slots again, together (see buildTogether), and swaps in
// each build that succeeds; reloadMu must be held.
func (s *Server) rebuild(ctx context.Context, slots []*slot) {
	if len(slots) == 0 {
		return
	}
	dir, err := s.nextBuildDir()
	if err != nil {
		for _, sl := range slots {
			sl.since = time.Time{}
			sl.done(nil)
		}
		fmt.Fprintf(s.log, "local: rebuilding failed; the previous builds keep serving: %v\n", err)
		return
	}
	started := time.Now()
	// What each build reads, listed before it reads it: an edit made
	// during the build is seen as a change after it.
	listErrs := make([]error, len(slots))
	var wg sync.WaitGroup
	for i, sl := range slots {
		sl.since = time.Time{}
		wg.Go(func() {
			src, err := listSources(ctx, sl.fn, s.builder)
			if err != nil {
				src, listErrs[i] = fallbackSources(sl.fn), err
			}
			sl.sources = src
			sl.stored = src.snapshot()
			sl.last = sl.stored
		})
	}
	wg.Wait()
	fns := make([]*Function, len(slots))
	for i, sl := range slots {
		fns[i] = sl.fn
	}
	built := buildTogether(ctx, fns, s.store, dir, s.log, s.builder)
	for i, sl := range slots {
		s.swapIn(ctx, sl, built[sl.fn], listErrs[i], started)
	}
	if dir != s.buildDir {
		os.Remove(dir) // if every build failed
	}
}

// swapIn starts the processes of sl's new build b and sends sl's
// invocations to them, or says why b failed.
func (s *Server) swapIn(ctx context.Context, sl *slot, b built, listErr error, started time.Time) {
	err := b.err
	var p *pool
	if err == nil {
		p, err = s.startPool(sl.fn, b.binary)
	}
	if err != nil {
		sl.done(nil)
		if ctx.Err() == nil && !errors.Is(err, errClosed) {
			// go list's error, if any, is the build's too.
			fmt.Fprintf(s.log, "local: rebuilding %s failed; the previous build keeps serving:\n%s\n", sl.fn.LogicalID, strings.TrimRight(err.Error(), "\n"))
		}
		return
	}
	if listErr != nil {
		fmt.Fprintf(s.log, "local: %v\n", listErr)
	}
	old := sl.done(&version{pool: p, binary: b.binary})
	sl.started = started
	go s.retire(old)
	fmt.Fprintf(s.log, "local: rebuilt %s (%s) in %.1fs\n", sl.fn.LogicalID, sl.fn.GoPackage, time.Since(started).Seconds())
}

// displayPath is path as messages show it: relative to the function's
// module, or to the current directory, when inside it.
func displayPath(fn *Function, path string) string {
	base, _ := buildDir(fn)
	if base == "" {
		base, _ = os.Getwd()
	}
	if rel, err := filepath.Rel(base, path); err == nil && filepath.IsLocal(rel) {
		return rel
	}
	return path
}
