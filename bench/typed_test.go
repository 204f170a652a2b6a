package bench

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkTypedRoute prices the typed POST /echo (the reference router's
// JSONRoute: decoding, then the field table's checks) against the
// hand-written handler it replaced (untyped), alternating the two in ten
// rounds within one process, so that both see the machine's drift alike.
// Run it with a fixed count, e.g.
//
//	go test -run '^$' -bench TypedRoute -benchmem -benchtime 40000x
func BenchmarkTypedRoute(b *testing.B) {
	typed, hand := toolkit(), untyped()
	for round := range 10 {
		b.Run(fmt.Sprintf("typed/%d", round), func(b *testing.B) {
			run(b, postEvent, func(p []byte) []byte { out, _ := typed.Invoke(context.Background(), p); return out })
		})
		b.Run(fmt.Sprintf("untyped/%d", round), func(b *testing.B) {
			run(b, postEvent, func(p []byte) []byte { out, _ := hand.Invoke(context.Background(), p); return out })
		})
	}
}
