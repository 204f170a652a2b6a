// What New reads of its scope through jsii, read once per scope.

package gofunction

import (
	"reflect"
	"sync"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// scopeFacts is what New reads of its scope: each read is a round trip to
// the jsii kernel, and an app defines most of its functions in a few
// scopes.
type scopeFacts struct {
	// stagingDisabled: the scope's aws:cdk:disable-asset-staging context
	// disables asset staging (see stagingDisabled).
	stagingDisabled bool
	// rootOutdir is the absolute directory of the outermost cloud assembly
	// the scope synthesizes into (see rootOutdir).
	rootOutdir string
}

var (
	scopeFactsMu sync.Mutex
	scopeFactsOf = map[constructs.Construct]scopeFacts{}
)

// factsOf returns scope's facts, read at its first function. Neither can
// change afterwards: the outermost stage's output directory is fixed when
// the App is made, and the context a scope sees (its own and its
// parents') can no longer be set once it has a child, which constructs
// refuses, and it has one from its first function on. A scope whose Go
// value cannot be a map key (which jsii refuses anyway) is read each
// time, so that jsii's error is the one reported.
func factsOf(scope constructs.Construct) scopeFacts {
	memo := reflect.TypeOf(scope).Comparable()
	if memo {
		scopeFactsMu.Lock()
		f, ok := scopeFactsOf[scope]
		scopeFactsMu.Unlock()
		if ok {
			return f
		}
	}
	f := scopeFacts{
		stagingDisabled: stagingDisabled(scope.Node().TryGetContext(jsii.String(stagingDisabledContext))),
		rootOutdir:      rootOutdir(scope),
	}
	if memo {
		scopeFactsMu.Lock()
		scopeFactsOf[scope] = f
		scopeFactsMu.Unlock()
	}
	return f
}
