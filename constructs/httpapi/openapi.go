// The OpenAPI document of an API or Routes construct: its operations and servers, written beside the templates.

package httpapi

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/internal/propcheck"
	"github.com/httpapi-cdk/httpapi/openapi"
	"github.com/httpapi-cdk/httpapi/route"
)

// documentInfo is what an API or Routes construct puts in its OpenAPI
// document besides the routes.
type documentInfo struct {
	title, description string
	executeAPI         bool // the execute-api endpoint is on
	info               OpenAPIInfo
}

// OpenAPIInfo is what the API's OpenAPI document says of the API besides
// its routes: the info object's version, contact and licence.
type OpenAPIInfo struct {
	// Version is the version of the API's contract, such as "1.4.0".
	// Default: "unversioned".
	Version string
	// Contact is who answers for the API.
	// Default: none.
	Contact *openapi.Contact
	// License is the API's licence; its Name is required.
	// Default: none.
	License *openapi.License
}

// validate checks what OpenAPI requires of the info object.
func (o OpenAPIInfo) validate() error {
	if l := o.License; l != nil {
		if l.Name == "" {
			return propcheck.Errorf("License.Name", " is required: OpenAPI's license object names its licence, such as \"Apache 2.0\"")
		}
		if err := checkDocumentURL("License.URL", l.URL); err != nil {
			return err
		}
	}
	if c := o.Contact; c != nil {
		if c.Name == "" && c.URL == "" && c.Email == "" {
			return propcheck.Errorf("Contact", " is empty: set its Name, URL or Email, or leave Contact nil")
		}
		if c.Email != "" && !strings.Contains(c.Email, "@") {
			return propcheck.Errorf("Contact.Email", " %q is not an email address", c.Email)
		}
		return checkDocumentURL("Contact.URL", c.URL)
	}
	return nil
}

// checkDocumentURL checks that u, if set, is an absolute http(s) URL, as
// OpenAPI requires of the info object's URLs.
func checkDocumentURL(prop, u string) error {
	if u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return propcheck.Errorf(prop, " %q is not an absolute http(s) URL", u)
	}
	return nil
}

// One document per API: the table of the API construct writes it, with
// the routes of every table of the app that adds routes to the same API
// (Routes constructs, in any stack). A Routes construct writes a document
// only when its API is not defined in the app (an API imported by id from
// elsewhere): that document is then the only place its routes are known,
// and when several Routes of the app add to such an API, the first of them
// writes one document for them all.

// apiTables returns the route tables of t's app that add routes to t's
// API, t among them, in the order they were created.
func (t *routeTable) apiTables() []*routeTable {
	tablesMu.Lock()
	all := slices.Clone(tablesByApp[t.root])
	tablesMu.Unlock()
	var out []*routeTable
	for _, o := range all {
		if o == t || t.sameAPI(o) {
			out = append(out, o)
		}
	}
	return out
}

// documentTable returns the table that writes the document of t's API:
// the API construct's, or, for an API defined outside the app, the first
// table that adds routes to it.
func (t *routeTable) documentTable() *routeTable {
	tables := t.apiTables()
	for _, o := range tables {
		if o.stages != nil {
			return o
		}
	}
	return tables[0]
}

// documentKey names a stack of an app: another App in the same process,
// even one with the same assembly directory and stack, has its own
// documents.
type documentKey struct {
	app   constructs.IConstruct // the root construct
	stack string                // the assembly directory and the stack's artifact id
}

// documentKeyOf returns the key of c's stack.
func documentKeyOf(c constructs.IConstruct) documentKey {
	return documentKey{app: c.Node().Root(), stack: *awscdk.Stage_Of(c).Outdir() + "\x00" + *awscdk.Stack_Of(c).ArtifactId()}
}

// documentOwners returns the paths of the constructs that write a
// document for c's stack, in the order they were created.
func documentOwners(c constructs.IConstruct) []string {
	key := documentKeyOf(c)
	tablesMu.Lock()
	all := slices.Clone(tablesByApp[c.Node().Root()])
	tablesMu.Unlock()
	var out []string
	for _, t := range all {
		if t.doc != nil && t.documentTable() == t && documentKeyOf(t.owner) == key {
			out = append(out, *t.owner.Node().Path())
		}
	}
	return out
}

