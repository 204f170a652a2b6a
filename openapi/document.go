// The OpenAPI 3.0.3 document: its types, JSON form, and the operations of a route table added to it.

package openapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/httpapi-cdk/httpapi/route"
)

// Version is the OpenAPI version of the documents this package builds.
const Version = "3.0.3"

// RouteKeyExtension names, on each operation, the API Gateway route key it
// documents: "GET /items/{id}", or "ANY /items/{id}" on every method an
// ANY route takes.
const RouteKeyExtension = "x-httpapi-route-key"

// DefaultRouteExtension is the document's description of the $default
// route, which has no OpenAPI path: it takes every request no other route
// matches.
const DefaultRouteExtension = "x-httpapi-default-route"

// RouteSourcesExtension names the document's list of what its routes come
// from, a [RouteSources]: the constructs that add routes to the API.
const RouteSourcesExtension = "x-httpapi-route-sources"

// RouteSourcesNote is the [RouteSources] note: what a document cannot know.
const RouteSourcesNote = "Every route the constructs listed add to this API. Routes added to the API by another CDK app, or outside CDK, are not known at synthesis and are not in this document."

// RouteSources is the value of [RouteSourcesExtension].
type RouteSources struct {
	// Constructs are the construct paths that add the document's routes:
	// the API's, then those of the Routes constructs, in any stack of the app.
	Constructs []string `json:"constructs"`
	// Note says which routes the document cannot hold.
	Note string `json:"note"`
}

// Document is an OpenAPI 3.0.3 document.
type Document struct {
	OpenAPI    string              `json:"openapi"`
	Info       Info                `json:"info"`
	Servers    []Server            `json:"servers,omitempty"`
	Paths      map[string]PathItem `json:"paths"`
	Components *Components         `json:"components,omitempty"`
	Extensions map[string]any      `json:"-"`

	ids map[string]bool // operation ids in use

	// The OpenAPI paths of greedy routes ("/files/{proxy}") and of
	// one-segment routes ("/files/{proxy}" too): where both exist, the
	// greedy route keeps API Gateway's spelling; see pathFor.
	greedyAt, plainAt map[string]bool
}

// Info is the document's Info Object.
type Info struct {
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Version     string   `json:"version"`
	Contact     *Contact `json:"contact,omitempty"`
	License     *License `json:"license,omitempty"`
}

// Contact is an Info Object's Contact Object: who answers for the API.
type Contact struct {
	Name  string `json:"name,omitempty"`
	URL   string `json:"url,omitempty"`
	Email string `json:"email,omitempty"`
}

// License is an Info Object's License Object: the API's licence, its
// name required.
type License struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// Server is a Server Object: a base URL, with variables for what is only
// known after deployment.
type Server struct {
	URL         string                    `json:"url"`
	Description string                    `json:"description,omitempty"`
	Variables   map[string]ServerVariable `json:"variables,omitempty"`
}

// ServerVariable is a Server Variable Object.
type ServerVariable struct {
	Default     string `json:"default"`
	Description string `json:"description,omitempty"`
}

// PathItem maps lower-case HTTP methods to operations.
type PathItem map[string]*OperationObject

// OperationObject is an OpenAPI Operation Object.
type OperationObject struct {
	OperationID string                `json:"operationId,omitempty"`
	Summary     string                `json:"summary,omitempty"`
	Description string                `json:"description,omitempty"`
	Parameters  []ParameterObject     `json:"parameters,omitempty"`
	RequestBody *RequestBody          `json:"requestBody,omitempty"`
	Responses   map[string]Response   `json:"responses"`
	Security    []SecurityRequirement `json:"security"`
	Extensions  map[string]any        `json:"-"`
}

// ParameterObject is an OpenAPI Parameter Object.
type ParameterObject struct {
	Name        string         `json:"name"`
	In          string         `json:"in"`
	Description string         `json:"description,omitempty"`
	Required    bool           `json:"required,omitempty"`
	Schema      *Schema        `json:"schema"`
	Extensions  map[string]any `json:"-"`
}

