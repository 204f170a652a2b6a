package httpapi

import (
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/internal/propcheck"
)

// checkLength checks that s, the value of the prop field, has from min to
// max characters. Tokens are resolved at deployment and are not checked.
func checkLength(field, s string, min, max int) error {
	n := utf8.RuneCountInString(s)
	if n >= min && n <= max || propcheck.IsToken(s) {
		return nil
	}
	return fmt.Errorf("httpapi: %s %q is %d characters long: use %d to %d", field, propcheck.Abbreviate(s), n, min, max)
}

// checkFinite refuses NaN and infinities, which no AWS property takes and
// which JSON cannot carry to the CDK at all.
func checkFinite(field string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("httpapi: %s %v is not a number: use a finite value", field, v)
	}
	return nil
}

// isNumberToken reports whether v is an unresolved CDK number token. v
// must be finite (see checkFinite).
func isNumberToken(v float64) bool { return *awscdk.Token_IsUnresolved(jsii.Number(v)) }
