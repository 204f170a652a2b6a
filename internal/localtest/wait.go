// Waiting: polling a condition until a deadline.

package localtest

import "time"

// WaitFor polls cond every 20 ms until it holds, and reports whether it
// did before timeout passed.
func WaitFor(timeout time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(timeout); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
	}
	return true
}