// RequestBody is an OpenAPI Request Body Object.
type RequestBody struct {
	Required bool                 `json:"required,omitempty"`
	Content  map[string]MediaType `json:"content"`
}

// MediaType is an OpenAPI Media Type Object.
type MediaType struct {
	Schema *Schema `json:"schema,omitempty"`
}

// Response is an OpenAPI Response Object, or a reference to one of the
// document's components.
type Response struct {
	// Ref refers to a response of the document's components, such as
	// "#/components/responses/Unauthorized"; a Response with Ref has no
	// other field.
	Ref         string               `json:"$ref,omitempty"`
	Description string               `json:"description,omitempty"`
	Content     map[string]MediaType `json:"content,omitempty"`
}

// SecurityRequirement maps security scheme names to the scopes a route
// requires (empty for schemes without scopes).
type SecurityRequirement map[string][]string

// Components hold the document's shared schemas, error answers and
// security schemes.
type Components struct {
	Schemas         map[string]*Schema         `json:"schemas,omitempty"`
	Responses       map[string]Response        `json:"responses,omitempty"`
	SecuritySchemes map[string]*SecurityScheme `json:"securitySchemes,omitempty"`
}

// ErrorSchemaName is the name of [ErrorSchema] in a document's
// components: error answers refer to "#/components/schemas/Error".
const ErrorSchemaName = "Error"

// SecurityScheme is an OpenAPI Security Scheme Object.
type SecurityScheme struct {
	Type             string         `json:"type"`
	Description      string         `json:"description,omitempty"`
	Name             string         `json:"name,omitempty"`
	In               string         `json:"in,omitempty"`
	OpenIDConnectURL string         `json:"openIdConnectUrl,omitempty"`
	Extensions       map[string]any `json:"-"`
}

// MarshalJSON writes d with its extensions.
func (d *Document) MarshalJSON() ([]byte, error) {
	type plain Document
	return withExtensions((*plain)(d), d.Extensions)
}

// MarshalJSON writes o with its extensions.
func (o *OperationObject) MarshalJSON() ([]byte, error) {
	type plain OperationObject
	return withExtensions((*plain)(o), o.Extensions)
}

// MarshalJSON writes p with its extensions.
func (p ParameterObject) MarshalJSON() ([]byte, error) {
	type plain ParameterObject
	return withExtensions(plain(p), p.Extensions)
}

// MarshalJSON writes s with its extensions.
func (s *SecurityScheme) MarshalJSON() ([]byte, error) {
	type plain SecurityScheme
	return withExtensions((*plain)(s), s.Extensions)
}

// withExtensions marshals v, an object, with the members of ext added
// after its fields, in the order of their names.
func withExtensions(v any, ext map[string]any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(ext) == 0 {
		return b, err
	}
	names := make([]string, 0, len(ext))
	for k := range ext {
		names = append(names, k)
	}
	slices.Sort(names)
	out := bytes.TrimSuffix(b, []byte("}"))
	for i, k := range names {
		raw, err := json.Marshal(ext[k])
		if err != nil {
			return nil, err
		}
		if i > 0 || len(out) > 1 {
			out = append(out, ',')
		}
		key, _ := json.Marshal(k)
		out = append(append(append(out, key...), ':'), raw...)
	}
	return append(out, '}'), nil
}

// SetExtension sets the document-level extension name (an "x-" name) to v.
func (d *Document) SetExtension(name string, v any) {
	if d.Extensions == nil {
		d.Extensions = map[string]any{}
	}
	d.Extensions[name] = v
}

// NewDocument returns a document with the given title and version and no paths.
func NewDocument(title, version string) *Document {
	return &Document{OpenAPI: Version, Info: Info{Title: title, Version: version}, Paths: map[string]PathItem{}}
}

