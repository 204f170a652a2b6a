// The generated app: N Go functions, each a one-route lambdahttp router, behind one HTTP API.

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"
)

// appModule is the module path of the generated app.
const appModule = "example.com/scaleapp"

// cdkJSON is the cdk.json of every generated app, that of the checkout
// -repo names (not of the one -compare names, so that both apps run the
// CLI alike), as httpapi init copies it: the app command, the feature
// flags, and the CLI's telemetry and notices turned off.
var cdkJSON []byte

// generate writes into dir a CDK app of n Go functions as a module of its
// own, whose go.mod requires what the checkout repo requires and replaces
// the library with repo: so it is never part of the library's
// `go list ./...`, and builds from the checkout as it is.
func generate(dir, repo string, n int) error {
	gomod, err := os.ReadFile(filepath.Join(repo, "go.mod"))
	if err != nil {
		return err
	}
	first, rest, _ := strings.Cut(string(gomod), "\n")
	if !strings.HasPrefix(first, "module ") {
		return fmt.Errorf("%s/go.mod does not start with its module line", repo)
	}
	gomod = fmt.Appendf(nil, "module %s\n%s\nrequire github.com/httpapi-cdk/httpapi v0.0.0\n\nreplace github.com/httpapi-cdk/httpapi => %s\n", appModule, rest, repo)
	gosum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		return err
	}
	files := map[string][]byte{
		"go.mod":   gomod,
		"go.sum":   gosum,
		"cdk.json": cdkJSON,
	}
	var app strings.Builder
	if err := appTemplate.Execute(&app, n); err != nil {
		return err
	}
	files["main.go"] = []byte(app.String())
	for i := 1; i <= n; i++ {
		files[filepath.Join(functionDir(i), "main.go")] = functionSource(i, 0)
	}
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// functionDir is the directory of the i-th function, relative to the app.
func functionDir(i int) string { return fmt.Sprintf("fn%02d", i) }

// functionSource is the main package of the i-th function in its version
// v: an edit changes v, and so the code.
func functionSource(i, v int) []byte {
	return fmt.Appendf(nil, `// Command fn%02[1]d is generated function %[1]d of the scale benchmark's app.
package main

import (
	"context"
	"net/http"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/route"
)

func main() {
	rt, err := lambdahttp.NewRouter(nil, lambdahttp.Route{
		Key: route.MustParse("GET /fn%02[1]d"),
		Handler: func(context.Context, *lambdahttp.Request) (*lambdahttp.Response, error) {
			return lambdahttp.Text(http.StatusOK, "fn%02[1]d version %[2]d"), nil
		},
	})
	if err != nil {
		panic(err)
	}
	lambda.Start(rt)
}
`, i, v)
}

// appTemplate is the CDK app, with the main the README shows (cdkapp.Main):
// one stack, N functions, one HTTP API whose first function is its
// handler and to which each other adds its route.
var appTemplate = template.Must(template.New("main.go").Parse(`// Command scaleapp is the scale benchmark's CDK app, generated.
package main

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/cdkapp"
	"github.com/httpapi-cdk/httpapi/constructs/gofunction"
	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
	"github.com/httpapi-cdk/httpapi/route"
)

const functions = {{.}}

func main() {
	cdkapp.Main(func(app awscdk.App) {
		stack := awscdk.NewStack(app, jsii.String("Scale"), nil)
		var api httpapi.API
		for i := 1; i <= functions; i++ {
			fn := gofunction.New(stack, fmt.Sprintf("Fn%02d", i), &gofunction.Props{Package: fmt.Sprintf("./fn%02d", i)})
			keys := []route.Key{route.MustParse(fmt.Sprintf("GET /fn%02d", i))}
			if api == nil {
				api = httpapi.New(stack, "Api", &httpapi.Props{Handler: fn.Lambda(), Routes: keys})
			} else {
				api.AddRoutes(fn.Lambda(), keys, nil)
			}
		}
	})
}
`))
