// Package routecases is the one table of routing cases that every
// front-end is tested against: lambdahttp's Router and ServeMux (behind
// lambdahttptest's Gateway and as a plain net/http server) and the local
// emulator. Each case names an API's routes, the routes of the function
// behind it, a request and the outcome a client sees: which route's
// handler answered, or the status and Allow header of the answer.
//
// Only tests import it.
package routecases

// Catalog holds the function tables the cases use.
var (
	// Items is a function's table without a $default route.
	Items = []string{"GET /items", "POST /items", "GET /items/{id}", "ANY /files/{proxy+}", "GET /own", "OPTIONS /own", "HEAD /head"}
	// ItemsAndDefault is Items with a $default route.
	ItemsAndDefault = append(append([]string(nil), Items...), "$default")
	// CatchAll is an API that sends every request to the function
	// through its $default route: the function matches paths itself, as
	// it does behind a plain net/http server.
	CatchAll = []string{"$default"}
)

// Case is one request against an API and the function behind it.
type Case struct {
	Name string
	// Routes is the function's route table.
	Routes []string
	// Deployed is the API's routes; nil means Routes, as when the stack
	// deploys the function's own table.
	Deployed []string
	// Method and Path are the request's, Path as the client sends it.
	Method, Path string
	// Preflight makes the request a browser's CORS preflight: Origin and
	// Access-Control-Request-Method headers (the API has no CORS
	// configuration).
	Preflight bool

	// Route is the route key whose handler answered, "" when none did.
	Route string
	// Status is the answer's status when no handler answered.
	Status int
	// Allow is the answer's Allow header.
	Allow string
}

// DeployedRoutes returns the API's routes: Deployed, or Routes.
func (c *Case) DeployedRoutes() []string {
	if c.Deployed != nil {
		return c.Deployed
	}
	return c.Routes
}

