package httpfront

import (
	"log/slog"
	"net/http"
	"strings"
)

// headersMiddleware is RoadRunner's `headers` middleware: fixed request
// headers for PHP, fixed response headers, and CORS.
type headersMiddleware struct {
	next     http.Handler
	request  map[string]string
	response map[string]string
	cors     *cors
}

func newHeaders(c HeadersConfig, next http.Handler, log *slog.Logger) *headersMiddleware {
	h := &headersMiddleware{next: next, request: c.Request, response: c.Response}
	if c.CORS != nil {
		h.cors = newCORS(*c.CORS, log)
	}
	return h
}

func (h *headersMiddleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for k, v := range h.request {
		r.Header.Set(k, v)
	}
	for k, v := range h.response {
		w.Header().Set(k, v)
	}
	if h.cors != nil && h.cors.handle(w, r) {
		return
	}
	h.next.ServeHTTP(w, r)
}

// splitList splits a comma-separated header or config list, trimming
// blanks and dropping empty items.
func splitList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
