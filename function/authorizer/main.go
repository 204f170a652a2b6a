// Command authorizer is the reference Lambda authorizer (payload 2.0,
// simple responses): it admits requests whose Authorization header is
// "Bearer <token>" for a token whose SHA-256 is listed, in hex, in
// ALLOWED_TOKEN_SHA256 (comma-separated), and passes the caller's tenant on
// as context.
//
// Only hashes are deployed: the template, cdk.out and the function's
// configuration never hold a token. A hash protects a token only if the
// token cannot be guessed, so use random tokens of at least 128 bits (32 hex
// digits), never words. To rotate tokens without a deployment, keep them in
// AWS Secrets Manager and read the secret at cold start instead.
package main

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"log/slog"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// parseHashes returns the SHA-256 hashes of the comma-separated hex list s,
// and the entries that are not one (ignored: they admit no one).
func parseHashes(s string) (hashes [][sha256.Size]byte, bad []string) {
	for _, e := range strings.Split(s, ",") {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		b, err := hex.DecodeString(e)
		if err != nil || len(b) != sha256.Size {
			bad = append(bad, e)
			continue
		}
		hashes = append(hashes, [sha256.Size]byte(b))
	}
	return hashes, bad
}

// decide is the authorizer, separate from main for its test. It compares
// the token's hash with every allowed hash in constant time.
func decide(allowed [][sha256.Size]byte, ev events.APIGatewayV2CustomAuthorizerV2Request) events.APIGatewayV2CustomAuthorizerSimpleResponse {
	var header string
	if len(ev.IdentitySource) > 0 {
		header = ev.IdentitySource[0]
	}
	token, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || token == "" {
		return events.APIGatewayV2CustomAuthorizerSimpleResponse{IsAuthorized: false}
	}
	sum := sha256.Sum256([]byte(token))
	match := 0
	for i := range allowed {
		match |= subtle.ConstantTimeCompare(sum[:], allowed[i][:])
	}
	if match != 1 {
		return events.APIGatewayV2CustomAuthorizerSimpleResponse{IsAuthorized: false}
	}
	return events.APIGatewayV2CustomAuthorizerSimpleResponse{
		IsAuthorized: true,
		Context:      map[string]any{"tenant": "reference", "route": ev.RouteKey},
	}
}

func main() {
	allowed, bad := parseHashes(os.Getenv("ALLOWED_TOKEN_SHA256"))
	if len(bad) > 0 {
		slog.Error("ALLOWED_TOKEN_SHA256: ignoring entries that are not hex SHA-256 hashes", "count", len(bad))
	}
	if len(allowed) == 0 {
		slog.Error("ALLOWED_TOKEN_SHA256 lists no hash: every request is refused")
	}
	lambda.Start(func(_ context.Context, ev events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error) {
		return decide(allowed, ev), nil
	})
}