// DocumentFile returns the name of the OpenAPI document that describes the
// API of c, an [API] or a [Routes], in the cloud assembly: the document
// of the API with every route the app adds to it, whichever stack adds
// it. The document is written by the API's construct, as
// "<stack artifact id>.openapi.json" when the API is the only document of
// its stack, else "<stack artifact id>.<construct path in the stack, dots
// for slashes>.openapi.json", such as "MyStack.Orders.openapi.json". For
// a Routes whose API is defined outside the app, the Routes construct
// writes the document, named the same way after its own stack and path.
// When two constructs' names collide (ids with dots: "Orders.V1" and
// "Orders/V1"), synthesis fails. It panics if c is neither an API nor a
// Routes.
func DocumentFile(c constructs.Construct) string {
	var t *routeTable
	switch c := c.(type) {
	case *api:
		t = c.table
	case *routes:
		t = c.table
	default:
		panic(fmt.Errorf("httpapi: DocumentFile needs an httpapi.API or httpapi.Routes, got %s", *c.Node().Path()))
	}
	owner := t.documentTable().owner
	return documentFile(awscdk.Stack_Of(owner), *owner.Node().Path(), len(documentOwners(owner)))
}

// documentFile returns the document name of the construct at path in
// stack, which has n documents.
func documentFile(stack awscdk.Stack, path string, n int) string {
	if n <= 1 {
		return *stack.ArtifactId() + ".openapi.json"
	}
	rel := strings.TrimPrefix(path, *stack.Node().Path()+"/")
	return *stack.ArtifactId() + "." + strings.ReplaceAll(rel, "/", ".") + ".openapi.json"
}

// documentClash returns the path of another construct of c's stack whose
// document has c's name, or "".
func documentClash(c constructs.IConstruct) string {
	owners := documentOwners(c)
	stack, path := awscdk.Stack_Of(c), *c.Node().Path()
	name := documentFile(stack, path, len(owners))
	for _, p := range owners {
		if p != path && documentFile(stack, p, len(owners)) == name {
			return p
		}
	}
	return ""
}

// sourceKeys returns the route keys of src, in its order, and its
// operations by key.
func sourceKeys(src openapi.Source) ([]route.Key, map[route.Key]openapi.Operation) {
	ops := src.Operations()
	keys := make([]route.Key, len(ops))
	byKey := make(map[route.Key]openapi.Operation, len(ops))
	for i, op := range ops {
		keys[i] = op.Key
		byKey[op.Key] = op
	}
	return keys, byKey
}

// describe records what a handler's route table declares about its routes.
func (t *routeTable) describe(ops map[route.Key]openapi.Operation) {
	if t.ops == nil {
		t.ops = map[route.Key]openapi.Operation{}
	}
	for k, op := range ops {
		t.ops[k] = op
	}
}

// writeDocument writes the table's OpenAPI document into the cloud
// assembly. It runs at synthesis, inside a jsii callback: problems become
// error annotations, not panics.
func (t *routeTable) writeDocument() {
	if t.doc == nil || t.documentTable() != t {
		return // no document, or another table writes the API's
	}
	if other := documentClash(t.owner); other != "" {
		awscdk.Annotations_Of(t.owner).AddError(jsii.String(fmt.Sprintf(
			"httpapi: the OpenAPI documents of %s and %s would both be written to %q (the name reads the construct path with dots for slashes): rename a construct id, such as one with a dot, so that the names differ",
			*t.owner.Node().Path(), other, DocumentFile(t.owner))))
		return
	}
	b, err := json.MarshalIndent(t.document(), "", "  ")
	if err == nil {
		path := filepath.Join(*awscdk.Stage_Of(t.owner).Outdir(), DocumentFile(t.owner))
		err = os.WriteFile(path, append(b, '\n'), 0o644)
	}
	if err != nil {
		awscdk.Annotations_Of(t.owner).AddError(jsii.String(fmt.Sprintf("httpapi: writing the OpenAPI document: %v", err)))
	}
}

