package local

import (
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
)

// jwksDoc returns the JWKS document of public keys by kid.
func jwksDoc(keys map[string]*rsa.PublicKey) []byte {
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	for kid, k := range keys {
		set.Keys = append(set.Keys, map[string]string{"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
			"n": base64.RawURLEncoding.EncodeToString(k.N.Bytes()),
			"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.E)).Bytes())})
	}
	b, _ := json.Marshal(set)
	return b
}

// signedJWT returns "Bearer <token>" signed with key by alg (RS*, PS*, or
// HS256 with key's modulus as the secret, for a token API Gateway refuses).
func signedJWT(t *testing.T, alg, kid string, key *rsa.PrivateKey, claims map[string]any) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signing := enc(map[string]string{"alg": alg, "kid": kid, "typ": "JWT"}) + "." + enc(claims)
	var sig []byte
	var err error
	switch alg {
	case "RS256", "PS256":
		d := sha256.Sum256([]byte(signing))
		if alg == "RS256" {
			sig, err = rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, d[:])
		} else {
			sig, err = rsa.SignPSS(rand.Reader, key, crypto.SHA256, d[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		}
	case "RS512":
		h := crypto.SHA512.New()
		h.Write([]byte(signing))
		sig, err = rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA512, h.Sum(nil))
	case "HS256":
		m := hmac.New(sha256.New, key.N.Bytes())
		m.Write([]byte(signing))
		sig = m.Sum(nil)
	case "none":
	default:
		t.Fatalf("signedJWT: algorithm %s", alg)
	}
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// testKeys are two RSA keys the tests sign tokens with, made once (a
// 2048-bit key takes a tenth of a second).
var testKeys = sync.OnceValues(func() (*rsa.PrivateKey, *rsa.PrivateKey) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return key, other
})

// keysAndSet returns testKeys, and a key set that holds the first as kid.
func keysAndSet(t *testing.T, kid string) (key, other *rsa.PrivateKey, ks *KeySet) {
	t.Helper()
	key, other = testKeys()
	ks, err := ParseKeySet(jwksDoc(map[string]*rsa.PublicKey{kid: &key.PublicKey}))
	if err != nil {
		t.Fatal(err)
	}
	return key, other, ks
}

func TestParseKeySet(t *testing.T) {
	key, _ := testKeys()
	good := jwksDoc(map[string]*rsa.PublicKey{"k1": &key.PublicKey})
	ks, err := ParseKeySet(good)
	if err != nil || ks.Len() != 1 || ks.keys["k1"].N.Cmp(key.N) != 0 || ks.keys["k1"].E != key.E {
		t.Fatalf("ParseKeySet(good): %v %+v", err, ks)
	}
	withEC := strings.Replace(string(good), `{"keys":[`, `{"keys":[{"kty":"EC","kid":"ec","crv":"P-256","x":"AA","y":"AA"},`, 1)
	if ks, err := ParseKeySet([]byte(withEC)); err != nil || ks.Len() != 1 {
		t.Errorf("an EC key must be skipped: %v", err)
	}
	for doc, want := range map[string]string{
		`not json`:                "JWKS: invalid character",
		`{"keys":[]}`:             "JWKS: no RSA key",
		`{"keys":[{"kty":"EC"}]}`: "JWKS: no RSA key",
		`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}`:              "JWKS: key 0 has no kid",
		`{"keys":[{"kty":"RSA","kid":"a","n":"***","e":"AQAB"}]}`:     `JWKS: key "a": n and e must be base64url big-endian integers`,
		`{"keys":[{"kty":"RSA","kid":"a","n":"AQAB","e":""}]}`:        `JWKS: key "a": n and e must be base64url big-endian integers`,
		`{"keys":[{"kty":"RSA","kid":"a","n":"AQAB","e":"AQABAQA"}]}`: `JWKS: key "a": n and e must be base64url big-endian integers`,
	} {
		if _, err := ParseKeySet([]byte(doc)); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("ParseKeySet(%s): %v, want an error starting %q", doc, err, want)
		}
	}
}

