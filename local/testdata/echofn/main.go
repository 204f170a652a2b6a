// Command echofn is the emulator tests' function. By default it answers
// with its event as the JSON body; paths under /fault/ misbehave on
// purpose, and POST /raw returns its request body verbatim as the Lambda
// result, so tests can check how the gateway maps any result.
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

type echo struct{}

func (echo) Invoke(_ context.Context, payload []byte) ([]byte, error) {
	var ev struct {
		RawPath         string `json:"rawPath"`
		Path            string `json:"path"`
		Body            string `json:"body"`
		IsBase64Encoded bool   `json:"isBase64Encoded"`
	}
	json.Unmarshal(payload, &ev)
	path := ev.RawPath
	if path == "" {
		path = ev.Path
	}
	switch {
	case strings.HasSuffix(path, "/fault/panic"):
		panic("echofn: asked to panic")
	case strings.HasSuffix(path, "/fault/error"):
		return nil, errors.New("echofn: asked to fail")
	case strings.HasSuffix(path, "/fault/exit"):
		os.Exit(3)
	case strings.HasSuffix(path, "/fault/hang"):
		time.Sleep(time.Hour)
	case strings.HasSuffix(path, "/fault/slow"):
		time.Sleep(time.Second)
	case strings.HasSuffix(path, "/fault/malformed"):
		return []byte("this is not JSON {"), nil
	case strings.HasSuffix(path, "/fault/big"):
		return json.Marshal(map[string]any{"statusCode": 200, "body": strings.Repeat("x", 7*1024*1024)})
	case strings.HasSuffix(path, "/raw"):
		if ev.IsBase64Encoded {
			return base64.StdEncoding.DecodeString(ev.Body)
		}
		return []byte(ev.Body), nil
	}
	return json.Marshal(map[string]any{
		"statusCode": 200,
		"headers":    map[string]string{"content-type": "application/json"},
		"body":       string(payload),
	})
}

func main() { lambda.Start(echo{}) }
