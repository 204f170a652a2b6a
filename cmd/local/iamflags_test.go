package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
	"github.com/httpapi-cdk/httpapi/local"
)

// TestIAMCredentialsFlag serves the fixture with every route of its V2 API
// IAM-authorized, and credentials from -iam-credentials or from the
// environment: a request signed with them reaches the function with the
// caller in its event; an unsigned one gets API Gateway's 403
// (docs/api-gateway-behavior.md R-AUTH-14, R-AUTH-15).
func TestIAMCredentialsFlag(t *testing.T) {
	t.Parallel() // each emulator has a port of its own
	template := fixtureWith(t, "AWS::ApiGatewayV2::Route", func(props map[string]any) { props["AuthorizationType"] = "AWS_IAM" })
	dir := t.TempDir()
	credsFile := filepath.Join(dir, "creds.json")
	localtest.WriteFiles(t, dir, map[string]string{
		"creds.json": `{"Version":1,"AccessKeyId":"AKIAFILEEXAMPLE00001","SecretAccessKey":"file-secret","AccountId":"444455556666"}`,
	})
	for _, tc := range []struct {
		name  string
		flags []string
		env   []string
		creds aws.Credentials
		want  []string // in the event, and on standard error
	}{
		{"flag", []string{"-iam-credentials", credsFile}, nil, aws.Credentials{AccessKeyID: "AKIAFILEEXAMPLE00001", SecretAccessKey: "file-secret"},
			[]string{`"accessKey":"AKIAFILEEXAMPLE00001"`, `"accountId":"444455556666"`, `"userArn":"arn:aws:iam::444455556666:user/local"`}},
		{"environment", nil, []string{"AWS_ACCESS_KEY_ID=AKIAENVEXAMPLE000001", "AWS_SECRET_ACCESS_KEY=env-secret", "AWS_SESSION_TOKEN=env-token"},
			aws.Credentials{AccessKeyID: "AKIAENVEXAMPLE000001", SecretAccessKey: "env-secret", SessionToken: "env-token"},
			[]string{`"accessKey":"AKIAENVEXAMPLE000001"`, `"accountId":"123456789012"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := append([]string{"AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_SESSION_TOKEN="}, tc.env...)
			stderr := startEmulator(t, "", env, append([]string{"-template", template, "-api", "V2", "-port", "0", "-pin=false"}, tc.flags...)...)
			addr := waitOutput(t, stderr, 2*time.Minute, listening)[1]
			if !strings.Contains(stderr.String(), "local: IAM-authorized routes admit requests signed with access key ["+tc.creds.AccessKeyID+"]") {
				t.Errorf("no start-up line naming the access key:\n%s", stderr)
			}
			if status, body := localtest.Get(t, "http://"+addr+"/echo/1"); status != 403 || body != `{"message":"Missing Authentication Token"}` {
				t.Errorf("unsigned: %d %.200s", status, body)
			}
			body := []byte(`{"x":1}`)
			req, err := http.NewRequest("POST", "http://"+addr+"/echo/1?q=1", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			sum := sha256.Sum256(body)
			if err := v4.NewSigner().SignHTTP(context.Background(), tc.creds, req, hex.EncodeToString(sum[:]), "execute-api", "us-east-1", time.Now()); err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("signed: %d %.300s\n%s", resp.StatusCode, got, stderr)
			}
			for _, want := range tc.want {
				if !strings.Contains(string(got), want) {
					t.Errorf("the event lacks %s:\n%.2000s", want, got)
				}
			}
		})
	}
}

// TestIAMCredentialsSources: the file's forms, what is refused, and the
// start-up note of an API with IAM routes and no credentials.
func TestIAMCredentialsSources(t *testing.T) {
	api := &local.API{Routes: []local.Route{{AuthorizationType: "AWS_IAM"}}}
	dir := t.TempDir()
	write := func(doc string) string {
		p := filepath.Join(dir, "c.json")
		if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	noEnv := func(string) string { return "" }
	for _, tc := range []struct {
		name, doc string
		env       map[string]string
		want      []local.IAMCredentials
		err, log  string
	}{
		{name: "a list", doc: `[{"AccessKeyId":"A1","SecretAccessKey":"s1","UserArn":"arn:aws:iam::1:user/u","UserId":"AIDAU"},{"Version":1,"AccessKeyId":"A2","SecretAccessKey":"s2","SessionToken":"t"}]`,
			want: []local.IAMCredentials{{AccessKeyID: "A1", SecretAccessKey: "s1", UserARN: "arn:aws:iam::1:user/u", UserID: "AIDAU"}, {AccessKeyID: "A2", SecretAccessKey: "s2", SessionToken: "t"}},
			log:  "access key [A1 A2]"},
		{name: "no secret", doc: `{"AccessKeyId":"A1"}`, err: "AccessKeyId and SecretAccessKey are both required"},
		{name: "another version", doc: `{"Version":2,"AccessKeyId":"A1","SecretAccessKey":"s"}`, err: "Version 2: want 1"},
		{name: "empty list", doc: `[]`, err: "no credentials"},
		{name: "environment", env: map[string]string{"AWS_ACCESS_KEY_ID": "E1", "AWS_SECRET_ACCESS_KEY": "env-secret-value", "AWS_ACCOUNT_ID": "777788889999"},
			want: []local.IAMCredentials{{AccessKeyID: "E1", SecretAccessKey: "env-secret-value", AccountID: "777788889999"}}, log: "(from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"},
		{name: "half the environment", env: map[string]string{"AWS_ACCESS_KEY_ID": "E1"}, err: "set both, or neither"},
		{name: "nothing", log: "IAM-authorized routes answer 403 to every request: no credentials were given"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := ""
			if tc.doc != "" {
				file = write(tc.doc)
			}
			getenv := noEnv
			if tc.env != nil {
				getenv = func(k string) string { return tc.env[k] }
			}
			var lines []string
			got, err := (&iamFlags{file: &file}).credentials(api, getenv, func(l string) { lines = append(lines, l) })
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("credentials %d: %+v, want %+v", i, got[i], tc.want[i])
				}
			}
			if all := strings.Join(lines, "\n"); !strings.Contains(all, tc.log) || strings.Contains(all, "env-secret-value") {
				t.Errorf("start-up lines %q, want %q and no secret", all, tc.log)
			}
		})
	}
}
