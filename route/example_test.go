package route_test

import (
	"fmt"

	"github.com/httpapi-cdk/httpapi/route"
)

// Parse accepts the route keys API Gateway accepts and says why it refuses
// the others.
func ExampleParse() {
	for _, s := range []string{"GET /pets/{id}", "ANY /files/{proxy+}", "$default", "GET /pets/", "FETCH /pets"} {
		k, err := route.Parse(s)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Printf("%-20s method %q, path %q, variables %q\n", k, k.Method, k.Path, k.Variables())
	}
	// Output:
	// GET /pets/{id}       method "GET", path "/pets/{id}", variables ["id"]
	// ANY /files/{proxy+}  method "ANY", path "/files/{proxy+}", variables ["proxy"]
	// $default             method "", path "", variables []
	// error: route key "GET /pets/": path must not end with "/" (only the root path may)
	// error: route key "FETCH /pets": method "FETCH" is not one of ANY, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT
}

// A Table picks the route API Gateway would pick for a request: here the
// routes of the example in API Gateway's developer guide.
func ExampleTable_Match() {
	table, err := route.NewTable([]route.Key{
		route.MustParse("GET /pets/dog/1"),
		route.MustParse("GET /pets/dog/{id}"),
		route.MustParse("GET /pets/{proxy+}"),
		route.MustParse("ANY /{proxy+}"),
		route.Default(),
	})
	if err != nil {
		panic(err)
	}
	for _, req := range [][2]string{{"GET", "/pets/dog/1"}, {"GET", "/pets/dog/2"}, {"GET", "/pets/cat/1"}, {"POST", "/test/5"}, {"GET", "/"}} {
		m, ok := table.Match(req[0], req[1])
		if !ok {
			fmt.Printf("%-16s -> no route: 404\n", req[0]+" "+req[1])
			continue
		}
		fmt.Printf("%-16s -> %-17s %v\n", req[0]+" "+req[1], m.Key, m.Params)
	}
	// Output:
	// GET /pets/dog/1  -> GET /pets/dog/1   map[]
	// GET /pets/dog/2  -> GET /pets/dog/{id} map[id:2]
	// GET /pets/cat/1  -> GET /pets/{proxy+} map[proxy:cat/1]
	// POST /test/5     -> ANY /{proxy+}     map[proxy:test/5]
	// GET /            -> $default          map[]
}
