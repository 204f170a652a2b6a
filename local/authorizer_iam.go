// IAM authorization: SigV4 signatures verified against the credentials given to the emulator, and the caller in the event.

package local

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/httpapi-cdk/httpapi/proxyevent"
)

// IAMCredentials are AWS credentials whose signatures an IAM-authorized
// route admits, in [Options].IAMCredentials. The emulator checks that a
// request is signed (SigV4, service execute-api, the API's region) with
// one of them; it evaluates no IAM policy: whoever holds them may call
// every IAM-authorized route (docs/api-gateway-behavior.md R-AUTH-10).
//
// AWS reads the caller's account, ARN and unique id from IAM; the
// emulator knows only the keys, so the rest is given here or synthetic.
type IAMCredentials struct {
	// AccessKeyID and SecretAccessKey are the key pair. Both are required.
	AccessKeyID     string
	SecretAccessKey string
	// SessionToken, for temporary credentials, must then come with each
	// request (X-Amz-Security-Token); without it, a request that sends
	// one is refused.
	SessionToken string
	// AccountID is the caller's account in the event. Default:
	// proxyevent.AccountID, the account of the emulator's ARNs.
	AccountID string
	// UserARN is the caller's ARN in the event. Default:
	// arn:aws:iam::<AccountID>:user/local.
	UserARN string
	// UserID is the caller's unique id (userId and callerId in the event).
	// Default: "AIDA" and 17 characters derived from the access key id,
	// the shape of an IAM user's id.
	UserID string
}

// iamClockSkew is how far a signature's X-Amz-Date may be from the
// gateway's clock, either way (R-AUTH-14).
const iamClockSkew = 5 * time.Minute

// iamMaxExpires is the longest X-Amz-Expires of a presigned request: 7
// days, SigV4's limit.
const iamMaxExpires = 7 * 24 * time.Hour

// The messages API Gateway answers a refused IAM request with (R-AUTH-14).
const (
	iamMissingToken      = "Missing Authentication Token"
	iamInvalidToken      = "The security token included in the request is invalid."
	iamSignatureMismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	iamAmzDateLayout     = "20060102T150405Z"
)

// iamRefusal is why a request to an IAM-authorized route is refused: the
// x-amzn-ErrorType and message the client gets, and the detail the
// developer reads in the emulator's log.
type iamRefusal struct {
	errorType, message, detail string
}

func (r *iamRefusal) response() *response {
	resp := forbidden()
	resp.header.Set("X-Amzn-Errortype", r.errorType)
	resp.body = fmt.Appendf(nil, `{"message":%s}`, strconv.Quote(r.message))
	resp.authErr = r.detail
	return resp
}

func incompleteSignature(message string) *iamRefusal {
	return &iamRefusal{errorType: "IncompleteSignatureException", message: message, detail: message}
}

func signatureMismatch(detail string) *iamRefusal {
	return &iamRefusal{errorType: "InvalidSignatureException", message: iamSignatureMismatch, detail: detail}
}

// checkIAMCredentials refuses credentials that cannot sign: a missing key
// or secret, or an access key given twice.
func checkIAMCredentials(creds []IAMCredentials) error {
	seen := map[string]bool{}
	for i, c := range creds {
		switch {
		case c.AccessKeyID == "" || c.SecretAccessKey == "":
			return fmt.Errorf("Options.IAMCredentials[%d]: an access key id and a secret access key are both required", i)
		case seen[c.AccessKeyID]:
			return fmt.Errorf("Options.IAMCredentials: access key %s is given twice", c.AccessKeyID)
		}
		seen[c.AccessKeyID] = true
	}
	return nil
}

// authorizeIAM checks the request's SigV4 signature and, when it holds,
// puts the caller in the event; otherwise it returns the 403 API Gateway
// answers (docs/api-gateway-behavior.md R-AUTH-14).
func (s *Server) authorizeIAM(q *request) *response {
	c, refusal := verifySigV4(q.r, q.ev.Body, s.opts.IAMCredentials, q.cfg.region, s.clock())
	if refusal != nil {
		return refusal.response()
	}
	q.ev.Authorizer = &proxyevent.Authorizer{IAM: c.caller()}
	return nil
}

