// Command echofn is the emulator tests' function. By default it answers
// with its event as the JSON body; paths under /fault/ misbehave on
// purpose, and POST /raw returns its request body verbatim as the Lambda
// result, so tests can check how the gateway maps any result. Results are
// streamed to the Runtime API, so that /fault/stream can fail mid-response.
package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
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
	case strings.HasSuffix(path, "/fault/chatty"):
		// 1 MiB on standard error, far more than a pipe holds, before
		// answering as usual.
		line := []byte(strings.Repeat("chatter ", 127) + "\n")
		for range 1024 {
			os.Stderr.Write(line)
		}
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

// brokenStream is a result that fails after its first bytes: aws-lambda-go
// then reports the error in the trailers of its response to the Runtime
// API.
type brokenStream struct{ sent bool }

func (b *brokenStream) Read(p []byte) (int, error) {
	if !b.sent {
		b.sent = true
		return copy(p, `{"statusCode":200,"body":"par`), nil
	}
	return 0, errors.New("echofn: the stream broke")
}

func main() {
	lambda.Start(func(ctx context.Context, payload json.RawMessage) (io.Reader, error) {
		if bytes.Contains(payload, []byte(`/fault/stream"`)) {
			return &brokenStream{}, nil
		}
		out, err := echo{}.Invoke(ctx, payload)
		if err != nil {
			return nil, err
		}
		return bytes.NewReader(out), nil
	})
}
