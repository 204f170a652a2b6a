// Invoke permissions: lambda:InvokeFunction statements per function, planned per route, per path or for the whole API to fit Lambda's resource-policy limit.

package httpapi

import (
	"fmt"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/quota"
	"github.com/httpapi-cdk/httpapi/route"
)

// Lambda caps a function's resource-based policy at 20 KB
// (quota.ResourcePolicyBytes). The planner keeps the estimated size of the
// statements it adds under PolicyBudgetBytes, leaving 4 KB for statements
// others add.
const PolicyBudgetBytes = quota.ResourcePolicyBytes - 4*1024

// statementOverheadBytes is a conservative estimate of one policy
// statement's size without its SourceArn resource pattern: the statement id
// CloudFormation generates (up to ~100 bytes), the principal, the action,
// the function ARN with a 64-character name and a long region, and the JSON
// around them.
const statementOverheadBytes = 460

// Permission scopes, from narrowest to widest.
const (
	scopeRoute = iota // one statement per method and path: apiId/*/GET/items/*
	scopePath         // one per path, any method: apiId/*/*/items/*
	scopeAPI          // one for the whole API: apiId/*/*
)

// wholeAPI is the execute-api resource name of every route on every stage.
const wholeAPI = "*/*"

// permissionPlanner grants API Gateway lambda:InvokeFunction on each
// function behind a route table. It runs at synthesis (from the table's
// aspect), when every route is known. For each function it uses the narrowest scope whose
// statements fit PolicyBudgetBytes, and warns when it had to widen.
//
// Source ARNs name this API, any stage, and the route as
// [route.Key.SourceARNResource] names it: route "GET /items/{id}" gives
// "apiId/*/GET/items/*"; ANY gives "*" as method; the $default route gives
// "apiId/*/$default".
type permissionPlanner struct {
	table *routeTable
	// stack and principal, made at the first grant, are the table's stack
	// and API Gateway's service principal, shared by every permission.
	stack     awscdk.Stack
	principal awsiam.IPrincipal
}

// resourceNames returns the execute-api resource names (after the API id)
// for fn's routes at the given scope, deduplicated, in route order.
func (p *permissionPlanner) resourceNames(fn awslambda.IFunction, scope int) []string {
	var names []string
	for _, r := range p.table.routes {
		if r.Function != fn {
			continue
		}
		var name string
		switch {
		case r.Key.IsDefault():
			name = r.Key.SourceARNResource("*")
		case scope == scopeAPI:
			name = wholeAPI
		case scope == scopePath:
			name = route.Key{Method: "ANY", Path: r.Key.Path}.SourceARNResource("*")
		default:
			name = r.Key.SourceARNResource("*")
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	if scope == scopeAPI && slices.Contains(names, wholeAPI) {
		return []string{wholeAPI} // covers $default too
	}
	return names
}

func estimatePolicyBytes(names []string) int {
	n := 0
	for _, name := range names {
		n += statementOverheadBytes + len(name)
	}
	return n
}

// planScope returns the narrowest scope whose statements for fn fit the budget.
func (p *permissionPlanner) planScope(fn awslambda.IFunction) (int, []string) {
	for scope := scopeRoute; scope < scopeAPI; scope++ {
		names := p.resourceNames(fn, scope)
		if estimatePolicyBytes(names) <= PolicyBudgetBytes {
			return scope, names
		}
	}
	return scopeAPI, p.resourceNames(fn, scopeAPI)
}

// grant adds fn's permissions as children of the API, with ids of the form
// "Invoke1 */GET/hello" (the function's position among the API's functions,
// then the execute-api resource name).
func (p *permissionPlanner) grant(fn awslambda.IFunction, idPrefix string) {
	scope, names := p.planScope(fn)
	if scope != scopeRoute {
		narrow := p.resourceNames(fn, scopeRoute)
		what := map[int]string{scopePath: "per path (any method)", scopeAPI: "to the whole API (any method and path)"}[scope]
		awscdk.Annotations_Of(p.table.owner).AddWarningV2(jsii.String("httpapi:PermissionWidened"), jsii.String(fmt.Sprintf(
			"invoke permissions of %s widened %s: %d per-route statements (about %d bytes) would not fit the %d-byte budget of Lambda's 20 KB resource policy",
			*fn.Node().Path(), what, len(narrow), estimatePolicyBytes(narrow), PolicyBudgetBytes)))
	}
	if p.stack == nil {
		p.stack = awscdk.Stack_Of(p.table.owner)
		p.principal = awsiam.NewServicePrincipal(jsii.String("apigateway.amazonaws.com"), nil)
	}
	for _, name := range names {
		fn.AddPermission(jsii.String(idPrefix+name), &awslambda.Permission{
			Principal: p.principal,
			Action:    jsii.String("lambda:InvokeFunction"),
			Scope:     p.table.owner,
			SourceArn: p.stack.FormatArn(&awscdk.ArnComponents{
				Service:      jsii.String("execute-api"),
				Resource:     jsii.String(p.table.apiID),
				ResourceName: jsii.String(name),
				ArnFormat:    awscdk.ArnFormat_SLASH_RESOURCE_NAME,
			}),
		})
	}
}
