// Reloading: serving a new version of the API without dropping a request, and saying what changed.

package local

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Reload serves api from now on, in place of the API the server serves:
// a new version of it, read again from its template (Watch calls it when
// the template changes). Requests in flight finish with the version they
// started with. A function whose template properties did not change keeps
// its processes; a new or changed one is built first, and until every
// build is done, requests are served by the old version. Options apply
// as they did to New.
//
// When api cannot be served (a build fails, a stage of Options.Stages is
// not one of its stages, two routes clash), Reload returns why and the
// server goes on serving the old version. It writes to Options.Log what
// changed, "local: reloaded stack Api, API HttpApi1234: 1 route added
// (GET /new)", or why it failed, and the problems of api that the old
// version did not have.
func (s *Server) Reload(ctx context.Context, api *API) error {
	if !s.enter() {
		return errClosed
	}
	defer s.work.Done()
	ctx, cancel := s.bound(ctx)
	defer cancel()
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	err := s.reload(ctx, api)
	if err != nil && ctx.Err() == nil {
		fmt.Fprintf(s.log, "local: reloading %s failed; it is served as it was: %v\n", qualifiedName(api), err)
	}
	return err
}

func (s *Server) reload(ctx context.Context, api *API) error {
	old := s.config()
	c, err := newConfig(api, &s.opts)
	if err != nil {
		return err
	}
	var changes []string
	var retired []*slot
	if s.opts.Handlers != nil {
		if c.functions, err = inProcessHandlers(api, s.opts.Handlers); err != nil {
			return err
		}
	} else {
		toBuild := map[string]*Function{}
		for id, fn := range api.Functions {
			if sl, ok := old.functions[id].(*slot); ok && reflect.DeepEqual(*sl.fn, *fn) {
				c.functions[id] = sl // unchanged: its processes go on
			} else {
				toBuild[id] = fn
			}
		}
		if len(toBuild) > 0 {
			slots, err := s.buildFunctions(ctx, toBuild)
			if err != nil {
				return err
			}
			for id, sl := range slots {
				c.functions[id] = sl
			}
		}
		for _, id := range slices.Sorted(maps.Keys(old.functions)) {
			if sl, ok := old.functions[id].(*slot); ok && c.functions[id] != sl {
				retired = append(retired, sl)
			}
		}
		for _, id := range slices.Sorted(maps.Keys(toBuild)) {
			if _, ok := old.functions[id]; ok {
				changes = append(changes, "function "+id+" rebuilt")
			} else {
				changes = append(changes, "function "+id+" built")
			}
		}
		for _, sl := range retired {
			if _, ok := c.functions[sl.fn.LogicalID]; !ok {
				changes = append(changes, "function "+sl.fn.LogicalID+" stopped")
			}
		}
	}
	c.prev.Store(old)
	s.cfg.Store(c)
	for _, sl := range retired {
		// Invocations waiting for its rebuild, which will not happen, run
		// on its current build.
		sl.since = time.Time{}
		sl.done(nil)
	}
	go s.retireConfig(old, retired)

	changes = append(apiChanges(old.api, api), changes...)
	if len(changes) == 0 {
		changes = []string{"no change"}
	}
	fmt.Fprintf(s.log, "local: reloaded stack %s, API %s: %s\n", api.Stack, api.LogicalID, strings.Join(changes, "; "))
	for _, p := range api.Problems {
		if !slices.Contains(old.api.Problems, p) {
			fmt.Fprintln(s.log, "local: not emulated faithfully:", p)
		}
	}
	return nil
}

// apiChanges says what differs between two versions of an API, but for
// its functions: routes, stages, authorizers, CORS.
func apiChanges(old, api *API) []string {
	var out []string
	routes := func(a *API) map[string]Route {
		m := map[string]Route{}
		for _, r := range a.Routes {
			m[r.Key.String()] = r
		}
		return m
	}
	out = append(out, diff("route", routes(old), routes(api))...)
	stages := func(a *API) map[string]Stage {
		m := map[string]Stage{}
		for _, st := range a.Stages {
			m[st.Name] = st
		}
		return m
	}
	out = append(out, diff("stage", stages(old), stages(api))...)
	authorizers := func(a *API) map[string]Authorizer {
		m := map[string]Authorizer{}
		for _, r := range a.Routes {
			if r.Authorizer != nil {
				m[r.Authorizer.LogicalID] = *r.Authorizer
			}
		}
		return m
	}
	out = append(out, diff("authorizer", authorizers(old), authorizers(api))...)
	if !reflect.DeepEqual(old.Cors, api.Cors) {
		out = append(out, "CORS changed")
	}
	return out
}

// diff says which of a kind of thing, by name, were added, removed and
// changed: "2 routes added (GET /a, GET /b), 1 removed (GET /c)".
func diff[T any](kind string, old, cur map[string]T) []string {
	var added, removed, changed []string
	for name, v := range cur {
		if o, ok := old[name]; !ok {
			added = append(added, name)
		} else if !reflect.DeepEqual(o, v) {
			changed = append(changed, name)
		}
	}
	for name := range old {
		if _, ok := cur[name]; !ok {
			removed = append(removed, name)
		}
	}
	var parts []string
	for _, d := range []struct {
		what  string
		names []string
	}{{"added", added}, {"removed", removed}, {"changed", changed}} {
		if len(d.names) == 0 {
			continue
		}
		slices.Sort(d.names)
		count := fmt.Sprint(len(d.names))
		if len(parts) == 0 {
			count += " " + kind
			if len(d.names) > 1 {
				count += "s"
			}
		}
		parts = append(parts, fmt.Sprintf("%s %s (%s)", count, d.what, strings.Join(d.names, ", ")))
	}
	if len(parts) == 0 {
		return nil
	}
	return []string{strings.Join(parts, ", ")}
}