// document builds the OpenAPI document of t's API, t being the table
// that writes it: every route of every table of the app that adds routes
// to the API, with its security, the stages as servers, and CORS.
func (t *routeTable) document() *openapi.Document {
	d := openapi.NewDocument(t.doc.title, orDefault(t.doc.info.Version, "unversioned"))
	d.Info.Contact, d.Info.License = t.doc.info.Contact, t.doc.info.License
	d.Info.Description = t.doc.description
	if d.Info.Description != "" {
		d.Info.Description += "\n\n"
	}
	tables := t.apiTables()
	var from []string
	for _, o := range tables {
		from = append(from, *o.owner.Node().Path())
	}
	if len(from) == 1 {
		d.Info.Description += "Synthesized by the httpapi construct " + from[0] + " from the routes it deploys."
	} else {
		d.Info.Description += "Synthesized by the httpapi constructs " + strings.Join(from, ", ") + " from the routes they deploy."
	}
	d.Info.Description += " Server URLs hold variables for what is known only after deployment."
	d.Servers = t.servers()
	d.SetExtension(openapi.RouteSourcesExtension, openapi.RouteSources{Constructs: from, Note: openapi.RouteSourcesNote})
	schemes := securitySchemes{names: map[Authorizer]string{}, stack: awscdk.Stack_Of(t.owner)}
	for _, o := range tables {
		for _, r := range o.routes {
			op, ok := o.ops[r.Key]
			if !ok {
				op = openapi.Operation{Key: r.Key}
			}
			if r.Key.Method == "OPTIONS" && t.cors != nil && op.Summary == "" {
				op.Summary = "An OPTIONS route: a browser's CORS preflight is answered with the API's CORS settings (x-amazon-apigateway-cors)."
			}
			if op.Summary == "" {
				op.Summary = r.Key.String() + ", served by " + *r.Function.Node().Path()
			}
			d.Add(op, schemes.requirement(r.Options))
		}
	}
	if len(schemes.schemes) > 0 {
		if d.Components == nil {
			d.Components = &openapi.Components{}
		}
		d.Components.SecuritySchemes = schemes.schemes
	}
	if t.cors != nil {
		c := t.cors
		methods, headers := c.effective()
		cors := map[string]any{
			"allowOrigins":     c.AllowOrigins,
			"allowMethods":     methods,
			"allowHeaders":     headers,
			"allowCredentials": c.AllowCredentials,
		}
		if len(c.ExposeHeaders) > 0 {
			cors["exposeHeaders"] = c.ExposeHeaders
		}
		if c.MaxAge > 0 {
			cors["maxAge"] = int(c.MaxAge.Seconds())
		}
		d.SetExtension("x-amazon-apigateway-cors", cors)
	}
	return d
}

// documentDomain records a custom domain's stage URLs for the document.
func (t *routeTable) documentDomain(name string, mappings []DomainMapping) {
	for _, m := range mappings {
		srv := openapi.Server{URL: "https://" + name, Description: "Stage " + m.Stage + " on the custom domain " + name}
		if m.Key != "" {
			srv.URL += "/" + m.Key
		}
		t.domainURLs = append(t.domainURLs, srv)
	}
}

// servers returns a server per stage on the execute-api endpoint. The API
// id and region are server variables: CloudFormation knows them at
// deployment, not at synthesis.
func (t *routeTable) servers() []openapi.Server {
	if !t.doc.executeAPI {
		return t.domainURLs
	}
	region := "us-east-1"
	regionDoc := "The API's region."
	if r := *awscdk.Stack_Of(t.owner).Region(); !propcheck.IsToken(r) {
		region = r
	} else {
		regionDoc += " The stack is environment-agnostic: set the region it is deployed to."
	}
	vars := map[string]openapi.ServerVariable{
		"apiId":  {Default: "API_ID", Description: "The HTTP API's id, known after deployment: the stack's Url output holds it, as does `aws apigatewayv2 get-apis`."},
		"region": {Default: region, Description: regionDoc},
	}
	if t.stages == nil { // an imported API (Routes): its stages live elsewhere
		return []openapi.Server{{URL: "https://{apiId}.execute-api.{region}.amazonaws.com", Variables: map[string]openapi.ServerVariable{
			"apiId":  {Default: "API_ID", Description: "The id of the HTTP API these routes are added to."},
			"region": vars["region"],
		}, Description: "The $default stage of the HTTP API these routes are added to; a named stage adds /<stage name>. The stages are defined with the API."}}
	}
	var out []openapi.Server
	for _, st := range t.stages() {
		s := *st.StageName()
		srv := openapi.Server{URL: "https://{apiId}.execute-api.{region}.amazonaws.com", Description: "Stage " + s, Variables: vars}
		if s != "$default" {
			srv.URL += "/" + s
		}
		out = append(out, srv)
	}
	return append(out, t.domainURLs...)
}

// securitySchemes names the authorizers of a document's routes, in the
// order routes use them.
type securitySchemes struct {
	names   map[Authorizer]string
	schemes map[string]*openapi.SecurityScheme
	count   map[string]int
	stack   awscdk.Stack
}

// requirement returns the security requirement of a route with options
// o, adding its scheme; nil for a public route.
func (s *securitySchemes) requirement(o RouteOptions) []openapi.SecurityRequirement {
	a := o.Authorizer
	if _, none := a.(*NoAuthorizer); none || a == nil {
		return nil
	}
	name, ok := s.names[a]
	if !ok {
		var scheme *openapi.SecurityScheme
		name, scheme = s.scheme(a)
		s.names[a] = name
		if s.schemes == nil {
			s.schemes = map[string]*openapi.SecurityScheme{}
		}
		s.schemes[name] = scheme
	}
	scopes := []string{}
	if a.authorizationType() == "JWT" {
		scopes = append(scopes, o.Scopes...)
	}
	return []openapi.SecurityRequirement{{name: scopes}}
}

