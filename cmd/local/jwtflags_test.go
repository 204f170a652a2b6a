package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// -jwt-issuer, -jwt-audience and -jwt-jwks, NAME=VALUE each, make
// local.Options.JWTAuthorizers by authorizer name: one issuer and one key
// set per authorizer, audiences repeated.
func TestJWTAuthorizerFlags(t *testing.T) {
	dir := t.TempDir()
	jwks := filepath.Join(dir, "keys.json")
	doc := `{"keys":[{"kty":"RSA","kid":"k1","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw","e":"AQAB"}]}`
	if err := os.WriteFile(jwks, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("local", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	issuers, audiences, keys := &namedValues{once: true}, &namedValues{}, &namedValues{once: true}
	fs.Var(issuers, "jwt-issuer", "")
	fs.Var(audiences, "jwt-audience", "")
	fs.Var(keys, "jwt-jwks", "")
	if err := fs.Parse([]string{"-jwt-issuer", "Auth=https://issuer.local/pool", "-jwt-audience", "Auth=web", "-jwt-audience", "Auth=cli",
		"-jwt-jwks", "Auth=" + jwks, "-jwt-audience", "Other=x=y"}); err != nil {
		t.Fatal(err)
	}
	given, lines, err := jwtAuthorizers(issuers, audiences, keys)
	if err != nil {
		t.Fatal(err)
	}
	a := given["Auth"]
	if a.Issuer != "https://issuer.local/pool" || !slices.Equal(a.Audience, []string{"web", "cli"}) || a.Keys == nil || a.Keys.Len() != 1 {
		t.Errorf("Auth: %+v", a)
	}
	if o := given["Other"]; len(given) != 2 || o.Issuer != "" || !slices.Equal(o.Audience, []string{"x=y"}) || o.Keys != nil {
		t.Errorf("given: %+v", given)
	}
	want := `JWT authorizer Auth, for local use: issuer "https://issuer.local/pool", audience ["web" "cli"], signatures verified against the 1 RSA key(s) of ` + jwks
	if len(lines) != 2 || lines[0] != want {
		t.Errorf("lines %q, want first %q", lines, want)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-jwt-issuer", "Auth"}, `"Auth": want AUTHORIZER=VALUE`},
		{[]string{"-jwt-issuer", "=https://x"}, `want AUTHORIZER=VALUE`},
		{[]string{"-jwt-issuer", "Auth=https://a", "-jwt-issuer", "Auth=https://b"}, "Auth is given twice"},
		{[]string{"-jwt-jwks", "Auth=a.json", "-jwt-jwks", "Auth=b.json"}, "Auth is given twice"},
	} {
		fs := flag.NewFlagSet("local", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.Var(&namedValues{once: true}, "jwt-issuer", "")
		fs.Var(&namedValues{once: true}, "jwt-jwks", "")
		if err := fs.Parse(tc.args); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want an error saying %s", tc.args, err, tc.want)
		}
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"keys":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := jwtAuthorizers(&namedValues{}, &namedValues{}, &namedValues{values: map[string][]string{"Auth": {bad}}}); err == nil || !strings.Contains(err.Error(), "-jwt-jwks Auth="+bad+": JWKS: no RSA key") {
		t.Errorf("bad key set: %v", err)
	}
}