// caller is the requestContext.authorizer.iam of a request signed with c
// (R-AUTH-15).
func (c *IAMCredentials) caller() *events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription {
	account := c.AccountID
	if account == "" {
		account = proxyevent.AccountID
	}
	arn := c.UserARN
	if arn == "" {
		arn = "arn:aws:iam::" + account + ":user/local"
	}
	id := c.UserID
	if id == "" {
		sum := sha256.Sum256([]byte(c.AccessKeyID))
		id = "AIDA" + strings.ToUpper(hex.EncodeToString(sum[:]))[:17]
	}
	return &events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription{
		AccessKey: c.AccessKeyID, AccountID: account, CallerID: id, UserARN: arn, UserID: id,
	}
}

// sigV4 is what a request says of its signature, from its Authorization
// header or, presigned, its query.
type sigV4 struct {
	presigned                         bool
	accessKey, date, region, service  string
	signedHeaders, signature, amzDate string
	expires                           time.Duration // presigned: X-Amz-Expires, 0 when absent
	sessionToken                      string
}

// authorizationParams returns the parameters (Credential, SignedHeaders,
// Signature) of an AWS4-HMAC-SHA256 Authorization header, the client's or
// the one the emulator computes to compare with it; false when the header
// is not of that scheme.
func authorizationParams(auth string) (map[string]string, bool) {
	list, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 ")
	if !ok {
		return nil, false
	}
	params := map[string]string{}
	for _, p := range strings.Split(list, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(p), "=")
		params[name] = value
	}
	return params, true
}

// parseSigV4 reads the request's signature; nil and no error when the
// request carries none.
func parseSigV4(r *http.Request, query url.Values) (*sigV4, *iamRefusal) {
	var s sigV4
	var credential string
	switch auth := r.Header.Get("Authorization"); {
	case query.Get("X-Amz-Algorithm") != "":
		if query.Get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" {
			return nil, incompleteSignature("X-Amz-Algorithm must be AWS4-HMAC-SHA256")
		}
		s.presigned = true
		credential, s.signedHeaders, s.signature = query.Get("X-Amz-Credential"), query.Get("X-Amz-SignedHeaders"), query.Get("X-Amz-Signature")
		s.amzDate, s.sessionToken = query.Get("X-Amz-Date"), query.Get("X-Amz-Security-Token")
		if e := query.Get("X-Amz-Expires"); e != "" {
			n, err := strconv.Atoi(e)
			if err != nil || n < 1 || time.Duration(n)*time.Second > iamMaxExpires {
				return nil, incompleteSignature("X-Amz-Expires must be a number of seconds from 1 to 604800")
			}
			s.expires = time.Duration(n) * time.Second
		}
	case auth == "":
		return nil, nil
	default:
		params, ok := authorizationParams(auth)
		if !ok {
			return nil, incompleteSignature("the Authorization header is not an AWS4-HMAC-SHA256 signature")
		}
		credential, s.signedHeaders, s.signature = params["Credential"], params["SignedHeaders"], params["Signature"]
		s.amzDate, s.sessionToken = r.Header.Get("X-Amz-Date"), r.Header.Get("X-Amz-Security-Token")
	}
	var missing []string
	for _, p := range []struct{ name, value string }{{"Credential", credential}, {"SignedHeaders", s.signedHeaders}, {"Signature", s.signature}, {"X-Amz-Date", s.amzDate}} {
		if p.value == "" {
			missing = append(missing, p.name)
		}
	}
	if len(missing) > 0 {
		return nil, incompleteSignature("the signature lacks " + strings.Join(missing, ", "))
	}
	parts := strings.Split(credential, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" {
		return nil, incompleteSignature("the Credential must be <access key>/<date>/<region>/<service>/aws4_request")
	}
	s.accessKey, s.date, s.region, s.service = parts[0], parts[1], parts[2], parts[3]
	return &s, nil
}