// TestJWTSignatures runs the production app's JWT route with a key set:
// each token is answered as API Gateway would, and the access log's
// $context.authorizer.error says why a token was refused.
func TestJWTSignatures(t *testing.T) {
	key, other, ks := keysAndSet(t, "k1")
	apis, err := LoadTemplate(productionTemplate, "Production")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{api: apis[0], accessLog: &localtest.Buffer{}, log: &localtest.Buffer{}}
	f.srv, err = New(context.Background(), apis[0], &Options{Log: f.log, AccessLog: f.accessLog, JWTKeys: ks, Unthrottled: true}) // its cases go past POST /echo's burst of 5
	if err != nil {
		t.Fatal(err)
	}
	defer f.srv.Close()
	f.http = httptest.NewServer(f.srv)
	defer f.http.Close()

	now := time.Now()
	claims := func(changes ...any) map[string]any {
		c := map[string]any{"iss": "https://auth.example.com", "aud": "reference-api", "exp": now.Add(time.Hour).Unix(),
			"iat": now.Add(-time.Minute).Unix(), "sub": "u1", "scope": "echo:write"}
		for i := 0; i < len(changes); i += 2 {
			if changes[i+1] == nil {
				delete(c, changes[i].(string))
			} else {
				c[changes[i].(string)] = changes[i+1]
			}
		}
		return c
	}
	good := signedJWT(t, "RS256", "k1", key, claims())
	goodParts := strings.Split(good, ".")
	tampered := goodParts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"https://auth.example.com","aud":"reference-api","scope":"echo:write","sub":"admin"}`)) + "." + goodParts[2]

	for _, tc := range []struct {
		name   string
		auth   string
		status int
		why    string // in $context.authorizer.error
	}{
		{"RS256", good, 200, ""},
		{"PS256", signedJWT(t, "PS256", "k1", key, claims()), 200, ""},
		{"RS512", signedJWT(t, "RS512", "k1", key, claims()), 200, ""},
		{"payload changed after signing", tampered, 401, "the token's signature does not verify"},
		{"signed by another key under the same kid", signedJWT(t, "RS256", "k1", other, claims()), 401, "the token's signature does not verify"},
		{"unknown kid", signedJWT(t, "RS256", "k2", key, claims()), 401, `kid \"k2\" names no key of the key set`},
		{"HMAC", signedJWT(t, "HS256", "k1", key, claims()), 401, `algorithm \"HS256\" is not an RSA algorithm`},
		{"alg none", signedJWT(t, "none", "k1", key, claims()), 401, `algorithm \"none\" is not an RSA algorithm`},
		{"unsigned token", jwt(claims()), 401, `kid \"\" names no key of the key set`},
		{"not yet valid", signedJWT(t, "RS256", "k1", key, claims("nbf", now.Add(time.Hour).Unix())), 401, "the token is not valid yet (nbf)"},
		{"issued in the future", signedJWT(t, "RS256", "k1", key, claims("iat", now.Add(time.Hour).Unix())), 401, "the token was issued in the future (iat)"},
		{"client_id when there is no aud", signedJWT(t, "RS256", "k1", key, claims("aud", nil, "client_id", "reference-api")), 200, ""},
		{"client_id does not stand in for a wrong aud", signedJWT(t, "RS256", "k1", key, claims("aud", "other", "client_id", "reference-api")), 401, "no audience of the token is allowed"},
		{"scp instead of scope", signedJWT(t, "RS256", "k1", key, claims("scope", nil, "scp", []string{"profile", "echo:write"})), 200, ""},
		{"scp without the route's scope", signedJWT(t, "RS256", "k1", key, claims("scope", nil, "scp", []string{"profile"})), 403, "the token has none of the route's scopes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, f, "POST", "/echo", []byte(`{"message":"hi"}`), "Authorization", tc.auth, "Content-Type", "application/json")
			if r.status != tc.status {
				t.Errorf("got %d %s, want %d", r.status, r.body, tc.status)
			}
			id := r.header.Get("Apigw-Requestid")
			log := waitLog(f.accessLog, id)
			var last string // the line of this request
			for _, l := range strings.Split(log, "\n") {
				if strings.Contains(l, id) {
					last = l
				}
			}
			if tc.why != "" && !strings.Contains(last, tc.why) {
				t.Errorf("access log %s does not say %q", last, tc.why)
			}
		})
	}
}
