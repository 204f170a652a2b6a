package main

import (
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func TestDecide(t *testing.T) {
	allowed := []string{"alpha", "beta"}
	for header, want := range map[string]bool{
		"Bearer alpha": true, "Bearer beta": true, "Bearer gamma": false, "alpha": false, "Bearer ": false, "": false,
	} {
		ev := events.APIGatewayV2CustomAuthorizerV2Request{RouteKey: "GET /cookies"}
		if header != "" {
			ev.IdentitySource = []string{header}
		}
		got := decide(allowed, ev)
		if got.IsAuthorized != want {
			t.Errorf("%q: authorized = %v, want %v", header, got.IsAuthorized, want)
		}
		if want && got.Context["tenant"] != "reference" {
			t.Errorf("%q: context %v", header, got.Context)
		}
	}
	if decide([]string{""}, events.APIGatewayV2CustomAuthorizerV2Request{IdentitySource: []string{"Bearer "}}).IsAuthorized {
		t.Error("an empty allowed list admitted an empty token")
	}
}
