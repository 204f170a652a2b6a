// The CloudFormation reader: a cloud assembly's or a template's HTTP APIs as the model.

package local

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/assemblymeta"
	"github.com/httpapi-cdk/httpapi/internal/gopkg"
	"github.com/httpapi-cdk/httpapi/quota"
	"github.com/httpapi-cdk/httpapi/route"
)

// template is the part of a CloudFormation template the emulator reads.
type template struct {
	stack, path string
	region      string              // the stack's region: AWS::Region
	appDir      string              // the CDK app's directory, absolute; "" when unknown
	Parameters  map[string]any      `json:"Parameters"`
	Resources   map[string]resource `json:"Resources"`
	Outputs     map[string]struct {
		Value  any `json:"Value"`
		Export struct {
			Name string `json:"Name"`
		} `json:"Export"`
	} `json:"Outputs"`
}

type resource struct {
	Type       string          `json:"Type"`
	Properties json.RawMessage `json:"Properties"`
	Metadata   map[string]any  `json:"Metadata"`
}

// LoadAssembly reads every stack template of a cloud assembly directory
// (cdk.out), and of the nested assemblies of its CDK Stages, and returns
// their HTTP APIs. A stack is named as the CDK names it: "Api" at the top
// level, "Prod/Api" inside Stage Prod. An API's routes may come from other
// stacks of its assembly, through the export of its id.
func LoadAssembly(dir string) ([]*API, error) {
	var assemblies [][]*template
	if err := readAssembly(dir, "", 0, &assemblies); err != nil {
		return nil, err
	}
	appDir, err := assemblymeta.AppDir(outermostAssembly(dir))
	if err != nil {
		return nil, err
	}
	var apis []*API
	for _, templates := range assemblies {
		for _, t := range templates {
			t.appDir = appDir
		}
		found, err := assemblyAPIs(templates)
		if err != nil {
			return nil, err
		}
		apis = append(apis, found...)
	}
	return apis, nil
}

// maxAssemblyDepth bounds how deep Stages nest, against a manifest that
// names its own directory.
const maxAssemblyDepth = 16

// readAssembly reads the stack templates of the cloud assembly in dir, one
// group per assembly, nested assemblies after their parent. stage is the
// assembly's Stage path ("" at the top), for stacks without a displayName.
func readAssembly(dir, stage string, depth int, assemblies *[][]*template) error {
	if depth > maxAssemblyDepth {
		return fmt.Errorf("%s: cloud assemblies nest more than %d deep", dir, maxAssemblyDepth)
	}
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		if depth == 0 {
			return fmt.Errorf("reading the cloud assembly (run `make synth` first?): %w", err)
		}
		return fmt.Errorf("reading the nested cloud assembly of Stage %s: %w", stage, err)
	}
	var manifest struct {
		Artifacts map[string]struct {
			Type        string `json:"type"`
			Environment string `json:"environment"`
			DisplayName string `json:"displayName"`
			Properties  struct {
				TemplateFile  string `json:"templateFile"`
				DirectoryName string `json:"directoryName"`
				DisplayName   string `json:"displayName"`
			} `json:"properties"`
		} `json:"artifacts"`
	}
	if err := json.Unmarshal(b, &manifest); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(dir, "manifest.json"), err)
	}
	qualified := func(name string) string {
		if stage == "" {
			return name
		}
		return stage + "/" + name
	}
	var templates []*template
	var nested []string
	for _, id := range slices.Sorted(maps.Keys(manifest.Artifacts)) {
		a := manifest.Artifacts[id]
		switch a.Type {
		case "aws:cloudformation:stack":
			name := a.DisplayName
			if name == "" {
				name = qualified(id)
			}
			t, err := readTemplate(filepath.Join(dir, a.Properties.TemplateFile), name, environmentRegion(a.Environment))
			if err != nil {
				return err
			}
			templates = append(templates, t)
		case "cdk:cloud-assembly":
			d := a.Properties.DirectoryName
			if !filepath.IsLocal(d) || filepath.Clean(d) == "." {
				return fmt.Errorf("%s: artifact %s: directoryName %q is not a subdirectory", filepath.Join(dir, "manifest.json"), id, d)
			}
			nested = append(nested, id)
		}
	}
	slices.SortFunc(templates, func(a, b *template) int { return strings.Compare(a.stack, b.stack) })
	*assemblies = append(*assemblies, templates)
	for _, id := range nested {
		a := manifest.Artifacts[id]
		name := a.Properties.DisplayName
		if name == "" {
			name = qualified(strings.TrimPrefix(id, "assembly-"))
		}
		if err := readAssembly(filepath.Join(dir, a.Properties.DirectoryName), name, depth+1, assemblies); err != nil {
			return err
		}
	}
	return nil
}