// Cases are the routing cases (docs/api-gateway-behavior.md R-RTE-2 to
// R-RTE-8, R-CORS-1, R-KIT-2 to R-KIT-4).
var Cases = []Case{
	// Routes as deployed: API Gateway matches, the function dispatches on
	// the route key.
	{Name: "exact route", Routes: Items, Method: "GET", Path: "/items", Route: "GET /items"},
	{Name: "trailing slash ignored", Routes: Items, Method: "GET", Path: "/items/", Route: "GET /items"},
	{Name: "path variable", Routes: Items, Method: "GET", Path: "/items/7", Route: "GET /items/{id}"},
	{Name: "literal beats variable", Routes: []string{"GET /items/{id}", "GET /items/new"}, Method: "GET", Path: "/items/new", Route: "GET /items/new"},
	{Name: "greedy, any method", Routes: Items, Method: "DELETE", Path: "/files/a/b", Route: "ANY /files/{proxy+}"},
	{Name: "greedy needs a segment", Routes: Items, Method: "GET", Path: "/files", Status: 404},
	{Name: "greedy needs a non-empty segment", Routes: Items, Method: "GET", Path: "/files/", Status: 404},
	{Name: "exact method beats ANY", Routes: []string{"ANY /a", "GET /a"}, Method: "GET", Path: "/a", Route: "GET /a"},
	{Name: "literals compare case-sensitively", Routes: Items, Method: "GET", Path: "/Items", Status: 404},
	{Name: "GET does not take HEAD", Routes: Items, Method: "HEAD", Path: "/items", Status: 404},
	{Name: "HEAD route", Routes: Items, Method: "HEAD", Path: "/head", Route: "HEAD /head"},
	{Name: "ANY takes HEAD", Routes: Items, Method: "HEAD", Path: "/files/x", Route: "ANY /files/{proxy+}"},
	{Name: "API Gateway never answers 405", Routes: Items, Method: "DELETE", Path: "/items", Status: 404},
	{Name: "unknown path", Routes: Items, Method: "GET", Path: "/nothing", Status: 404},

	// $default in the function's table, deployed as it is.
	{Name: "$default takes an unknown path", Routes: ItemsAndDefault, Method: "GET", Path: "/nothing", Route: "$default"},
	{Name: "$default takes another method of a known path", Routes: ItemsAndDefault, Method: "DELETE", Path: "/items", Route: "$default"},
	{Name: "a route beats $default", Routes: ItemsAndDefault, Method: "POST", Path: "/items", Route: "POST /items"},

	// An API that sends everything through $default: the function matches.
	{Name: "catch-all: the function matches the path", Routes: Items, Deployed: CatchAll, Method: "POST", Path: "/items", Route: "POST /items"},
	{Name: "catch-all: trailing slash", Routes: Items, Deployed: CatchAll, Method: "GET", Path: "/items/7/", Route: "GET /items/{id}"},
	{Name: "catch-all: greedy", Routes: Items, Deployed: CatchAll, Method: "PATCH", Path: "/files/a/b/c", Route: "ANY /files/{proxy+}"},
	{Name: "catch-all: another method is 405", Routes: Items, Deployed: CatchAll, Method: "DELETE", Path: "/items", Status: 405, Allow: "GET, POST"},
	{Name: "catch-all: 405 on a variable path", Routes: Items, Deployed: CatchAll, Method: "PUT", Path: "/items/7", Status: 405, Allow: "GET"},
	{Name: "catch-all: HEAD on a GET path is 405", Routes: Items, Deployed: CatchAll, Method: "HEAD", Path: "/items", Status: 405, Allow: "GET, POST"},
	{Name: "catch-all: unknown path", Routes: Items, Deployed: CatchAll, Method: "GET", Path: "/nothing", Status: 404},
	{Name: "catch-all: the function's $default takes another method", Routes: ItemsAndDefault, Deployed: CatchAll, Method: "DELETE", Path: "/items", Route: "$default"},
	{Name: "catch-all: the function's $default takes an unknown path", Routes: ItemsAndDefault, Deployed: CatchAll, Method: "GET", Path: "/nothing", Route: "$default"},

	// Preflights. With no CORS configuration, API Gateway answers none
	// itself: a preflight no route matches is 404.
	{Name: "preflight no route matches", Routes: Items, Method: "OPTIONS", Path: "/items", Preflight: true, Status: 404},
	{Name: "preflight through ANY is answered by the function", Routes: Items, Method: "OPTIONS", Path: "/files/x", Preflight: true, Status: 204},
	{Name: "preflight to the table's own OPTIONS route", Routes: Items, Method: "OPTIONS", Path: "/own", Preflight: true, Route: "OPTIONS /own"},
	{Name: "preflight through $default is answered", Routes: ItemsAndDefault, Method: "OPTIONS", Path: "/items", Preflight: true, Status: 204},
	{Name: "preflight of an unknown path through $default", Routes: ItemsAndDefault, Method: "OPTIONS", Path: "/nothing", Preflight: true, Status: 204},
	{Name: "catch-all: preflight of a known path", Routes: Items, Deployed: CatchAll, Method: "OPTIONS", Path: "/items", Preflight: true, Status: 204},
	{Name: "catch-all: preflight to an OPTIONS route", Routes: Items, Deployed: CatchAll, Method: "OPTIONS", Path: "/own", Preflight: true, Route: "OPTIONS /own"},
	{Name: "catch-all: preflight of an unknown path", Routes: Items, Deployed: CatchAll, Method: "OPTIONS", Path: "/nothing", Preflight: true, Status: 404},
	{Name: "OPTIONS route added for preflights only", Routes: Items, Deployed: append(append([]string(nil), Items...), "OPTIONS /items"), Method: "OPTIONS", Path: "/items", Preflight: true, Status: 204},
	{Name: "plain OPTIONS through ANY is no preflight", Routes: Items, Method: "OPTIONS", Path: "/files/x", Route: "ANY /files/{proxy+}"},
	{Name: "plain OPTIONS through $default", Routes: ItemsAndDefault, Method: "OPTIONS", Path: "/items", Route: "$default"},
	{Name: "catch-all: plain OPTIONS of a known path is 405", Routes: Items, Deployed: CatchAll, Method: "OPTIONS", Path: "/items", Status: 405, Allow: "GET, POST"},
}
