package httpfront

import (
	"net/http"
	"sync"
	"time"
)

// statusWriter remembers the status a response went out with: the first
// final status written, 200 once a body or a flush went out without one.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 && code >= 200 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(p)
}

// Flush passes flushes through so streamed responses stay streamed.
func (s *statusWriter) Flush() {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// observeMiddleware hands every request's final status and duration to
// observe (Options.Observe), when nothing needs a whole access record: the
// http_metrics counters alone. It is the access recorder minus what
// metrics do not read (the record's strings, the remote address, the
// byte count) and minus the wall clock: durations come from the monotonic
// clock alone, one read at each end, where time.Now reads both clocks.
// On a virtual machine those clock reads were most of the recorder's cost.
type observeMiddleware struct {
	next    http.Handler
	observe func(status int, d time.Duration)
	epoch   time.Time // monotonic origin of the durations
	writers sync.Pool // *statusWriter
}

func newObserveMiddleware(next http.Handler, observe func(int, time.Duration)) *observeMiddleware {
	m := &observeMiddleware{next: next, observe: observe, epoch: time.Now()}
	m.writers.New = func() any { return new(statusWriter) }
	return m
}

// ServeHTTP counts the request in a deferred call so that a response the
// handler cut (panic(http.ErrAbortHandler), cut.go) is counted too, with
// the status it went out with, or 200 when nothing was written (the access
// middleware can tell 499 for a client gone while queued; this one keeps
// no note, which would cost two allocations per request).
func (m *observeMiddleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Since(m.epoch)
	sw := m.writers.Get().(*statusWriter)
	*sw = statusWriter{ResponseWriter: w}
	defer func() {
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		m.observe(status, time.Since(m.epoch)-start)
		sw.ResponseWriter = nil
		m.writers.Put(sw)
	}()
	m.next.ServeHTTP(sw, r)
}