// verifySigV4 checks a request's signature against the credentials, as
// API Gateway does for an IAM-authorized route, and returns the
// credentials that signed it. The signature is computed again with the
// AWS SDK's signer, over the request as received: its method, path, query,
// the headers the client signed (SignedHeaders, exactly) and the SHA-256
// of its body, at its X-Amz-Date, for execute-api in the API's region.
func verifySigV4(r *http.Request, body []byte, creds []IAMCredentials, region string, now time.Time) (*IAMCredentials, *iamRefusal) {
	query := r.URL.Query()
	sig, refusal := parseSigV4(r, query)
	if refusal != nil {
		return nil, refusal
	}
	if sig == nil {
		return nil, &iamRefusal{errorType: "MissingAuthenticationTokenException", message: iamMissingToken, detail: "the request is not signed (no Authorization header, no X-Amz-Signature)"}
	}
	signedAt, err := time.Parse(iamAmzDateLayout, sig.amzDate)
	if err != nil {
		return nil, incompleteSignature(fmt.Sprintf("X-Amz-Date %q is not of the form 20060102T150405Z", sig.amzDate))
	}
	switch {
	case sig.service != "execute-api":
		return nil, signatureMismatch(fmt.Sprintf("the credential is scoped to service %q, not execute-api", sig.service))
	case sig.region != region:
		return nil, signatureMismatch(fmt.Sprintf("the credential is scoped to region %q, not the API's, %s", sig.region, region))
	case sig.date != sig.amzDate[:8]:
		return nil, signatureMismatch(fmt.Sprintf("the credential's date %s is not X-Amz-Date's, %s", sig.date, sig.amzDate))
	case !slices.Contains(strings.Split(sig.signedHeaders, ";"), "host"):
		return nil, signatureMismatch("SignedHeaders does not include host")
	}
	if refusal := checkSigningTime(sig, signedAt, now); refusal != nil {
		return nil, refusal
	}
	i := slices.IndexFunc(creds, func(c IAMCredentials) bool { return c.AccessKeyID == sig.accessKey })
	if i < 0 {
		detail := fmt.Sprintf("access key %s is not one the emulator was given", sig.accessKey)
		if len(creds) == 0 {
			detail = "the emulator was given no IAM credentials (-iam-credentials, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; Options.IAMCredentials): every IAM-authorized request is refused"
		}
		return nil, &iamRefusal{errorType: "UnrecognizedClientException", message: iamInvalidToken, detail: detail}
	}
	c := &creds[i]
	if subtle.ConstantTimeCompare([]byte(sig.sessionToken), []byte(c.SessionToken)) != 1 {
		return nil, &iamRefusal{errorType: "UnrecognizedClientException", message: iamInvalidToken, detail: "the session token (X-Amz-Security-Token) is not the one given with access key " + c.AccessKeyID}
	}
	expected, signedHeaders, err := resign(r, body, query, sig, c, signedAt)
	if err != nil {
		return nil, signatureMismatch(err.Error())
	}
	if signedHeaders != sig.signedHeaders {
		return nil, signatureMismatch(fmt.Sprintf("SignedHeaders %q cannot be verified: the SDK's signer signs %q (it never signs user-agent, expect, transfer-encoding, x-amzn-trace-id or authorization, and signs content-length only with a body)", sig.signedHeaders, signedHeaders))
	}
	if subtle.ConstantTimeCompare([]byte(expected), []byte(sig.signature)) != 1 {
		return nil, signatureMismatch("the signature does not match the request (method, path, query, signed headers, body) signed with the secret of access key " + c.AccessKeyID)
	}
	return c, nil
}

