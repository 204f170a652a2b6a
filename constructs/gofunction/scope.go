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

// factsOf returns scope's facts, as remembered by rememberFacts or read
// now.
func factsOf(scope constructs.Construct) scopeFacts {
	if rememberable(scope) {
		scopeFactsMu.Lock()
		f, ok := scopeFactsOf[scope]
		scopeFactsMu.Unlock()
		if ok {
			return f
		}
	}
	return scopeFacts{
		stagingDisabled: stagingDisabled(scope.Node().TryGetContext(jsii.String(stagingDisabledContext))),
		rootOutdir:      rootOutdir(scope),
	}
}

// rememberFacts keeps f, scope's facts, for its later functions, once
// scope has a child: then neither can change. The outermost stage's
// output directory is fixed when the App is made, and the context a scope
// sees (its own and its parents') can no longer be set once it has a
// child, which constructs refuses.
func rememberFacts(scope constructs.Construct, f scopeFacts) {
	if rememberable(scope) {
		scopeFactsMu.Lock()
		scopeFactsOf[scope] = f
		scopeFactsMu.Unlock()
	}
}

// rememberable reports whether scope's Go value can be a map key: a
// pointer, as every construct jsii knows is. A value of another kind
// (which jsii refuses anyway) is read each time, so that jsii's error is
// the one reported.
func rememberable(scope constructs.Construct) bool {
	return reflect.TypeOf(scope).Kind() == reflect.Pointer
}
