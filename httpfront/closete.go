package httpfront

import "net/http"

// closeAfterTE wraps the handler of phprun's net/http servers: a request
// that came with a Transfer-Encoding gets Connection: close on its
// response, so that nothing after its body is read as another request
// (the fast path refuses ambiguous framing itself: h1/framing.go).
func closeAfterTE(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor == 1 && len(r.TransferEncoding) > 0 {
			w.Header().Set("Connection", "close")
		}
		next.ServeHTTP(w, r)
	})
}