// assemblyAPIs returns the HTTP APIs of the stacks of one assembly, with
// the routes other stacks of it add through exports.
func assemblyAPIs(templates []*template) ([]*API, error) {
	// Exports: "export name" -> "stack/logical id" of what they Ref.
	exports := map[string]string{}
	for _, t := range templates {
		for _, o := range t.Outputs {
			if o.Export.Name != "" {
				if id := ref(o.Value); id != "" {
					exports[o.Export.Name] = t.stack + "/" + id
				}
			}
		}
	}
	var apis []*API
	for _, t := range templates {
		found, err := t.apis()
		if err != nil {
			return nil, err
		}
		for _, api := range found {
			// Routes other stacks add to this API through its export.
			for _, other := range templates {
				if other == t {
					continue
				}
				other.addRoutes(api, func(v any) bool {
					m, ok := v.(map[string]any)
					name, _ := m["Fn::ImportValue"].(string)
					return ok && exports[name] == api.Stack+"/"+api.LogicalID
				})
			}
		}
		apis = append(apis, found...)
	}
	return apis, nil
}

// LoadTemplate reads one CloudFormation template and returns its HTTP APIs.
func LoadTemplate(path, stack string) ([]*API, error) {
	t, err := readTemplate(path, stack, DefaultRegion)
	if err != nil {
		return nil, err
	}
	t.appDir = templateAppDir(path)
	return t.apis()
}

// ParseTemplate reads the HTTP APIs of one CloudFormation template given
// as JSON, the template of the named stack: one a test synthesizes in
// process, with no cdk.out, as in
//
//	tpl := assertions.Template_FromStack(stack, nil).ToJSON()
//	b, _ := json.Marshal(tpl)
//	apis, err := local.ParseTemplate(b, *stack.StackName())
func ParseTemplate(template []byte, stack string) ([]*API, error) {
	t, err := parseTemplate(template, stack, "stack "+stack, DefaultRegion)
	if err != nil {
		return nil, err
	}
	return t.apis()
}

// templateAppDir returns the directory of the CDK app that synthesized
// the template at path, when the template is in a cloud assembly: the one
// the outermost assembly records (assemblymeta.AppDir), by default the
// directory above it. It returns "" otherwise.
func templateAppDir(path string) string {
	dir := filepath.Dir(path)
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err != nil {
		return ""
	}
	appDir, err := assemblymeta.AppDir(outermostAssembly(dir))
	if err != nil {
		return ""
	}
	return appDir
}

// outermostAssembly returns the outermost cloud assembly that holds the
// assembly in dir (a Stage's assembly is a directory of its parent's):
// dir or the highest of its parents with a manifest.json, absolute.
func outermostAssembly(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	for {
		parent := filepath.Dir(abs)
		if parent == abs {
			return abs
		}
		if _, err := os.Stat(filepath.Join(parent, "manifest.json")); err != nil {
			return abs
		}
		abs = parent
	}
}

// environmentRegion returns the region of a stack environment,
// "aws://ACCOUNT/REGION", or DefaultRegion when it names none.
func environmentRegion(env string) string {
	_, region, _ := strings.Cut(strings.TrimPrefix(env, "aws://"), "/")
	if region == "" || region == "unknown-region" {
		return DefaultRegion
	}
	return region
}