// checkSigningTime refuses a signature more than 5 minutes from now, or a
// presigned one past its X-Amz-Expires.
func checkSigningTime(sig *sigV4, signedAt, now time.Time) *iamRefusal {
	f := func(t time.Time) string { return t.UTC().Format(iamAmzDateLayout) }
	if sig.presigned && sig.expires > 0 {
		if now.After(signedAt.Add(sig.expires)) {
			return &iamRefusal{errorType: "InvalidSignatureException", message: "Signature expired: " + f(signedAt.Add(sig.expires)) + " is now earlier than " + f(now),
				detail: fmt.Sprintf("the presigned request expired at %s (X-Amz-Date plus X-Amz-Expires)", f(signedAt.Add(sig.expires)))}
		}
	} else if now.Sub(signedAt) > iamClockSkew {
		m := fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 5 min.)", sig.amzDate, f(now.Add(-iamClockSkew)), f(now))
		return &iamRefusal{errorType: "InvalidSignatureException", message: m, detail: m}
	}
	if signedAt.Sub(now) > iamClockSkew {
		m := fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + 5 min.)", sig.amzDate, f(now.Add(iamClockSkew)), f(now))
		return &iamRefusal{errorType: "InvalidSignatureException", message: m, detail: m}
	}
	return nil
}

// resign signs, with the SDK's signer, a copy of the request made of what
// the client signed, and returns the signature and the headers it signed.
func resign(r *http.Request, body []byte, query url.Values, sig *sigV4, c *IAMCredentials, signedAt time.Time) (signature, signedHeaders string, err error) {
	u := &url.URL{Path: r.URL.Path, RawPath: r.URL.RawPath}
	if sig.presigned {
		query = maps.Clone(query)
		query.Del("X-Amz-Signature")
	}
	u.RawQuery = query.Encode()
	cp, err := http.NewRequestWithContext(context.Background(), r.Method, "/", nil)
	if err != nil {
		return "", "", err
	}
	cp.URL, cp.Host = u, r.Host
	for _, name := range strings.Split(sig.signedHeaders, ";") {
		switch name {
		case "host":
			continue
		case "content-length":
			cp.ContentLength = int64(len(body))
			continue
		}
		values := r.Header.Values(name)
		if len(values) == 0 {
			return "", "", fmt.Errorf("signed header %s is not in the request", name)
		}
		cp.Header[http.CanonicalHeaderKey(name)] = values
	}
	sum := sha256.Sum256(body)
	payload := hex.EncodeToString(sum[:])
	creds := aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey}
	// The session token, when sent, is signed as the client signed it (a
	// header among SignedHeaders, or a query parameter): the signer must
	// not add its own. Headers stay headers, as they came.
	opts := func(o *v4.SignerOptions) { o.DisableSessionToken, o.DisableHeaderHoisting = true, true }
	signer := v4.NewSigner()
	if sig.presigned {
		signed, _, err := signer.PresignHTTP(context.Background(), creds, cp, payload, sig.service, sig.region, signedAt, opts)
		if err != nil {
			return "", "", err
		}
		su, err := url.Parse(signed)
		if err != nil {
			return "", "", err
		}
		return su.Query().Get("X-Amz-Signature"), su.Query().Get("X-Amz-SignedHeaders"), nil
	}
	if err := signer.SignHTTP(context.Background(), creds, cp, payload, sig.service, sig.region, signedAt, opts); err != nil {
		return "", "", err
	}
	params, _ := authorizationParams(cp.Header.Get("Authorization"))
	signature, signedHeaders = params["Signature"], params["SignedHeaders"]
	if signature == "" {
		return "", "", errors.New("the SDK's signer wrote no signature")
	}
	return signature, signedHeaders, nil
}

// iamProblem is the note at start for an API with IAM-authorized routes.
const iamProblem = "IAM-authorized routes check SigV4 signatures against the credentials given to the emulator only (-iam-credentials, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; Options.IAMCredentials), refusing every request without them; no IAM policy is evaluated: those credentials may call every such route"
