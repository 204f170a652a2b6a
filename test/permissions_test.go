package test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
	"github.com/httpapi-cdk/httpapi/route"
)

// sourceArnSuffixes returns each permission's SourceArn after the API id.
func sourceArnSuffixes(tpl map[string]any) []string {
	var out []string
	for _, p := range resources(tpl, "AWS::Lambda::Permission") {
		arn := joinText(props(p)["SourceArn"])
		_, after, _ := strings.Cut(arn, "HttpApi")
		_, suffix, _ := strings.Cut(after, "}")
		out = append(out, suffix)
	}
	return out
}

func TestPermissionsPerRoute(t *testing.T) {
	stack := newStack()
	fn := inlineFunction(stack, "Fn", 10*time.Second)
	httpapi.New(stack, "Api", &httpapi.Props{Handler: fn, Routes: keys(
		"GET /", "ANY /items", "GET /items/{id}", "DELETE /items/{id}/tags/{tag}", "ANY /files/{proxy+}", "$default")})
	got := map[string]bool{}
	for _, s := range sourceArnSuffixes(toJSON(stack)) {
		got[s] = true
	}
	for _, want := range []string{"/*/GET/", "/*/*/items", "/*/GET/items/*", "/*/DELETE/items/*/tags/*", "/*/*/files/*", "/*/$default"} {
		if !got[want] {
			t.Errorf("no permission for %q; have %v", want, got)
		}
	}
	if len(got) != 6 {
		t.Errorf("%d permissions, want 6: %v", len(got), got)
	}
	for s := range got {
		if s == "/*/*/*" || s == "/*/*" || s == "/*" {
			t.Errorf("API-wide permission %q without need", s)
		}
	}
	assert(t, func() {
		assertions.Annotations_FromStack(stack).HasNoWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String(".*widened.*")))
	})
}

func TestPermissionsWidenPerPathThenPerAPI(t *testing.T) {
	for _, tc := range []struct {
		name      string
		paths     int
		methods   []string
		wantCount int
		wantArn   string
		wantWarn  string
	}{
		// 30 paths x 3 methods = 90 statements (~43 KB estimated) do not fit; 30 per path do.
		{"per path", 30, []string{"GET", "PUT", "DELETE"}, 30, "/*/*/resource7/*", "widened per path (any method)"},
		// 300 distinct paths do not fit even per path.
		{"per API", 300, []string{"GET"}, 1, "/*/*", "widened to the whole API (any method and path)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stack := newStack()
			fn := inlineFunction(stack, "Fn", 10*time.Second)
			var ks []route.Key
			for i := range tc.paths {
				for _, m := range tc.methods {
					ks = append(ks, route.Key{Method: m, Path: fmt.Sprintf("/resource%d/{id}", i)})
				}
			}
			httpapi.New(stack, "Api", &httpapi.Props{Handler: fn, Routes: ks})
			arns := sourceArnSuffixes(toJSON(stack))
			if len(arns) != tc.wantCount {
				t.Errorf("%d permissions, want %d", len(arns), tc.wantCount)
			}
			found := false
			for _, a := range arns {
				found = found || a == tc.wantArn
			}
			if !found {
				t.Errorf("no permission %q in %q", tc.wantArn, arns[:min(5, len(arns))])
			}
			assert(t, func() {
				assertions.Annotations_FromStack(stack).HasWarning(jsii.String("/Test/Api"),
					assertions.Match_StringLikeRegexp(jsii.String(".*"+regexp.QuoteMeta(tc.wantWarn)+".*")))
			})
		})
	}
}

func TestPermissionsPerFunction(t *testing.T) {
	stack := newStack()
	a := inlineFunction(stack, "A", 10*time.Second)
	b := inlineFunction(stack, "B", 10*time.Second)
	api := httpapi.New(stack, "Api", &httpapi.Props{Handler: a, Routes: keys("GET /a", "POST /a")})
	api.AddRoutes(b, keys("GET /b/{id}"), nil)
	tpl := toJSON(stack)
	if n := len(resources(tpl, "AWS::ApiGatewayV2::Integration")); n != 2 {
		t.Errorf("%d integrations, want one per function (2)", n)
	}
	byFunction := map[string][]string{}
	for _, p := range resources(tpl, "AWS::Lambda::Permission") {
		fn := joinText(props(p)["FunctionName"])
		byFunction[fn] = append(byFunction[fn], joinText(props(p)["SourceArn"]))
	}
	if len(byFunction) != 2 {
		t.Fatalf("permissions for %d functions, want 2: %v", len(byFunction), byFunction)
	}
	for fn, arns := range byFunction {
		want := 2
		if strings.Contains(fn, "B") {
			want = 1
		}
		if len(arns) != want {
			t.Errorf("%s: %d permissions %q, want %d", fn, len(arns), arns, want)
		}
	}
	if got := len(api.Functions()); got != 2 {
		t.Errorf("Functions() = %d, want 2", got)
	}
}
