// What a server serves at one time: an API's routes, stages and functions, replaced whole by a reload.

package local

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/httpapi-cdk/httpapi/route"
)

// config is what a Server serves at one time. A reload ([Server.Reload])
// puts in a new one; a request keeps the one it started with to its end,
// and the functions only the old one had are stopped once the last such
// request is done.
type config struct {
	api       *API
	table     *route.Table
	routes    map[route.Key]*Route
	stages    map[string]*Stage
	formats   map[string][]logSegment // each stage's access log format, parsed
	functions map[string]invoker      // by logical id: *slot, or *inProcess with Options.Handlers
	apiID     string
	region    string     // the API's region, or DefaultRegion
	authCache *authCache // a reload starts with an empty cache
	// buckets are the routes' throttles, by stage and route; a reload
	// starts with full buckets. Empty with Options.Unthrottled.
	buckets map[throttleKey]*bucket
	refs    atomic.Int64
	// prev is the config this one replaced, until no request holds it or
	// one before it: such a request can invoke a function this one kept.
	prev atomic.Pointer[config]
}

// newConfig checks api against the server's options and returns what
// serves it, without its functions.
func newConfig(api *API, o *Options) (*config, error) {
	if api.Cors != nil {
		if err := api.Cors.check(); err != nil {
			return nil, fmt.Errorf("%s/%s: %w", api.Stack, api.LogicalID, err)
		}
	}
	c := &config{api: api, routes: map[route.Key]*Route{}, stages: map[string]*Stage{}, formats: map[string][]logSegment{},
		functions: map[string]invoker{}, apiID: apiID(api.LogicalID), region: api.Region, authCache: &authCache{}}
	if c.region == "" {
		c.region = DefaultRegion
	}
	local, err := localJWTAuthorizers(api, o.JWTAuthorizers)
	if err != nil {
		return nil, err
	}
	if err := checkIAMCredentials(o.IAMCredentials); err != nil {
		return nil, err
	}
	keys := make([]route.Key, 0, len(api.Routes))
	for i := range api.Routes {
		r := &api.Routes[i]
		if a := r.Authorizer; a != nil && local[a.LogicalID] != nil {
			withLocal := *r
			withLocal.Authorizer = local[a.LogicalID]
			r = &withLocal
		}
		c.routes[r.Key] = r
		keys = append(keys, r.Key)
	}
	t, err := route.NewTable(keys)
	if err != nil {
		return nil, err
	}
	c.table = t
	for i := range api.Stages {
		st := &api.Stages[i]
		if len(o.Stages) == 0 || slices.Contains(o.Stages, st.Name) {
			c.stages[st.Name] = st
			if st.AccessLogFormat != "" {
				c.formats[st.Name] = parseAccessLogFormat(st.AccessLogFormat)
			}
		}
	}
	if !o.Unthrottled {
		c.buckets = routeBuckets(api, c.stages)
	}
	for _, name := range o.Stages {
		if c.stages[name] == nil {
			var names []string
			for _, st := range api.Stages {
				names = append(names, st.Name)
			}
			return nil, fmt.Errorf("stage %q is not a stage of %s (its stages: %s)", name, api.LogicalID, strings.Join(names, ", "))
		}
	}
	return c, nil
}

// function returns the invoker of a function of the API, by logical id.
func (c *config) function(id string) invoker {
	if f := c.functions[id]; f != nil {
		return f
	}
	return missingFunction(id)
}

// missingFunction answers the invocations of a function the API does not
// have (a hand-built API's route naming none of its Functions).
type missingFunction string

func (id missingFunction) invoke([]byte, time.Time) (result, bool) {
	return result{outcome: outcomeInitError, detail: fmt.Sprintf("function %s is not one of the API's functions", string(id))}, true
}

// acquire returns the current config, held until release: the functions
// it invokes are not stopped meanwhile.
func (s *Server) acquire() *config {
	for {
		c := s.cfg.Load()
		c.refs.Add(1)
		if s.cfg.Load() == c {
			return c
		}
		c.refs.Add(-1) // replaced meanwhile: its retirement may have begun
	}
}

func (c *config) release() { c.refs.Add(-1) }

// config returns the current config, for a look at it: a request uses
// acquire.
func (s *Server) config() *config { return s.cfg.Load() }

// stageOf returns the stage a request path reaches and the path its routes
// match: a named stage is the path's first segment, its prefix removed;
// any other path goes to $default (docs/api-gateway-behavior.md R-STG-1,
// R-STG-2). It reports false when no stage serves the path (404).
func (c *config) stageOf(path string) (stage *Stage, routePath string, ok bool) {
	first, rest, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if st, ok := c.stages[first]; ok && first != "$default" {
		return st, "/" + rest, true
	}
	if st, ok := c.stages["$default"]; ok {
		return st, path, true
	}
	return nil, "", false
}
