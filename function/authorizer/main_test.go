package main

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func TestDecide(t *testing.T) {
	allowed, bad := parseHashes(hash("alpha") + ", " + hash("beta"))
	if len(allowed) != 2 || len(bad) != 0 {
		t.Fatalf("parseHashes: %d hashes, bad %q", len(allowed), bad)
	}
	for header, want := range map[string]bool{
		"Bearer alpha": true, "Bearer beta": true, "Bearer gamma": false, "alpha": false, "Bearer ": false, "": false,
		"Bearer " + hash("alpha"): false, // the hash itself is not a token
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
}

func TestParseHashesRefusesWhatIsNotAHash(t *testing.T) {
	allowed, bad := parseHashes("reference-token,abc," + hash("x")[:62] + "zz,," + hash("x"))
	if len(allowed) != 1 {
		t.Errorf("%d hashes, want only the one well-formed hash", len(allowed))
	}
	if want := []string{"reference-token", "abc", hash("x")[:62] + "zz"}; !slices.Equal(bad, want) {
		t.Errorf("bad entries %q, want %q", bad, want)
	}
	// No hash at all: nothing is admitted, not even an empty token.
	none, _ := parseHashes("")
	for _, h := range []string{"Bearer ", "Bearer x", "Bearer " + hash("")} {
		if decide(none, events.APIGatewayV2CustomAuthorizerV2Request{IdentitySource: []string{h}}).IsAuthorized {
			t.Errorf("an empty allowed list admitted %q", h)
		}
	}
}