func readTemplate(path, stack, region string) (*template, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseTemplate(b, stack, path, region)
}

// parseTemplate decodes a template; source names it in errors.
func parseTemplate(b []byte, stack, source, region string) (*template, error) {
	t := &template{stack: stack, path: source, region: region}
	if err := json.Unmarshal(b, t); err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return t, nil
}

// apis returns the template's HTTP APIs with their own routes.
func (t *template) apis() ([]*API, error) {
	var ids []string
	for id, r := range t.Resources {
		if r.Type == "AWS::ApiGatewayV2::Api" {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	var apis []*API
	for _, id := range ids {
		api, err := t.api(t.stack, id)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.path, err)
		}
		if api != nil {
			apis = append(apis, api)
		}
	}
	return apis, nil
}

// ref returns the logical id a {"Ref": id} or {"Fn::GetAtt": [id, attr]}
// names, or "".
func ref(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	if r, ok := m["Ref"].(string); ok {
		return r
	}
	if g, ok := m["Fn::GetAtt"].([]any); ok && len(g) == 2 {
		id, _ := g[0].(string)
		return id
	}
	if j, ok := m["Fn::Join"].([]any); ok && len(j) == 2 {
		if parts, ok := j[1].([]any); ok {
			for _, p := range parts {
				if id := ref(p); id != "" && !strings.HasPrefix(id, "AWS::") { // skip pseudo parameters
					return id
				}
			}
		}
	}
	return ""
}

func (t *template) props(id string, v any) error {
	return json.Unmarshal(t.Resources[id].Properties, v)
}

