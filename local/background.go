// Serving while building: the functions build in the background, the first route's first, and invocations wait for theirs.

package local

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// sortedFunctions returns the functions of fns by logical id.
func sortedFunctions(fns map[string]*Function) []*Function {
	out := make([]*Function, 0, len(fns))
	for _, id := range slices.Sorted(maps.Keys(fns)) {
		out = append(out, fns[id])
	}
	return out
}

// routeOrder returns the API's functions in the order of their first
// route, then those no route names, by logical id.
func routeOrder(api *API) []*Function {
	var out []*Function
	seen := map[string]bool{}
	for _, r := range api.Routes {
		if fn := api.Functions[r.Function]; fn != nil && !seen[r.Function] {
			seen[r.Function] = true
			out = append(out, fn)
		}
	}
	for _, fn := range sortedFunctions(api.Functions) {
		if !seen[fn.LogicalID] {
			out = append(out, fn)
		}
	}
	return out
}

// buildInBackground gives each function of api a slot in c whose
// invocations wait for its build, and builds them in the background: the
// function of the first route alone, so that it answers soon, and all the
// others together, at the same time. It holds reloadMu meanwhile: a rebuild or reload
// waits for it.
func (s *Server) buildInBackground(api *API, c *config) {
	order := routeOrder(api)
	slots := map[*Function]*slot{}
	for _, fn := range order {
		sl := &slot{fn: fn}
		sl.hold()
		slots[fn] = sl
		c.functions[fn.LogicalID] = sl
	}
	if len(order) == 0 || !s.enter() {
		close(s.built)
		return
	}
	fmt.Fprintf(s.log, "local: building %d function(s) of %s in the background; a request waits for its function's build\n", len(order), qualifiedName(api))
	go func() {
		defer s.work.Done()
		defer close(s.built)
		ctx, cancel := s.bound(context.Background())
		defer cancel()
		s.reloadMu.Lock()
		defer s.reloadMu.Unlock()
		dir, err := s.nextBuildDir()
		if err != nil {
			for _, sl := range slots {
				sl.fail(err)
			}
			fmt.Fprintf(s.log, "local: building failed: %v\n", err)
			return
		}
		// The first route's function alone and the others together, at
		// once: the first answers after one link, the others after the
		// shared build.
		var wg sync.WaitGroup
		var first, rest []*Function // the first: the first route's package
		for _, fn := range order {
			if fn.GoPackage == order[0].GoPackage && fn.ModuleDir == order[0].ModuleDir {
				first = append(first, fn)
			} else {
				rest = append(rest, fn)
			}
		}
		for _, part := range [][]*Function{first, rest} {
			if len(part) == 0 {
				continue
			}
			wg.Go(func() {
				started := time.Now()
				built := buildTogether(ctx, part, s.store, dir, s.log, s.builder)
				for _, fn := range part {
					sl, b := slots[fn], built[fn]
					var p *pool
					err := b.err
					if err == nil {
						p, err = s.startPool(fn, b.binary)
					}
					if err != nil {
						sl.fail(err)
						if ctx.Err() == nil {
							fmt.Fprintf(s.log, "local: %s failed to build; its invocations fail:\n%s\n", fn.LogicalID, strings.TrimRight(err.Error(), "\n"))
						}
						continue
					}
					sl.started = started
					sl.done(&version{pool: p, binary: b.binary})
				}
			})
		}
		wg.Wait()
	}()
}

// Built returns a channel closed once the builds New started are done,
// failed or not: at once, unless Options.ServeWhileBuilding is set.
func (s *Server) Built() <-chan struct{} { return s.built }
