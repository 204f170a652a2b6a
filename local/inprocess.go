// Functions run in this process: lambda.Handlers given in Options.Handlers, invoked as the Lambda runtime would.

package local

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/httpapi-cdk/httpapi/proxyevent"
	"github.com/httpapi-cdk/httpapi/quota"
)

// invoker runs a function's invocations: a pool of processes, or a handler
// in this process. invoke waits for the result until deadline (the
// integration timeout), reporting false if it passed first.
type invoker interface {
	invoke(payload []byte, deadline time.Time) (result, bool)
}

// inProcess runs a function's invocations on a lambda.Handler of this
// process, each in its own goroutine.
type inProcess struct {
	fn      *Function
	handler lambda.Handler
}

// inProcessHandlers matches Options.Handlers to the API's functions, by
// logical id or else Go package. Every function needs a handler, and every
// handler a function.
func inProcessHandlers(api *API, handlers map[string]lambda.Handler) (map[string]invoker, error) {
	out := make(map[string]invoker, len(api.Functions))
	used := map[string]bool{}
	var missing []string
	for id, fn := range api.Functions {
		key := id
		h, ok := handlers[key]
		if !ok {
			key = fn.GoPackage
			h, ok = handlers[key]
		}
		if !ok || h == nil {
			missing = append(missing, fmt.Sprintf("%s (package %s)", id, fn.GoPackage))
			continue
		}
		used[key] = true
		out[id] = &inProcess{fn: fn, handler: h}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		return nil, fmt.Errorf("Options.Handlers has no handler for function %s: key one by its logical id or Go package", strings.Join(missing, ", "))
	}
	var unknown []string
	for key := range handlers {
		if !used[key] {
			unknown = append(unknown, fmt.Sprintf("%q", key))
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		var known []string
		for id, fn := range api.Functions {
			known = append(known, id+" ("+fn.GoPackage+")")
		}
		slices.Sort(known)
		return nil, fmt.Errorf("Options.Handlers: %s is neither the logical id nor the Go package of a function of %s; its functions: %s",
			strings.Join(unknown, ", "), api.LogicalID, strings.Join(known, ", "))
	}
	return out, nil
}

// invoke runs the handler with the function's timeout, as the Lambda
// runtime does: a panic or an error is the function's error, a result over
// 6 MB fails the invocation. A handler that ignores its context's deadline
// goes on running after the timeout: a goroutine cannot be killed.
func (h *inProcess) invoke(payload []byte, deadline time.Time) (result, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), h.fn.Timeout)
	defer cancel()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: newUUID(), InvokedFunctionArn: functionARN(h.fn)})
	done := make(chan result, 1)
	go func() { done <- h.run(ctx, payload) }()
	integration := time.NewTimer(time.Until(deadline))
	defer integration.Stop()
	select {
	case r := <-done:
		return r, true
	case <-ctx.Done():
		return result{outcome: outcomeFunctionTimeout, detail: timeoutDetail(h.fn)}, true
	case <-integration.C:
		return result{}, false
	}
}

func (h *inProcess) run(ctx context.Context, payload []byte) (r result) {
	defer func() {
		if v := recover(); v != nil {
			r = result{outcome: outcomeFunctionError, detail: fmt.Sprintf("%s: %v", typeName(v), v)}
		}
	}()
	out, err := h.handler.Invoke(ctx, payload)
	switch {
	case ctx.Err() != nil: // it returned past its timeout, when Lambda would have stopped it
		return result{outcome: outcomeFunctionTimeout, detail: timeoutDetail(h.fn)}
	case err != nil:
		return result{outcome: outcomeFunctionError, detail: typeName(err) + ": " + err.Error()}
	case len(out) > quota.PayloadBytes:
		return tooLargeResult()
	}
	return result{outcome: outcomeOK, payload: out}
}

// typeName is the errorType the Lambda runtime reports for v: its type's
// name, without package or pointer.
func typeName(v any) string {
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}

// functionARN is the function's ARN, as the runtime tells a handler.
func functionARN(fn *Function) string {
	return "arn:aws:lambda:" + proxyevent.Region + ":" + proxyevent.AccountID + ":function:" + fn.LogicalID
}