func (t *template) api(stack, id string) (*API, error) {
	var p struct {
		Name              string `json:"Name"`
		ProtocolType      string `json:"ProtocolType"`
		CorsConfiguration *struct {
			AllowOrigins     []any    `json:"AllowOrigins"`
			AllowMethods     []string `json:"AllowMethods"`
			AllowHeaders     []string `json:"AllowHeaders"`
			ExposeHeaders    []string `json:"ExposeHeaders"`
			AllowCredentials bool     `json:"AllowCredentials"`
			MaxAge           *int     `json:"MaxAge"`
		} `json:"CorsConfiguration"`
	}
	if err := t.props(id, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	if p.ProtocolType != "HTTP" {
		return nil, nil // a WebSocket API is not ours to serve
	}
	api := &API{Stack: stack, LogicalID: id, Name: p.Name, Region: t.region, Functions: map[string]*Function{}}
	problem := api.problem
	if c := p.CorsConfiguration; c != nil {
		api.Cors = &Cors{AllowMethods: c.AllowMethods, AllowHeaders: c.AllowHeaders,
			ExposeHeaders: c.ExposeHeaders, AllowCredentials: c.AllowCredentials, MaxAge: -1}
		for _, v := range c.AllowOrigins {
			origin, err := t.resolve(v)
			if err != nil {
				problem(id, "a CORS origin is not allowed, since %v", err)
				continue
			}
			api.Cors.AllowOrigins = append(api.Cors.AllowOrigins, origin)
		}
		if c.MaxAge != nil {
			api.Cors.MaxAge = *c.MaxAge
		}
	}
	t.addRoutes(api, func(v any) bool { return ref(v) == id })

	var resourceIDs []string
	for rid := range t.Resources {
		resourceIDs = append(resourceIDs, rid)
	}
	sort.Strings(resourceIDs)
	for _, rid := range resourceIDs {
		r := t.Resources[rid]
		switch r.Type {
		case "AWS::ApiGatewayV2::Stage":
			var sp struct {
				ApiId             any            `json:"ApiId"`
				StageName         string         `json:"StageName"`
				StageVariables    map[string]any `json:"StageVariables"`
				AutoDeploy        bool           `json:"AutoDeploy"`
				AccessLogSettings *struct {
					Format string `json:"Format"`
				} `json:"AccessLogSettings"`
				DefaultRouteSettings *routeSettings           `json:"DefaultRouteSettings"`
				RouteSettings        map[string]routeSettings `json:"RouteSettings"`
			}
			if err := t.props(rid, &sp); err != nil {
				return nil, fmt.Errorf("%s: %w", rid, err)
			}
			if ref(sp.ApiId) != id {
				continue
			}
			if !sp.AutoDeploy {
				problem(rid, "stage %s deploys manually; the emulator serves the template's routes on it as if deployed", sp.StageName)
			}
			s := Stage{Name: sp.StageName}
			for _, k := range slices.Sorted(maps.Keys(sp.StageVariables)) {
				v, err := t.resolve(sp.StageVariables[k])
				if err != nil {
					problem(rid, "stage variable %s is empty: %v", k, err)
				}
				if s.Variables == nil {
					s.Variables = map[string]string{}
				}
				s.Variables[k] = v
			}
			if sp.AccessLogSettings != nil {
				s.AccessLogFormat = sp.AccessLogSettings.Format
			}
			t.stageThrottles(rid, sp.DefaultRouteSettings, sp.RouteSettings, &s, problem)
			api.Stages = append(api.Stages, s)
		}
	}
	slices.SortStableFunc(api.Stages, func(a, b Stage) int {
		if a.Name == "$default" {
			return -1
		}
		if b.Name == "$default" {
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	if len(api.Stages) == 0 {
		problem(id, "the API has no stage: every request is answered 404, as API Gateway would")
	}
	return api, nil
}

// addRoutes adds to api the routes of this template whose ApiId matches:
// its own routes, or routes another stack adds through an export.
func (t *template) addRoutes(api *API, matches func(apiID any) bool) {
	problem := api.problem
	var ids []string
	for rid, r := range t.Resources {
		if r.Type == "AWS::ApiGatewayV2::Route" {
			ids = append(ids, rid)
		}
	}
	sort.Strings(ids)
	for _, rid := range ids {
		var rp struct {
			ApiId             any      `json:"ApiId"`
			RouteKey          string   `json:"RouteKey"`
			Target            any      `json:"Target"`
			AuthorizationType string   `json:"AuthorizationType"`
			AuthorizerId      any      `json:"AuthorizerId"`
			Scopes            []string `json:"AuthorizationScopes"`
		}
		if err := t.props(rid, &rp); err != nil {
			problem(rid, "%v", err)
			continue
		}
		if !matches(rp.ApiId) {
			continue
		}
		key, err := route.Parse(rp.RouteKey)
		if err != nil {
			problem(rid, "route key %q: %v", rp.RouteKey, err)
			continue
		}
		rt := Route{Key: key, AuthorizationType: rp.AuthorizationType, Scopes: rp.Scopes}
		if rt.AuthorizationType == "" {
			rt.AuthorizationType = "NONE"
		}
		t.integration(ref(rp.Target), &rt, api, problem)
		if rt.AuthorizationType != "NONE" {
			integrationProblem := rt.Unsupported
			rt.Unsupported = ""
			t.authorizer(ref(rp.AuthorizerId), &rt, api, problem)
			rt.Unsupported = strings.Trim(integrationProblem+"; "+rt.Unsupported, "; ")
		}
		if rt.Unsupported != "" {
			problem(rid, "route %s is answered with 500: %s", key, rt.Unsupported)
		}
		api.Routes = append(api.Routes, rt)
	}
}

// problem records what the emulator cannot serve faithfully, once: an
// authorizer shared by several routes is one problem.
func (api *API) problem(res, format string, args ...any) {
	p := Problem{Resource: res, Message: fmt.Sprintf(format, args...)}
	if !slices.Contains(api.Problems, p) {
		api.Problems = append(api.Problems, p)
	}
}

// integration resolves a route's integration and its function.
func (t *template) integration(id string, rt *Route, api *API, problem func(string, string, ...any)) {
	r, ok := t.Resources[id]
	if !ok || r.Type != "AWS::ApiGatewayV2::Integration" {
		rt.Unsupported = "its target is not an integration of this template"
		return
	}
	var ip struct {
		IntegrationType      string `json:"IntegrationType"`
		IntegrationUri       any    `json:"IntegrationUri"`
		PayloadFormatVersion string `json:"PayloadFormatVersion"`
		TimeoutInMillis      int    `json:"TimeoutInMillis"`
	}
	if err := t.props(id, &ip); err != nil {
		rt.Unsupported = err.Error()
		return
	}
	if ip.IntegrationType != "AWS_PROXY" {
		rt.Unsupported = fmt.Sprintf("integration type %s is not emulated (only AWS_PROXY to Lambda)", ip.IntegrationType)
		return
	}
	rt.PayloadFormat = ip.PayloadFormatVersion
	if rt.PayloadFormat != "1.0" && rt.PayloadFormat != "2.0" {
		rt.Unsupported = fmt.Sprintf("%q is not a valid value. PayloadFormatVersion must be \"1.0\" or \"2.0\"", ip.PayloadFormatVersion)
		return
	}
	rt.Timeout = quota.MaxIntegrationTimeout
	if ip.TimeoutInMillis > 0 {
		rt.Timeout = time.Duration(ip.TimeoutInMillis) * time.Millisecond
	}
	fn, why := t.function(ref(ip.IntegrationUri), problem)
	if fn == nil {
		rt.Unsupported = why
		return
	}
	rt.Function = fn.LogicalID
	api.Functions[fn.LogicalID] = fn
}

// function resolves a Lambda function of the template built by gofunction.
func (t *template) function(id string, problem func(string, string, ...any)) (*Function, string) {
	r, ok := t.Resources[id]
	if !ok || r.Type != "AWS::Lambda::Function" {
		return nil, "its integration does not invoke a Lambda function of this template (imported functions are not emulated)"
	}
	pkg, _ := r.Metadata[assemblymeta.GoPackage].(string)
	if pkg == "" {
		return nil, fmt.Sprintf("function %s was not built by gofunction (no httpapi:GoPackage metadata), so the emulator cannot build it", id)
	}
	if err := gopkg.Check(pkg); err != nil {
		return nil, fmt.Sprintf("function %s: httpapi:GoPackage %q is not allowed, so the emulator does not build it: %v", id, pkg, err)
	}
	var fp struct {
		MemorySize  int `json:"MemorySize"`
		Timeout     int `json:"Timeout"`
		Environment struct {
			Variables map[string]any `json:"Variables"`
		} `json:"Environment"`
		LoggingConfig struct {
			ApplicationLogLevel string `json:"ApplicationLogLevel"`
		} `json:"LoggingConfig"`
	}
	if err := t.props(id, &fp); err != nil {
		return nil, err.Error()
	}
	fn := &Function{LogicalID: id, GoPackage: pkg, Environment: map[string]string{}, MemorySize: fp.MemorySize, Timeout: time.Duration(fp.Timeout) * time.Second,
		LogLevel: fp.LoggingConfig.ApplicationLogLevel, Region: t.region}
	fn.ModulePath, _ = r.Metadata[assemblymeta.GoModule].(string)
	if dir, ok := r.Metadata[assemblymeta.GoModuleDir].(string); ok && t.appDir != "" {
		fn.ModuleDir = filepath.Join(t.appDir, filepath.FromSlash(dir))
	}
	if fn.MemorySize == 0 {
		fn.MemorySize = 128
	}
	if fn.Timeout == 0 {
		fn.Timeout = quota.DefaultFunctionTimeout
	}
	for _, k := range slices.Sorted(maps.Keys(fp.Environment.Variables)) {
		s, err := t.resolve(fp.Environment.Variables[k])
		if err != nil {
			problem(id, "environment variable %s is empty: %v", k, err)
		}
		fn.Environment[k] = s
	}
	return fn, ""
}

// jwtConfiguration sets a JWT authorizer's issuer and audience, resolved
// as far as the template allows; what cannot be resolved makes the
// authorizer refuse every request (it fails closed, never open), unless
// it is given for local use (Options.JWTAuthorizers).
func (t *template) jwtConfiguration(a *Authorizer, c *struct {
	Audience []any `json:"Audience"`
	Issuer   any   `json:"Issuer"`
}) {
	if c == nil || c.Issuer == nil || len(c.Audience) == 0 {
		const missing = "the JWT authorizer has no JwtConfiguration with an Issuer and an Audience (CloudFormation requires both)"
		if c == nil || c.Issuer == nil {
			a.issuerUnknown = missing
		}
		if c == nil || len(c.Audience) == 0 {
			a.audienceUnknown = missing
		}
	}
	if c != nil && c.Issuer != nil {
		iss, err := t.resolve(c.Issuer)
		switch {
		case err != nil:
			a.issuerUnknown = "its issuer cannot be known before deployment: " + err.Error()
		case iss == "":
			a.issuerUnknown = "its issuer is empty"
		default:
			a.Issuer = iss
		}
	}
	if c != nil {
		for _, v := range c.Audience {
			aud, err := t.resolve(v)
			if err != nil {
				a.Audience = nil
				a.audienceUnknown = "its audience cannot be known before deployment: " + err.Error()
				break
			}
			a.Audience = append(a.Audience, aud)
		}
	}
	a.Refuse = a.refusal()
}

// authorizer resolves a route's authorizer.
func (t *template) authorizer(id string, rt *Route, api *API, problem func(string, string, ...any)) {
	if rt.AuthorizationType == "AWS_IAM" {
		problem(api.LogicalID, "%s", iamProblem)
		return
	}
	var ap struct {
		Name                           string   `json:"Name"`
		AuthorizerType                 string   `json:"AuthorizerType"`
		IdentitySource                 []string `json:"IdentitySource"`
		AuthorizerUri                  any      `json:"AuthorizerUri"`
		AuthorizerPayloadFormatVersion string   `json:"AuthorizerPayloadFormatVersion"`
		EnableSimpleResponses          bool     `json:"EnableSimpleResponses"`
		AuthorizerResultTtlInSeconds   int      `json:"AuthorizerResultTtlInSeconds"`
		JwtConfiguration               *struct {
			Audience []any `json:"Audience"`
			Issuer   any   `json:"Issuer"`
		} `json:"JwtConfiguration"`
	}
	if _, ok := t.Resources[id]; !ok {
		rt.Unsupported = "its authorizer is not in this template"
		return
	}
	if err := t.props(id, &ap); err != nil {
		rt.Unsupported = err.Error()
		return
	}
	a := &Authorizer{LogicalID: id, Name: ap.Name, Type: ap.AuthorizerType, IdentitySource: ap.IdentitySource}
	switch ap.AuthorizerType {
	case "JWT":
		t.jwtConfiguration(a, ap.JwtConfiguration)
		if a.Refuse != "" {
			problem(id, "every request to its routes is answered 401 unless its issuer and audience are given locally (-jwt-issuer, -jwt-audience; Options.JWTAuthorizers): %s", a.Refuse)
			break
		}
		problem(id, "JWT signatures are verified only against a local key set (-jwks, Options.JWTKeys): the issuer's keys are not fetched; issuer %q, audience %q, expiry and scopes are checked", a.Issuer, a.Audience)
	case "REQUEST":
		fn, why := t.function(ref(ap.AuthorizerUri), problem)
		if fn == nil {
			rt.Unsupported = "Lambda authorizer: " + why
			return
		}
		a.Function, a.PayloadFormat, a.SimpleResponse = fn.LogicalID, ap.AuthorizerPayloadFormatVersion, ap.EnableSimpleResponses
		a.CacheTTL = time.Duration(ap.AuthorizerResultTtlInSeconds) * time.Second
		api.Functions[fn.LogicalID] = fn
	default:
		rt.Unsupported = fmt.Sprintf("authorizer type %q is not emulated", ap.AuthorizerType)
		return
	}
	rt.Authorizer = a
}
