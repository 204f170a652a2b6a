// The checks props of every kind share: a string's length and a number's finiteness.

package propcheck

import (
	"math"
	"unicode/utf8"
)

// Length checks that s, the value of the prop at path, has from min to max
// characters. Tokens are resolved at deployment and are not checked.
func Length(path, s string, min, max int) error {
	n := utf8.RuneCountInString(s)
	if n >= min && n <= max || IsToken(s) {
		return nil
	}
	return Errorf(path, " %q is %d characters long: use %d to %d", Abbreviate(s), n, min, max)
}

// Finite refuses NaN and infinities as the value of the prop at path: no
// AWS property takes them, and JSON cannot carry them to the CDK at all.
func Finite(path string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Errorf(path, " %v is not a number: use a finite value", v)
	}
	return nil
}
