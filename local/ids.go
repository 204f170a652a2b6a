// The identifiers the emulator makes up: API, request, invocation and trace ids.

package local

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"
)

func randRead(b []byte) { rand.Read(b) }

// apiID derives a stable 10-character API id from a logical id.
func apiID(logicalID string) string {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(logicalID); i++ {
		h ^= uint64(logicalID[i])
		h *= 1099511628211
	}
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 10)
	for i := range b {
		b[i] = alphabet[h%36]
		h /= 36
	}
	return string(b)
}

// newRequestID returns an id shaped like API Gateway's: 16 characters.
func newRequestID() string {
	b := make([]byte, 12)
	randRead(b)
	return base64.RawURLEncoding.EncodeToString(b)[:15] + "="
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func newUUID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// traceID is an X-Ray trace id: 1-<8 hex seconds>-<24 hex>.
func traceID() string {
	return fmt.Sprintf("1-%08x-%s", time.Now().Unix(), randomHex(12))
}
