package test

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
	"github.com/httpapi-cdk/httpapi/function/app"
	"github.com/httpapi-cdk/httpapi/lambdahttp/lambdahttptest"
	"github.com/httpapi-cdk/httpapi/local"
	"github.com/httpapi-cdk/httpapi/openapi"
	"github.com/httpapi-cdk/httpapi/route"
	"github.com/httpapi-cdk/httpapi/stacks"
)

// openAPIFile synthesizes stack and returns the bytes of the OpenAPI
// document its API (or Routes) wrote into the cloud assembly.
func openAPIFile(t *testing.T, stack awscdk.Stack) []byte {
	t.Helper()
	templateJSON(t, stack) // synthesizes the app into its assembly directory
	name := *stack.ArtifactId() + ".openapi.json"
	b, err := os.ReadFile(filepath.Join(*awscdk.Stage_Of(stack).Outdir(), name))
	if err != nil {
		t.Fatalf("the stack's OpenAPI document: %v", err)
	}
	return b
}

// loadOpenAPI parses and validates a document with kin-openapi, failing
// the test on any error.
func loadOpenAPI(t *testing.T, b []byte) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(b)
	if err != nil {
		t.Fatalf("kin-openapi cannot load the document: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("kin-openapi: the document is invalid: %v", err)
	}
	return doc
}

// documentedRoute is what a document says of one route key.
type documentedRoute struct {
	methods  []string // lower-case; every method for ANY
	params   []string // path parameters
	security string   // "" (public), or "<scheme type>[:<extension>] <scopes>"
}

// referenceDocuments returns the reference app's OpenAPI document files,
// each with the stacks whose routes it documents: one document per API,
// HttpApiService's routes in HttpApiShared's.
func referenceDocuments(t *testing.T) map[string][]awscdk.Stack {
	t.Helper()
	docs := map[string][]awscdk.Stack{}
	for _, ref := range referenceStacks() {
		var c constructs.Construct = ref.API
		if ref.API == nil {
			c = ref.Routes
		}
		name := httpapi.DocumentFile(c)
		docs[name] = append(docs[name], ref.Stack)
	}
	return docs
}

// readDocument synthesizes stack's app and returns the bytes of the
// OpenAPI document file name in its cloud assembly.
func readDocument(t *testing.T, stack awscdk.Stack, name string) []byte {
	t.Helper()
	templateJSON(t, stack) // synthesizes the app into its assembly directory
	b, err := os.ReadFile(filepath.Join(*awscdk.Stage_Of(stack).Outdir(), name))
	if err != nil {
		t.Fatalf("the OpenAPI document: %v", err)
	}
	return b
}

// TestOpenAPIOneDocumentPerAPI checks that the reference app writes one
// document per API and no other: HttpApiShared's holds the routes that
// HttpApiService adds to it, and the service's stack writes none.
func TestOpenAPIOneDocumentPerAPI(t *testing.T) {
	docs := referenceDocuments(t)
	var names []string
	for name := range docs {
		names = append(names, name)
	}
	sort.Strings(names)
	want := []string{"HttpApiProduction.openapi.json", "HttpApiReference.openapi.json", "HttpApiReferenceV1.openapi.json", "HttpApiShared.openapi.json"}
	if !slices.Equal(names, want) {
		t.Errorf("documents %v, want %v", names, want)
	}
	stack := reference(t, "HttpApiService").Stack
	templateJSON(t, stack)
	written, _ := filepath.Glob(filepath.Join(*awscdk.Stage_Of(stack).Outdir(), "*.openapi.json"))
	for i, w := range written {
		written[i] = filepath.Base(w)
	}
	sort.Strings(written)
	if !slices.Equal(written, want) {
		t.Errorf("the assembly holds %v, want %v", written, want)
	}
	var ext struct {
		Sources openapi.RouteSources `json:"x-httpapi-route-sources"`
	}
	json.Unmarshal(readDocument(t, stack, "HttpApiShared.openapi.json"), &ext)
	if !slices.Equal(ext.Sources.Constructs, []string{"HttpApiShared/Api", "HttpApiService/Routes"}) || ext.Sources.Note == "" {
		t.Errorf("%s: %+v", openapi.RouteSourcesExtension, ext.Sources)
	}
}

