// One invocation of a function, outside a request: cmd/local invoke.

package local

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// FunctionNamed returns the API's function whose logical id or Go package
// is name, or else the only one whose logical id starts with name (the
// construct's id: "Handler" for HandlerFunction0D87A48C); the error lists
// the functions there are.
func (a *API) FunctionNamed(name string) (*Function, error) {
	if fn := a.Functions[name]; fn != nil {
		return fn, nil
	}
	var byPackage, byPrefix []*Function
	var known []string
	for id, fn := range a.Functions {
		if fn.GoPackage == name {
			byPackage = append(byPackage, fn)
		}
		if name != "" && strings.HasPrefix(id, name) {
			byPrefix = append(byPrefix, fn)
		}
		known = append(known, id+" ("+fn.GoPackage+")")
	}
	slices.Sort(known)
	for _, found := range [][]*Function{byPackage, byPrefix} {
		if len(found) == 1 {
			return found[0], nil
		}
		if len(found) > 1 {
			return nil, fmt.Errorf("%d functions of %s match %s: name one by its logical id: %s", len(found), qualifiedName(a), name, strings.Join(known, ", "))
		}
	}
	return nil, fmt.Errorf("%s is neither the logical id nor the Go package of a function of %s; its functions: %s", name, qualifiedName(a), strings.Join(known, ", "))
}

// InvokeError is a failed invocation: the function returned an error,
// panicked, crashed, timed out, or answered more than Lambda allows.
type InvokeError struct {
	// Payload is Lambda's error payload ({"errorMessage": ..., "errorType": ...}) when the function reported one.
	Payload []byte
	// Detail is what Lambda reports of the failure.
	Detail string
}

func (e *InvokeError) Error() string { return e.Detail }

// Invoke runs one invocation of the API's function named by its logical
// id or Go package, with event as its payload, and returns the function's
// result, as Lambda's Invoke API would. It waits up to the function's
// timeout, plus a start-up allowance of 10 s. A failed invocation is an
// *[InvokeError].
func (s *Server) Invoke(function string, event []byte) ([]byte, error) {
	c := s.acquire()
	defer c.release()
	fn, err := c.api.FunctionNamed(function)
	if err != nil {
		return nil, err
	}
	res, ok := c.function(fn.LogicalID).invoke(event, time.Now().Add(fn.Timeout+10*time.Second))
	switch {
	case !ok:
		return nil, &InvokeError{Detail: fmt.Sprintf("no answer within %s", fn.Timeout+10*time.Second)}
	case res.outcome != outcomeOK:
		return nil, &InvokeError{Payload: res.payload, Detail: res.detail}
	}
	return res.payload, nil
}
