// Compression: which responses are gzip-compressed, and for which clients (RFC 9110 §12.5.3).

package lambdahttp

import (
	"bytes"
	"compress/gzip"
	"strings"
	"sync"

	"github.com/httpapi-cdk/httpapi/mediatype"
)

// compressible reports whether gzip is likely to shrink a body of this type.
func compressible(contentType string) bool {
	if mediatype.ResponseIsText(contentType) {
		return true
	}
	mt := mediatype.Of(contentType)
	return mt == "application/octet-stream" || mt == "application/wasm"
}

// acceptsGzip reports whether an Accept-Encoding value makes gzip
// acceptable, by RFC 9110 §12.5.3 (docs/api-gateway-behavior.md R-KIT-10):
// the entry that names gzip (or its alias x-gzip), whatever its case, else
// the "*" entry, decides; a qvalue of 0 means "not acceptable"; a coding
// the header does not list is not acceptable, and neither is one whose
// qvalue does not parse. An empty header asks for no coding.
func acceptsGzip(accept string) bool {
	named, star := -1, -1 // the entries' qvalues in thousandths; -1: absent
	for accept != "" {
		var part string
		part, accept, _ = strings.Cut(accept, ",")
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.TrimSpace(coding)
		var q int
		switch {
		case strings.EqualFold(coding, "gzip"), strings.EqualFold(coding, "x-gzip"):
			q = qvalue(params)
			if q > named {
				named = q
			}
		case coding == "*":
			q = qvalue(params)
			if q > star {
				star = q
			}
		}
	}
	if named >= 0 {
		return named > 0
	}
	return star > 0
}

// qvalue returns the weight of a content coding's parameters in
// thousandths: 1000 without a "q" parameter, 0 for one that does not
// parse (qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ),
// RFC 9110 §12.4.2).
func qvalue(params string) int {
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		name, v, _ := strings.Cut(p, "=")
		if !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		v = strings.TrimSpace(v)
		if v == "" || v[0] != '0' && v[0] != '1' {
			return 0
		}
		q := int(v[0]-'0') * 1000
		if len(v) > 1 {
			frac := v[1:]
			if frac[0] != '.' || len(frac) > 4 {
				return 0
			}
			scale := 100
			for i := 1; i < len(frac); i++ {
				d := frac[i]
				if d < '0' || d > '9' {
					return 0
				}
				q += int(d-'0') * scale
				scale /= 10
			}
			if q > 1000 {
				return 0
			}
		}
		return q
	}
	return 1000
}

var gzipWriters = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression); return w }}

// gzipBody compresses b.
func gzipBody(b []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b)/3 + 64)
	w := gzipWriters.Get().(*gzip.Writer)
	w.Reset(&buf)
	w.Write(b)
	w.Close()
	gzipWriters.Put(w)
	return buf.Bytes()
}