// TestOpenAPIDocuments checks every reference document with kin-openapi
// and against the templates of the stacks that add its API's routes: each
// route of those templates, and only those, with its method, path
// parameters and security.
func TestOpenAPIDocuments(t *testing.T) {
	for name, stacks := range referenceDocuments(t) {
		t.Run(name, func(t *testing.T) {
			raw := readDocument(t, stacks[0], name)
			doc := loadOpenAPI(t, raw)
			var ext map[string]any
			json.Unmarshal(raw, &ext)

			documented := map[string]*documentedRoute{}
			for path, item := range doc.Paths.Map() {
				for method, op := range item.Operations() {
					key, _ := op.Extensions[openapi.RouteKeyExtension].(string)
					if key == "" {
						t.Errorf("%s %s has no %s", method, path, openapi.RouteKeyExtension)
						continue
					}
					k := route.MustParse(key)
					if openapi.Path(k) != path || k.Method != "ANY" && k.Method != method {
						t.Errorf("%s %s documents route %q", method, path, key)
					}
					d := documented[key]
					if d == nil {
						d = &documentedRoute{}
						documented[key] = d
						for _, p := range op.Parameters {
							if p.Value.In == "path" {
								d.params = append(d.params, p.Value.Name)
							}
						}
						d.security = securityOf(doc, op.Security)
					}
					d.methods = append(d.methods, strings.ToLower(method))
				}
			}
			if def, ok := ext[openapi.DefaultRouteExtension].(map[string]any); ok {
				var sec openapi3.SecurityRequirements
				b, _ := json.Marshal(def["security"])
				json.Unmarshal(b, &sec)
				documented[route.DefaultKey] = &documentedRoute{security: securityOf(doc, &sec)}
			}

			authorizers := map[string]map[string]any{}
			var routes []map[string]any
			for _, s := range stacks {
				tpl := map[string]any{}
				json.Unmarshal(templateJSON(t, s), &tpl)
				maps.Copy(authorizers, resources(tpl, "AWS::ApiGatewayV2::Authorizer"))
				for _, r := range resources(tpl, "AWS::ApiGatewayV2::Route") {
					routes = append(routes, r)
				}
			}
			seen := map[string]bool{}
			for _, r := range routes {
				p := props(r)
				key := p["RouteKey"].(string)
				seen[key] = true
				d := documented[key]
				if d == nil {
					t.Errorf("route %q of the template is missing from the document", key)
					continue
				}
				k := route.MustParse(key)
				if !k.IsDefault() {
					want := []string{strings.ToLower(k.Method)}
					if k.Method == "ANY" {
						want = nil
						for _, m := range route.HTTPMethods() {
							want = append(want, strings.ToLower(m))
						}
					}
					sort.Strings(want)
					sort.Strings(d.methods)
					if !slices.Equal(d.methods, want) {
						t.Errorf("route %q: documented methods %v, want %v", key, d.methods, want)
					}
				}
				if vars := k.Variables(); !slices.Equal(d.params, vars) {
					t.Errorf("route %q: documented path parameters %v, want %v", key, d.params, vars)
				}
				if want := templateSecurity(p, authorizers); d.security != want {
					t.Errorf("route %q: documented security %q, want %q", key, d.security, want)
				}
			}
			for key := range documented {
				if !seen[key] {
					t.Errorf("the document has route %q, which the template does not deploy", key)
				}
			}
			if len(seen) == 0 {
				t.Errorf("no routes in the templates")
			}
		})
	}
}

// securityOf summarizes a security requirement: the scheme's type and
// API Gateway extension, and the scopes.
func securityOf(doc *openapi3.T, reqs *openapi3.SecurityRequirements) string {
	if reqs == nil || len(*reqs) == 0 {
		return ""
	}
	var out []string
	for _, req := range *reqs {
		for name, scopes := range req {
			ref := doc.Components.SecuritySchemes[name]
			if ref == nil {
				return "undefined scheme " + name
			}
			s := ref.Value.Type
			if a, ok := ref.Value.Extensions["x-amazon-apigateway-authorizer"].(map[string]any); ok {
				s += ":" + a["type"].(string)
			}
			if ref.Value.Extensions["x-amazon-apigateway-authtype"] == "awsSigv4" {
				s += ":awsSigv4"
			}
			out = append(out, s+" "+strings.Join(scopes, ","))
		}
	}
	return strings.Join(out, ";")
}

