// Package propcheck holds what the constructs' prop validation shares:
// whether a value is a CDK token, known only at deployment and so beyond
// any check at synthesis; how a long value or a duration is written in an
// error message; the checks of every kind of prop (Length, Finite); and the
// errors themselves, which name a prop by its path and the package once
// (Error).
package propcheck

import (
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// IsToken reports whether s is an unresolved CDK token (a reference such as
// a parameter, an attribute of another resource or a pseudo parameter): its
// value is only known at deployment, so a prop check lets it pass.
func IsToken(s string) bool { return *awscdk.Token_IsUnresolved(jsii.String(s)) }

// IsNumberToken reports whether v is an unresolved CDK number token, as
// IsToken does for strings. v must be finite (see Finite).
func IsNumberToken(v float64) bool { return *awscdk.Token_IsUnresolved(jsii.Number(v)) }

// Abbreviate shortens s for an error message: at most 40 characters, the
// first 37 followed by "..." when s is longer.
func Abbreviate(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:37]) + "..."
	}
	return s
}

// Duration writes a limit as a person would: 24h, 1h, 15m or 30s rather
// than time.Duration's 24h0m0s; other values as time.Duration writes them.
func Duration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