// AddSource documents every operation of src, each public: what a route
// table says of itself, without what a deployment adds (authorizers,
// servers, CORS), which the httpapi construct's documents hold.
func (d *Document) AddSource(src Source) {
	for _, op := range src.Operations() {
		d.Add(op, nil)
	}
}

// Add documents op with the given security requirements (nil: public).
// An ANY route becomes one operation per method API Gateway routes,
// unless a route for that method and path is added too (before or after):
// the specific route wins, as in API Gateway. The $default route has no
// path: it is described under [DefaultRouteExtension].
func (d *Document) Add(op Operation, security []SecurityRequirement) {
	if op.Key.IsDefault() {
		o := d.operation(op, security, http.MethodGet)
		d.SetExtension(DefaultRouteExtension, map[string]any{
			"description": "The $default route: API Gateway sends it every request that no route below matches, whatever its method and path.",
			"security":    o.Security,
			"responses":   o.Responses,
		})
		return
	}
	path := d.pathFor(op.Key)
	item := d.Paths[path]
	if item == nil {
		item = PathItem{}
		d.Paths[path] = item
	}
	respelled := path != Path(op.Key)
	add := func(method string) {
		o := d.operation(op, security, method)
		if respelled {
			spellGreedy(o)
		}
		item[strings.ToLower(method)] = o
	}
	if op.Key.Method != "ANY" {
		add(op.Key.Method)
		return
	}
	for _, m := range route.HTTPMethods() {
		if prev, ok := item[strings.ToLower(m)]; ok && prev.Extensions[RouteKeyExtension] != op.Key.String() {
			continue // a route for this very method
		}
		add(m)
	}
}

// pathFor returns the OpenAPI path under which the route k is documented:
// [Path]'s, unless a greedy and a one-segment route of the document share
// it ("GET /files/{proxy+}" and "GET /files/{proxy}", which API Gateway
// tells apart): then the greedy route keeps API Gateway's spelling
// ("/files/{proxy+}", its parameter named "proxy+"), so that neither
// route's operations replace the other's. Such a document describes every
// route, at the price of a path some tools refuse.
func (d *Document) pathFor(k route.Key) string {
	if d.greedyAt == nil {
		d.greedyAt, d.plainAt = map[string]bool{}, map[string]bool{}
	}
	friendly := Path(k)
	if friendly == k.Path { // no greedy variable
		if d.greedyAt[friendly] {
			d.respell(friendly)
		}
		d.plainAt[friendly] = true
		return friendly
	}
	if d.plainAt[friendly] {
		return k.Path
	}
	d.greedyAt[friendly] = true
	return friendly
}

// respell moves the greedy routes documented under the OpenAPI path
// friendly to API Gateway's spelling of their path.
func (d *Document) respell(friendly string) {
	item := d.Paths[friendly]
	delete(d.Paths, friendly)
	delete(d.greedyAt, friendly)
	for m, o := range item {
		key, _ := o.Extensions[RouteKeyExtension].(string) // every operation of the document carries it
		k, err := route.Parse(key)
		if err != nil {
			continue
		}
		spellGreedy(o)
		if d.Paths[k.Path] == nil {
			d.Paths[k.Path] = PathItem{}
		}
		d.Paths[k.Path][m] = o
	}
}

// spellGreedy renames o's greedy path parameters as API Gateway spells
// them, "proxy+".
func spellGreedy(o *OperationObject) {
	for i, p := range o.Parameters {
		if p.In == "path" && p.Extensions[GreedyExtension] == true && !strings.HasSuffix(p.Name, "+") {
			o.Parameters[i].Name = p.Name + "+"
		}
	}
}

