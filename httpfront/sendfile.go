package httpfront

import (
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// xSendfile is the response header a worker sets to have phprun send a
// file in its place (RoadRunner's `sendfile` middleware).
const xSendfile = "X-Sendfile"

// sendfileMiddleware serves the file a worker names in X-Sendfile instead
// of the worker's body, as RoadRunner's send plugin does: the header is
// removed, the worker's other headers are kept, the status is 200 and the
// type application/octet-stream; a path with ".." is 403, a missing file
// 404. Relative paths resolve against phprun's working directory.
type sendfileMiddleware struct {
	next http.Handler
	log  *slog.Logger
}

// sendfileWriters recycles the per-request wrapper, so the middleware
// adds no allocation to a request that carries no X-Sendfile.
var sendfileWriters = sync.Pool{New: func() any { return new(sendfileWriter) }}

func (m *sendfileMiddleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := sendfileWriters.Get().(*sendfileWriter)
	*sw = sendfileWriter{ResponseWriter: w}
	m.next.ServeHTTP(sw, r)
	if path := sw.path; path != "" {
		m.serve(w, path)
	}
	*sw = sendfileWriter{}
	sendfileWriters.Put(sw)
}

// serve writes the named file as the response.
func (m *sendfileMiddleware) serve(w http.ResponseWriter, path string) {
	clean := filepath.Clean(path)
	if strings.Contains(clean, "..") {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	f, err := os.Open(clean)
	if err != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.IsDir() {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Del("Content-Encoding") // the worker's encoding described its own body
	if fi.Size() > 0 {
		h.Set("Content-Length", strconv.FormatInt(fi.Size(), 10))
	}
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, f); err != nil {
		m.log.Debug("http: sendfile: write response", slog.String("file", clean), slog.String("error", err.Error()))
	}
}

// sendfileWriter passes the worker's response through until its final
// header carries X-Sendfile; from then on it keeps the header map (minus
// X-Sendfile) and discards status and body, which serve replaces.
type sendfileWriter struct {
	http.ResponseWriter
	path  string // X-Sendfile value once seen; body writes are dropped
	final bool   // a final (non-1xx) status went through or was taken
}

func (s *sendfileWriter) WriteHeader(code int) {
	if s.path != "" || s.final {
		return
	}
	if code >= 200 {
		s.final = true
		h := s.ResponseWriter.Header()
		if p := h.Get(xSendfile); p != "" {
			h.Del(xSendfile)
			h.Del("Content-Length")
			s.path = p
			return
		}
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *sendfileWriter) Write(b []byte) (int, error) {
	if !s.final {
		s.WriteHeader(http.StatusOK)
	}
	if s.path != "" {
		return len(b), nil
	}
	return s.ResponseWriter.Write(b)
}

// Flush forwards only while the worker's own response is passing through.
func (s *sendfileWriter) Flush() {
	if s.path != "" {
		return
	}
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the
// writer underneath.
func (s *sendfileWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
