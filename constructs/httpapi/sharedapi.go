// The route tables of one app that add routes to the same HTTP API, so that a key added twice fails synthesis.

package httpapi

import (
	"sync"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/internal/propcheck"
	"github.com/httpapi-cdk/httpapi/route"
)

// Several constructs may add routes to one HTTP API: the API itself and
// any number of Routes, possibly in other stacks. Each keeps its own route
// table; the tables of one app are registered here so that a key added to
// one API by two of them fails synthesis as it does within one table,
// instead of failing the deployment.
//
// Two tables add to the same API when they name it by the same id (the
// API's own id token, passed on with API.HttpApi(), or the same literal id),
// when both import the same export (Fn::ImportValue), or when one imports
// an export of the other's API id.
var (
	tablesMu    sync.Mutex
	tablesByApp = map[constructs.IConstruct][]*routeTable{}
)

// register records t among the route tables of its app.
func (t *routeTable) register() {
	t.apiID = *t.httpApi.ApiId()
	if propcheck.IsToken(t.apiID) {
		if m, ok := awscdk.Stack_Of(t.owner).Resolve(jsii.String(t.apiID)).(map[string]any); ok {
			t.importName, _ = m["Fn::ImportValue"].(string)
		}
	}
	t.root = t.owner.Node().Root()
	tablesMu.Lock()
	defer tablesMu.Unlock()
	tablesByApp[t.root] = append(tablesByApp[t.root], t)
}

// sharing returns the other route tables of the app that add routes to
// the same HTTP API as t.
func (t *routeTable) sharing() []*routeTable {
	tablesMu.Lock()
	all := tablesByApp[t.root]
	tablesMu.Unlock()
	var out []*routeTable
	for _, o := range all {
		if o != t && t.sameAPI(o) {
			out = append(out, o)
		}
	}
	return out
}

func (t *routeTable) sameAPI(o *routeTable) bool {
	switch {
	case t.apiID == o.apiID:
		return true
	case t.importName != "" && t.importName == o.importName:
		return true
	case t.importName != "" && o.exports(t.importName):
		return true
	case o.importName != "" && t.exports(o.importName):
		return true
	}
	return false
}

// exports reports whether t's stack exports t's API id under name: a
// CfnOutput of the stack whose value is the id.
func (t *routeTable) exports(name string) bool {
	for _, c := range *awscdk.Stack_Of(t.owner).Node().Children() {
		out, ok := c.(awscdk.CfnOutput)
		if !ok || out.ExportName() == nil || *out.ExportName() != name {
			continue
		}
		if v, ok := out.Value().(string); ok && v == t.apiID {
			return true
		}
	}
	return false
}

// checkShared reports a key of keys that another table already adds to the
// same HTTP API, or that API Gateway cannot tell apart from one it adds.
func (t *routeTable) checkShared(keys []route.Key) error {
	for _, o := range t.sharing() {
		for _, r := range o.routes {
			for _, k := range keys {
				switch {
				case k == r.Key:
					return propcheck.Errorf("Routes", ": route %q is added to one HTTP API twice, by %s and by %s: each route key may appear once per API",
						k.String(), *o.owner.Node().Path(), *t.owner.Node().Path())
				case k.Ambiguous(r.Key):
					return propcheck.Errorf("Routes", ": route %q of %s and route %q of %s, on one HTTP API, differ only in variable names: API Gateway cannot tell them apart; name the variables alike",
						r.Key.String(), *o.owner.Node().Path(), k.String(), *t.owner.Node().Path())
				}
			}
		}
	}
	return nil
}
