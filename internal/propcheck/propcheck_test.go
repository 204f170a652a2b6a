package propcheck

import (
	"testing"
	"time"
)

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		24 * time.Hour: "24h", time.Hour: "1h", 15 * time.Minute: "15m", 30 * time.Second: "30s",
		90 * time.Second: "1m30s", 1500 * time.Millisecond: "1.5s", 2*time.Hour + 30*time.Minute: "2h30m", 0: "0s",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}
