package httpfront

import (
	"compress/gzip"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// gzipMinSize: bodies smaller than this are sent as they are; compressing
// them costs more than it saves.
const gzipMinSize = 1024

var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	return w
}}

// gzipMiddleware compresses responses of compressible types for clients
// that accept gzip. It buffers up to gzipMinSize bytes to decide; a Flush
// (streamed responses) decides at once and flushes the compressor too, so
// streams keep streaming.
func gzipMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead || !acceptsGzip(r.Header["Accept-Encoding"]) {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Accept-Encoding")
		g := &gzipWriter{rw: w}
		next.ServeHTTP(g, r)
		// Not deferred: a cut response (cut.go) must not get a gzip
		// trailer that makes its truncated body look complete.
		g.close()
	})
}

// acceptsGzip reports whether Accept-Encoding allows gzip (q > 0).
func acceptsGzip(values []string) bool {
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			coding = strings.TrimSpace(coding)
			if !strings.EqualFold(coding, "gzip") && coding != "*" {
				continue
			}
			params = strings.ReplaceAll(params, " ", "")
			if q, ok := strings.CutPrefix(params, "q="); ok {
				if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
					continue
				}
			}
			return true
		}
	}
	return false
}

// compressible reports whether a Content-Type is worth compressing.
func compressible(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	if strings.HasPrefix(mt, "text/") || strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "+xml") {
		return true
	}
	switch mt {
	case "application/json", "application/javascript", "application/xml", "application/x-javascript",
		"application/ld+json", "application/manifest+json", "image/svg+xml", "application/wasm",
		"application/x-ndjson", "application/graphql-response+json":
		return true
	}
	return false
}

// gzipWriter decides on the first gzipMinSize bytes (or on Flush or the
// end of the response) whether to compress.
type gzipWriter struct {
	rw      http.ResponseWriter
	gz      *gzip.Writer // non-nil once compressing
	buf     []byte       // body held back until the decision
	status  int          // final status held back until the decision
	decided bool
}

func (g *gzipWriter) Header() http.Header { return g.rw.Header() }

// Unwrap lets http.ResponseController see through.
func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.rw }

func (g *gzipWriter) WriteHeader(code int) {
	if code < 200 { // informational responses go out at once
		g.rw.WriteHeader(code)
		return
	}
	if g.status != 0 || g.decided {
		return
	}
	g.status = code
	h := g.rw.Header()
	if code == http.StatusNoContent || code == http.StatusNotModified || code == http.StatusPartialContent ||
		h.Get("Content-Encoding") != "" || h.Get("Content-Range") != "" ||
		(h.Get("Content-Type") != "" && !compressible(h.Get("Content-Type"))) {
		g.decide(false)
		return
	}
	if cl := h.Get("Content-Length"); cl != "" {
		if n, err := strconv.Atoi(cl); err == nil && n < gzipMinSize {
			g.decide(false)
		}
	}
}

func (g *gzipWriter) Write(p []byte) (int, error) {
	if g.status == 0 {
		g.WriteHeader(http.StatusOK)
	}
	if !g.decided {
		g.buf = append(g.buf, p...)
		if len(g.buf) >= gzipMinSize {
			g.decide(true)
		}
		return len(p), g.flushBuf()
	}
	if g.gz != nil {
		return g.gz.Write(p)
	}
	return g.rw.Write(p)
}

// decide sends the header, compressed or not. want is false when the
// response is known to be unsuitable; otherwise the type decides (sniffed
// from the buffered bytes when the worker set none).
func (g *gzipWriter) decide(want bool) {
	g.decided = true
	h := g.rw.Header()
	if want {
		ct := h.Get("Content-Type")
		if ct == "" && len(g.buf) > 0 {
			ct = http.DetectContentType(g.buf)
			h.Set("Content-Type", ct)
		}
		want = ct != "" && compressible(ct)
	}
	if want {
		h.Del("Content-Length")
		h.Set("Content-Encoding", "gzip")
		g.gz = gzipPool.Get().(*gzip.Writer)
		g.gz.Reset(g.rw)
	}
	if g.status == 0 {
		g.status = http.StatusOK
	}
	g.rw.WriteHeader(g.status)
}

// flushBuf writes the held-back bytes once decided.
func (g *gzipWriter) flushBuf() error {
	if !g.decided || len(g.buf) == 0 {
		return nil
	}
	var err error
	if g.gz != nil {
		_, err = g.gz.Write(g.buf)
	} else {
		_, err = g.rw.Write(g.buf)
	}
	g.buf = g.buf[:0]
	return err
}

// Flush decides now (a stream wants its bytes out), then flushes the
// compressor and the connection.
func (g *gzipWriter) Flush() {
	if !g.decided {
		if g.status == 0 {
			g.status = http.StatusOK
		}
		g.decide(len(g.buf) > 0 || g.rw.Header().Get("Content-Type") != "")
		_ = g.flushBuf()
	}
	if g.gz != nil {
		_ = g.gz.Flush()
	}
	if f, ok := g.rw.(http.Flusher); ok {
		f.Flush()
	}
}

// close finishes the response: small bodies go out uncompressed.
func (g *gzipWriter) close() {
	if !g.decided && g.status != 0 {
		g.decide(false)
		_ = g.flushBuf()
	}
	if g.gz != nil {
		_ = g.gz.Close()
		g.gz.Reset(nil)
		gzipPool.Put(g.gz)
		g.gz = nil
	}
}