// templateSecurity is securityOf's summary for a route of the template.
func templateSecurity(route map[string]any, authorizers map[string]map[string]any) string {
	scopes := ""
	if route["AuthorizationScopes"] != nil {
		scopes = strings.Join(toStrings(route["AuthorizationScopes"]), ",")
	}
	switch route["AuthorizationType"] {
	case nil, "NONE":
		return ""
	case "AWS_IAM":
		return "apiKey:awsSigv4 "
	case "JWT":
		return "openIdConnect:jwt " + scopes
	case "CUSTOM":
		ref, _ := route["AuthorizerId"].(map[string]any)["Ref"].(string)
		if a := authorizers[ref]; a == nil || props(a)["AuthorizerType"] != "REQUEST" {
			return "CUSTOM authorizer " + ref + " not found"
		}
		return "apiKey:request "
	}
	return "unknown " + route["AuthorizationType"].(string)
}

// TestOpenAPIGolden compares the reference documents with their reviewed
// copies in testdata/ (rewritten by -update).
func TestOpenAPIGolden(t *testing.T) {
	for _, name := range []string{"HttpApiReference", "HttpApiProduction"} {
		t.Run(name, func(t *testing.T) {
			checkGolden(t, name+".openapi.json", openAPIFile(t, reference(t, name).Stack))
		})
	}
}