// operation builds the Operation Object of op for one method.
func (d *Document) operation(op Operation, security []SecurityRequirement, method string) *OperationObject {
	o := &OperationObject{
		OperationID: d.operationID(method, op.Key),
		Summary:     op.Summary,
		Security:    security,
		Responses:   map[string]Response{},
		Extensions:  map[string]any{RouteKeyExtension: op.Key.String()},
	}
	if op.Key.Method == "ANY" {
		o.Description = "Served by the route " + op.Key.String() + ", which takes every method."
	}
	if security == nil {
		o.Security = []SecurityRequirement{} // public: overrides any document default
	}
	vars := map[string]pathVariable{}
	for _, v := range pathVariables(op.Key) {
		vars[v.name] = v
	}
	declared := map[string]bool{}
	for _, p := range op.Parameters {
		declared[p.In+" "+p.Name] = true
		po := ParameterObject{Name: p.Name, In: p.In, Required: p.Required || p.In == "path", Schema: p.Schema}
		if v, ok := vars[p.Name]; ok && p.In == "path" {
			v.describe(&po)
		}
		o.Parameters = append(o.Parameters, po)
	}
	for _, v := range pathVariables(op.Key) {
		if !declared["path "+v.name] {
			po := ParameterObject{Name: v.name, In: "path", Required: true, Schema: &Schema{Type: "string"}}
			v.describe(&po)
			o.Parameters = append(o.Parameters, po)
		}
	}
	if op.RequestBody != nil {
		o.RequestBody = &RequestBody{Required: true, Content: map[string]MediaType{"application/json": {Schema: op.RequestBody}}}
	}
	if op.Status == 0 {
		o.Responses["default"] = Response{Description: "The handler's answer: this route declares no typed response."}
	} else {
		ok := Response{Description: http.StatusText(op.Status)}
		if op.Response != nil {
			ok.Content = map[string]MediaType{"application/json": {Schema: op.Response}}
		}
		o.Responses[strconv.Itoa(op.Status)] = ok
	}
	if op.Validated {
		if op.RequestBody != nil || len(op.Parameters) > 0 {
			o.Responses["400"] = d.errorAnswer(http.StatusBadRequest)
			o.Responses["422"] = d.errorAnswer(http.StatusUnprocessableEntity)
		}
		if op.RequestBody != nil {
			o.Responses["415"] = d.errorAnswer(http.StatusUnsupportedMediaType)
		}
		o.Responses["default"] = Response{Description: "Another error: from the handler, or from API Gateway (throttling 429, payload size 413).", Content: d.errorContent()}
	}
	if security != nil {
		o.Responses["401"] = d.errorAnswer(http.StatusUnauthorized)
		o.Responses["403"] = d.errorAnswer(http.StatusForbidden)
	}
	o.Responses["500"] = d.errorAnswer(http.StatusInternalServerError)
	return o
}

// errorAnswers describe the error answers operations refer to, by status.
var errorAnswers = map[int]string{
	http.StatusBadRequest:           "The request body is not JSON of the right types, or a parameter does not parse; field names the value.",
	http.StatusUnauthorized:         "API Gateway: the request carries no credentials, or the authorizer cannot read them.",
	http.StatusForbidden:            "API Gateway: the authorizer denies the request (an invalid or expired token, a missing scope, no permission).",
	http.StatusUnsupportedMediaType: "The request's Content-Type is not JSON (application/json or a +json type); a request without one is read as JSON.",
	http.StatusUnprocessableEntity:  "A request value breaks a constraint of the schema; field names it.",
	http.StatusInternalServerError:  "The handler failed (an error, a panic, a timeout): a generic message, the details in the function's log.",
}

// errorAnswer returns a reference to the error answer of status, a key
// of errorAnswers, in the document's components (named after the status
// text without spaces, "UnsupportedMediaType"), adding it there.
func (d *Document) errorAnswer(status int) Response {
	name := strings.ReplaceAll(http.StatusText(status), " ", "")
	content := d.errorContent()
	if d.Components.Responses == nil {
		d.Components.Responses = map[string]Response{}
	}
	d.Components.Responses[name] = Response{Description: errorAnswers[status], Content: content}
	return Response{Ref: "#/components/responses/" + name}
}