// scheme describes a, and names it after its kind: "jwt", "cognito",
// "lambda" and "sigv4", numbered from the second of a kind on.
func (s *securitySchemes) scheme(a Authorizer) (string, *openapi.SecurityScheme) {
	var kind string
	var sc *openapi.SecurityScheme
	switch a := a.(type) {
	case *JWTAuthorizer:
		kind = "jwt"
		issuer := known(a.Issuer)
		sc = &openapi.SecurityScheme{Type: "openIdConnect", OpenIDConnectURL: strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration",
			Description: "A JWT from " + issuer + " for audiences " + strings.Join(knownAll(a.Audiences), ", ") + ", sent in " + sourceText(a.IdentitySource, "$request.header.Authorization") + " (\"Bearer <token>\"); API Gateway's JWT authorizer checks it.",
			Extensions: map[string]any{"x-amazon-apigateway-authorizer": map[string]any{
				"type": "jwt", "identitySource": orDefault(a.IdentitySource, "$request.header.Authorization"),
				"jwtConfiguration": map[string]any{"issuer": issuer, "audience": knownAll(a.Audiences)},
			}}}
	case *CognitoAuthorizer:
		kind = "cognito"
		region := "{region}"
		if r := *s.stack.Region(); !propcheck.IsToken(r) {
			region = r
		}
		issuer := "https://cognito-idp." + region + ".amazonaws.com/" + knownOr(*a.UserPool.UserPoolId(), "{userPoolId}")
		sc = &openapi.SecurityScheme{Type: "openIdConnect", OpenIDConnectURL: issuer + "/.well-known/openid-configuration",
			Description: "A JWT from the Cognito user pool " + *a.UserPool.Node().Path() + " (issuer " + issuer + ", filled in after deployment where it shows {braces}), sent in " + sourceText(a.IdentitySource, "$request.header.Authorization") + ".",
			Extensions: map[string]any{"x-amazon-apigateway-authorizer": map[string]any{
				"type": "jwt", "identitySource": orDefault(a.IdentitySource, "$request.header.Authorization"),
				"jwtConfiguration": map[string]any{"issuer": issuer},
			}}}
	case *LambdaAuthorizer:
		kind = "lambda"
		sources := a.IdentitySources
		if len(sources) == 0 {
			sources = []string{"$request.header.Authorization"}
		}
		sc = &openapi.SecurityScheme{Type: "apiKey", In: "header", Name: "Authorization",
			Description: "Checked by the Lambda authorizer " + *a.Function.Node().Path() + " from its identity sources " + strings.Join(sources, ", ") + ".",
			Extensions: map[string]any{"x-amazon-apigateway-authorizer": map[string]any{
				"type": "request", "identitySource": sources, "authorizerPayloadFormatVersion": "2.0",
				"enableSimpleResponses": !a.PolicyResponses, "authorizerResultTtlInSeconds": int(a.CacheTTL.Seconds()),
			}}}
		for _, src := range sources {
			if h, ok := strings.CutPrefix(src, "$request.header."); ok {
				sc.In, sc.Name = "header", h
				break
			}
			if q, ok := strings.CutPrefix(src, "$request.querystring."); ok {
				sc.In, sc.Name = "query", q
				break
			}
		}
	case *IAMAuthorizer:
		kind = "sigv4"
		sc = &openapi.SecurityScheme{Type: "apiKey", In: "header", Name: "Authorization",
			Description: "AWS Signature Version 4 (service execute-api): the caller needs execute-api:Invoke on the route.",
			Extensions:  map[string]any{"x-amazon-apigateway-authtype": "awsSigv4"}}
	default:
		kind = "authorizer"
		sc = &openapi.SecurityScheme{Type: "apiKey", In: "header", Name: "Authorization"}
	}
	if s.count == nil {
		s.count = map[string]int{}
	}
	s.count[kind]++
	if n := s.count[kind]; n > 1 {
		return fmt.Sprintf("%s%d", kind, n), sc
	}
	return kind, sc
}

// known returns s, or a placeholder when it is a CloudFormation token.
func known(s string) string { return knownOr(s, "{resolved at deployment}") }

func knownOr(s, placeholder string) string {
	if propcheck.IsToken(s) {
		return placeholder
	}
	return s
}

func knownAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = known(s)
	}
	return out
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// sourceText describes an identity source for people.
func sourceText(src, def string) string {
	src = orDefault(src, def)
	if h, ok := strings.CutPrefix(src, "$request.header."); ok {
		return "the " + h + " header"
	}
	if q, ok := strings.CutPrefix(src, "$request.querystring."); ok {
		return "the query parameter " + q
	}
	return src
}
