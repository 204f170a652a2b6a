// The size of a request's head, as API Gateway's quota on the request line and header values counts it.

package local

import "net/http"

// maxHeadBytes is the most net/http reads of a request's head (its
// MaxHeaderBytes): well over quota.RequestLineAndHeadersBytes, so that a
// head over the quota, names and line ends included, gets API Gateway's
// answer rather than net/http's 431.
const maxHeadBytes = 64 << 10

// requestHeadBytes returns what of r counts toward
// quota.RequestLineAndHeadersBytes (docs/api-gateway-behavior.md R-ERR-7):
// the request line (method, target and protocol, and the two spaces
// between them) and every header value, Host's included; neither the
// header names nor the line ends.
func requestHeadBytes(r *http.Request) int {
	target := r.RequestURI
	if target == "" { // a request built in process, not read from a client
		target = r.URL.RequestURI()
	}
	n := len(r.Method) + 1 + len(target) + 1 + len(r.Proto) + len(r.Host)
	for _, vs := range r.Header {
		for _, v := range vs {
			n += len(v)
		}
	}
	for _, te := range r.TransferEncoding { // net/http takes it out of Header
		n += len(te)
	}
	return n
}