// errorContent returns the content of an error answer, a JSON body of
// [ErrorSchema], adding the schema to the document's components.
func (d *Document) errorContent() map[string]MediaType {
	if d.Components == nil {
		d.Components = &Components{}
	}
	if d.Components.Schemas == nil {
		d.Components.Schemas = map[string]*Schema{}
	}
	d.Components.Schemas[ErrorSchemaName] = ErrorSchema()
	return map[string]MediaType{"application/json": {Schema: &Schema{Ref: "#/components/schemas/" + ErrorSchemaName}}}
}

// GreedyExtension marks, with the value true, a path parameter that API
// Gateway matches greedily: the route "GET /files/{proxy+}" is documented
// as the path "/files/{proxy}" whose parameter "proxy" has
// "x-httpapi-greedy": true, and takes the rest of the path, slashes
// included. OpenAPI has no greedy variable; [APIGatewaySpelling] turns
// the document back into API Gateway's "{proxy+}" for import.
const GreedyExtension = "x-httpapi-greedy"

// SegmentPattern is the pattern of a non-greedy path parameter's string
// schema: one path segment, without "/". API Gateway does not decode an
// encoded slash before matching, so a value sent as "a%2Fb" does not
// match the route (404).
const SegmentPattern = "^[^/]+$"

// Path returns the OpenAPI path template of a route key: its path, with
// a greedy variable "{proxy+}" written "{proxy}" (see [GreedyExtension]).
func Path(k route.Key) string {
	return strings.ReplaceAll(k.Path, "+}", "}")
}

type pathVariable struct {
	name   string
	greedy bool
}

// pathVariables returns the path template variables of k, a greedy one
// without its "+".
func pathVariables(k route.Key) []pathVariable {
	var out []pathVariable
	for _, seg := range strings.Split(k.Path, "/") {
		if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
			name := seg[1 : len(seg)-1]
			v := pathVariable{name: strings.TrimSuffix(name, "+"), greedy: strings.HasSuffix(name, "+")}
			out = append(out, v)
		}
	}
	return out
}

// describe says in po, the parameter of v, what values it takes: the
// rest of the path for a greedy variable, one segment for another (a
// string schema gets [SegmentPattern]; the schema is copied, not changed).
func (v pathVariable) describe(po *ParameterObject) {
	if v.greedy {
		po.Description = "Greedy: the rest of the path, one or more segments, slashes included (API Gateway's {" + v.name + "+}; " + GreedyExtension + "); the handler sees it as the path parameter " + strconv.Quote(v.name) + "."
		po.Extensions = map[string]any{GreedyExtension: true}
		return
	}
	if po.Description == "" {
		po.Description = "One path segment: it cannot contain \"/\", even encoded as %2F (API Gateway answers 404)."
	}
	if po.Schema != nil && po.Schema.Type == "string" && po.Schema.Pattern == "" {
		sc := *po.Schema
		sc.Pattern = SegmentPattern
		po.Schema = &sc
	}
}

// operationID returns a unique, stable id for a method and route key,
// such as "getHelloName" for GET /hello/{name}; a clash gets a number.
func (d *Document) operationID(method string, k route.Key) string {
	if d.ids == nil {
		d.ids = map[string]bool{}
	}
	id := baseOperationID(method, k)
	for n := 2; d.ids[id]; n++ {
		id = baseOperationID(method, k) + strconv.Itoa(n)
	}
	d.ids[id] = true
	return id
}

func baseOperationID(method string, k route.Key) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range strings.Split(k.Path, "/") {
		word := true
		for _, r := range seg {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				if word && r >= 'a' && r <= 'z' {
					r -= 'a' - 'A'
				}
				b.WriteRune(r)
				word = false
			} else {
				word = true
			}
		}
	}
	if k.Method == "ANY" {
		b.WriteString("Any")
	}
	return b.String()
}