// TestOpenAPIContract checks the reference API, served in process as
// deployed (the emulator, from the template), against its synthesized
// document with the test kit's contract check: a valid and an invalid
// request per typed route, and a text/plain body answered 415.
func TestOpenAPIContract(t *testing.T) {
	stack := reference(t, "HttpApiReference")
	apis, err := local.ParseTemplate(templateJSON(t, stack.Stack), *stack.StackName())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := local.New(context.Background(), apis[0], &local.Options{
		Handlers:  map[string]lambda.Handler{stacks.FunctionPackage: app.Router(quiet)},
		AccessLog: io.Discard,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	lambdahttptest.CheckContract(t, lambdahttptest.Contract{
		Handler:  app.Router(quiet),
		Document: openAPIFile(t, stack.Stack),
		Cases: map[string][]lambdahttptest.ContractCase{
			"GET /hello/{name}": {
				{Method: "GET", Target: "/hello/ann", Status: 200},
				{Method: "GET", Target: "/hello/" + strings.Repeat("n", 65), Status: 422, Field: "name"},
			},
			"POST /echo": {
				{Method: "POST", Target: "/echo", Body: `{"message":"hi","repeat":2}`, Status: 200},
				{Method: "POST", Target: "/echo", Body: `{"repeat":2}`, Status: 422, Field: "message"},
				{Method: "POST", Target: "/echo", Body: `{"message":"hi","repeat":11}`, Status: 422, Field: "repeat"},
				{Method: "POST", Target: "/echo", Body: `{"message":"hi","repeat":"x"}`, Status: 400, Field: "repeat"},
				{Method: "POST", Target: "/echo", Body: `{"message":`, Status: 400},
			},
			"GET /report": {
				{Method: "GET", Target: "/report?days=2", Status: 200},
				{Method: "GET", Target: "/report?days=0", Status: 422, Field: "days"},
				{Method: "GET", Target: "/report?days=x", Status: 400, Field: "days"},
			},
		},
		Send: func(req *http.Request) (*http.Response, error) {
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			return rec.Result(), nil
		},
	})
}

// TestOpenAPIContractNotes does for the net/http notes function, with the
// production document, what TestOpenAPIContract does: its routes sit
// behind the JWT authorizer, which the test gateway stands in for.
func TestOpenAPIContractNotes(t *testing.T) {
	lambdahttptest.CheckContract(t, lambdahttptest.Contract{
		Handler:  app.NotesMux(),
		Document: openAPIFile(t, reference(t, "HttpApiProduction").Stack),
		Cases: map[string][]lambdahttptest.ContractCase{
			"GET /notes/{id}": {
				{Method: "GET", Target: "/notes/7", Status: 200},
				{Method: "GET", Target: "/notes/" + strings.Repeat("7", 65), Status: 422, Field: "id"},
			},
			"POST /notes": {
				{Method: "POST", Target: "/notes", Body: `{"text":"buy milk"}`, Status: 201},
				{Method: "POST", Target: "/notes", Body: `{"text":""}`, Status: 422, Field: "text"},
				{Method: "POST", Target: "/notes", Body: `{"text":7}`, Status: 400, Field: "text"},
			},
		},
		Authorizer: &lambdahttptest.Authorizer{JWTClaims: map[string]string{"sub": "u-1"}},
	})
}

// TestOpenAPISeveralAPIs checks that two APIs in one stack write two
// documents, named after their construct paths.
func TestOpenAPISeveralAPIs(t *testing.T) {
	stack := newStack()
	fn := inlineFunction(stack, "Fn", 3*time.Second)
	a := httpapi.New(stack, "Orders", &httpapi.Props{Handler: fn, Source: app.NotesMux()})
	b := httpapi.New(stack, "Users", &httpapi.Props{Handler: fn, Routes: []route.Key{route.MustParse("GET /users")}})
	templateJSON(t, stack)
	for api, want := range map[httpapi.API]string{a: "Test.Orders.openapi.json", b: "Test.Users.openapi.json"} {
		if got := httpapi.DocumentFile(api); got != want {
			t.Errorf("DocumentFile = %q, want %q", got, want)
		}
		doc := loadOpenAPI(t, must(os.ReadFile(filepath.Join(*awscdk.Stage_Of(stack).Outdir(), want))))
		if doc.Paths.Len() != 2 && want == "Test.Orders.openapi.json" || doc.Paths.Len() != 1 && want == "Test.Users.openapi.json" {
			t.Errorf("%s: %d paths", want, doc.Paths.Len())
		}
	}
	if _, err := os.Stat(filepath.Join(*awscdk.Stage_Of(stack).Outdir(), "Test.openapi.json")); err == nil {
		t.Errorf("Test.openapi.json written for a stack with two APIs")
	}
}

// TestOpenAPIDocumentNameClash checks that two APIs whose document names
// collide, API "Orders.V1" and API "V1" in construct "Orders", fail
// synthesis naming both rather than one overwriting the other.
func TestOpenAPIDocumentNameClash(t *testing.T) {
	ctx := cdkContext()
	ctx["@aws-cdk/core:annotationsInValidationReport"] = false // to read the error rather than fail on it
	stack := awscdk.NewStack(awscdk.NewApp(&awscdk.AppProps{Context: &ctx}), jsii.String("Test"), nil)
	fn := inlineFunction(stack, "Fn", 3*time.Second)
	httpapi.New(stack, "Orders.V1", &httpapi.Props{Handler: fn, Routes: []route.Key{route.MustParse("GET /a")}})
	httpapi.New(constructs.NewConstruct(stack, jsii.String("Orders")), "V1", &httpapi.Props{Handler: fn, Routes: []route.Key{route.MustParse("GET /b")}})
	msg := `.*httpapi: the OpenAPI documents of Test/Orders\.V1 and Test/Orders/V1 would both be written to "Test\.Orders\.V1\.openapi\.json" .*rename a construct id.*`
	assert(t, func() {
		assertions.Annotations_FromStack(stack).HasError(jsii.String("/Test/Orders.V1"), assertions.Match_StringLikeRegexp(jsii.String(msg)))
	})
	assert(t, func() {
		assertions.Annotations_FromStack(stack).HasError(jsii.String("/Test/Orders/V1"), assertions.Match_StringLikeRegexp(jsii.String(
			`.*httpapi: the OpenAPI documents of Test/Orders/V1 and Test/Orders\.V1 would both be written to .*`)))
	})
}

// TestOpenAPIDocumentsPerApp checks that an App's document names do not
// depend on another App in the same process, even one writing the same
// stack into the same directory.
func TestOpenAPIDocumentsPerApp(t *testing.T) {
	outdir := t.TempDir()
	var apis []httpapi.API
	var first awscdk.Stack
	for _, id := range []string{"Api", "Other"} {
		ctx := cdkContext()
		stack := awscdk.NewStack(awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(outdir)}), jsii.String("Test"), nil)
		apis = append(apis, httpapi.New(stack, id, &httpapi.Props{Handler: inlineFunction(stack, "Fn", 3*time.Second), Routes: []route.Key{route.MustParse("GET /a")}}))
		if first == nil {
			first = stack
		}
	}
	for i, api := range apis {
		if got := httpapi.DocumentFile(api); got != "Test.openapi.json" {
			t.Errorf("App %d: DocumentFile = %q, want %q", i+1, got, "Test.openapi.json")
		}
	}
	templateJSON(t, first)
	if _, err := os.Stat(filepath.Join(outdir, "Test.openapi.json")); err != nil {
		t.Error(err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestOpenAPIOtherAuthorizersAndRoutes checks the document of a Cognito
// authorizer and IAM on an ANY route, with a Routes construct adding a
// handler's table to the same API: one document, the API's, holds both.
func TestOpenAPIOtherAuthorizersAndRoutes(t *testing.T) {
	stack := newStack()
	fn := inlineFunction(stack, "Fn", 3*time.Second)
	pool := awscognito.NewUserPool(stack, jsii.String("Pool"), nil)
	client := pool.AddClient(jsii.String("Client"), nil)
	api := httpapi.New(stack, "Api", &httpapi.Props{
		Handler: fn, Routes: keys("ANY /items/{id}", "GET /items/{id}", "GET /files/{proxy+}"),
		RouteOptions:   httpapi.RouteOptions{Authorizer: &httpapi.CognitoAuthorizer{UserPool: pool, Clients: []awscognito.IUserPoolClient{client}}, Scopes: []string{"items:read"}},
		RouteOverrides: map[route.Key]httpapi.RouteOptions{route.MustParse("GET /files/{proxy+}"): {Authorizer: &httpapi.IAMAuthorizer{}, Scopes: []string{}}},
	})
	more := httpapi.NewRoutes(stack, "More", &httpapi.RoutesProps{API: api.HttpApi(), Handler: fn, Source: app.NotesMux()})
	templateJSON(t, stack)
	dir := *awscdk.Stage_Of(stack).Outdir()
	if name := httpapi.DocumentFile(more); name != "Test.openapi.json" || httpapi.DocumentFile(api) != name {
		t.Errorf("DocumentFile: API %q, Routes %q; want both %q", httpapi.DocumentFile(api), name, "Test.openapi.json")
	}
	doc := loadOpenAPI(t, must(os.ReadFile(filepath.Join(dir, "Test.openapi.json"))))
	item := doc.Paths.Find("/items/{id}")
	if item == nil || len(item.Operations()) != len(route.HTTPMethods()) {
		t.Fatalf("/items/{id}: %+v", item)
	}
	if k := item.Get.Extensions[openapi.RouteKeyExtension]; k != "GET /items/{id}" {
		t.Errorf("GET /items/{id} documents %v", k)
	}
	if k := item.Post.Extensions[openapi.RouteKeyExtension]; k != "ANY /items/{id}" {
		t.Errorf("POST /items/{id} documents %v", k)
	}
	if sec := securityOf(doc, item.Post.Security); sec != "openIdConnect:jwt items:read" {
		t.Errorf("ANY route security %q", sec)
	}
	if sec := securityOf(doc, doc.Paths.Find("/files/{proxy}").Get.Security); sec != "apiKey:awsSigv4 " {
		t.Errorf("IAM route security %q", sec)
	}
	if _, err := os.Stat(filepath.Join(dir, "Test.More.openapi.json")); err == nil {
		t.Errorf("the Routes construct wrote a document of its own")
	}
	if op := doc.Paths.Find("/notes").Post; op == nil || op.Responses.Status(201) == nil || op.RequestBody == nil {
		t.Errorf("the API's document lacks POST /notes's typed description")
	}
	if msg := panicMessage(func() {
		httpapi.New(newStack(), "Api", &httpapi.Props{Handler: fn, Routes: keys("GET /a"), Source: app.NotesMux()})
	}); !strings.HasPrefix(msg, "httpapi: Routes and Source are both set") {
		t.Errorf("Routes with Source: %q", msg)
	}
}

// TestOpenAPIRoutesOfAnExternalAPI checks that Routes constructs adding
// to an API defined outside the app (imported by its id) write one
// document for that API, named after the first of them, with every route
// they add and the note that other routes cannot be known.
func TestOpenAPIRoutesOfAnExternalAPI(t *testing.T) {
	app := newApp()
	one := awscdk.NewStack(app, jsii.String("One"), nil)
	two := awscdk.NewStack(app, jsii.String("Two"), nil)
	var added []httpapi.Routes
	for i, stack := range []awscdk.Stack{one, two} {
		ext := awsapigatewayv2.HttpApi_FromHttpApiAttributes(stack, jsii.String("Ext"), &awsapigatewayv2.HttpApiAttributes{HttpApiId: jsii.String("abc123")})
		added = append(added, httpapi.NewRoutes(stack, "Routes", &httpapi.RoutesProps{
			API: ext, Handler: inlineFunction(stack, "Fn", 3*time.Second), Routes: keys([]string{"GET /one", "GET /two"}[i]),
		}))
	}
	for _, r := range added {
		if got := httpapi.DocumentFile(r); got != "One.openapi.json" {
			t.Errorf("DocumentFile(%s) = %q, want One.openapi.json", *r.Node().Path(), got)
		}
	}
	templateJSON(t, two)
	dir := *awscdk.Stage_Of(one).Outdir()
	if _, err := os.Stat(filepath.Join(dir, "Two.openapi.json")); err == nil {
		t.Errorf("Two.openapi.json written: the API has one document")
	}
	raw := must(os.ReadFile(filepath.Join(dir, "One.openapi.json")))
	doc := loadOpenAPI(t, raw)
	if doc.Paths.Find("/one") == nil || doc.Paths.Find("/two") == nil || doc.Paths.Len() != 2 {
		t.Errorf("paths %v, want /one and /two", doc.Paths.InMatchingOrder())
	}
	if !strings.Contains(string(raw), "another CDK app") {
		t.Errorf("the document does not say that routes of other apps are missing")
	}
}

// TestOpenAPIInfoProps checks that Props.OpenAPI reaches the document's
// info, that untyped routes get a summary naming their function, and
// that an info OpenAPI would refuse fails New, naming the prop.
func TestOpenAPIInfoProps(t *testing.T) {
	stack := newStack()
	fn := inlineFunction(stack, "Fn", 3*time.Second)
	api := httpapi.New(stack, "Api", &httpapi.Props{Handler: fn, Routes: keys("GET /a"), OpenAPI: httpapi.OpenAPIInfo{
		Version: "2.1.0",
		Contact: &openapi.Contact{Name: "Team", Email: "team@example.com"},
		License: &openapi.License{Name: "Apache 2.0", URL: "https://www.apache.org/licenses/LICENSE-2.0"},
	}})
	templateJSON(t, stack)
	doc := loadOpenAPI(t, must(os.ReadFile(filepath.Join(*awscdk.Stage_Of(stack).Outdir(), httpapi.DocumentFile(api)))))
	if i := doc.Info; i.Version != "2.1.0" || i.Contact == nil || i.Contact.Email != "team@example.com" || i.License == nil || i.License.Name != "Apache 2.0" {
		t.Errorf("info %+v", i)
	}
	if s := doc.Paths.Find("/a").Get.Summary; s != "GET /a, served by Test/Fn" {
		t.Errorf("summary %q", s)
	}
	for _, tc := range []struct {
		info httpapi.OpenAPIInfo
		want string
	}{
		{httpapi.OpenAPIInfo{License: &openapi.License{URL: "https://example.com/l"}}, "httpapi: OpenAPI.License.Name is required"},
		{httpapi.OpenAPIInfo{Contact: &openapi.Contact{}}, "httpapi: OpenAPI.Contact is empty"},
		{httpapi.OpenAPIInfo{Contact: &openapi.Contact{Email: "team"}}, `httpapi: OpenAPI.Contact.Email "team" is not an email address`},
		{httpapi.OpenAPIInfo{Contact: &openapi.Contact{URL: "example.com"}}, `httpapi: OpenAPI.Contact.URL "example.com" is not an absolute http(s) URL`},
	} {
		msg := panicMessage(func() {
			s := newStack()
			httpapi.New(s, "Api", &httpapi.Props{Handler: inlineFunction(s, "Fn", 3*time.Second), Routes: keys("GET /a"), OpenAPI: tc.info})
		})
		if !strings.HasPrefix(msg, tc.want) {
			t.Errorf("%+v: %q, want %q", tc.info, msg, tc.want)
		}
	}
}
