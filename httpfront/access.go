package httpfront

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/phprun/phprun/httpfront/access"
)

// accessWriter records status and size for the access record. It exists
// only when records or access logs were asked for.
type accessWriter struct {
	statusWriter
	bytes int64
	note  requestNote // filled by the worker handler through the request context
	rec   access.Record
}

var accessPool = sync.Pool{New: func() any { return new(accessWriter) }}

func (a *accessWriter) Write(p []byte) (int, error) {
	n, err := a.statusWriter.Write(p)
	a.bytes += int64(n)
	return n, err
}

// accessMiddleware builds one access.Record per request and hands it
// to sink (and/or logs it), and gives observe (Options.Observe) its status
// and duration. The record is pooled: sink must copy what it
// keeps (access.Ring.Add does). With notes, the request carries a
// requestNote for the worker handler to fill (Options.AccessDetail).
func accessMiddleware(next http.Handler, sink func(*access.Record), observe func(int, time.Duration), log *slog.Logger, logLines, notes bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		a := accessPool.Get().(*accessWriter)
		*a = accessWriter{statusWriter: statusWriter{ResponseWriter: w}}
		if notes {
			r = r.WithContext(withNote(r.Context(), &a.note))
		}
		// The record is made in a deferred call so that a response the
		// handler cut (panic(http.ErrAbortHandler), cut.go) is recorded too.
		defer func() {
			if a.status == 0 {
				a.status = cmp.Or(a.note.status, http.StatusOK)
			}
			a.rec = access.Record{
				Time: start, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Proto: r.Proto,
				RemoteAddr: remoteIP(r.RemoteAddr), Status: a.status, Bytes: a.bytes,
				Duration: time.Since(start), QueueWait: a.note.queueWait, PID: a.note.pid, Error: a.note.errText,
			}
			if sink != nil {
				sink(&a.rec)
			}
			if observe != nil {
				observe(a.rec.Status, a.rec.Duration)
			}
			if logLines {
				log.LogAttrs(context.Background(), slog.LevelInfo, "http access",
					slog.String("method", a.rec.Method), slog.String("path", a.rec.Path),
					slog.Int("status", a.rec.Status), slog.Int64("bytes", a.rec.Bytes),
					slog.Duration("duration", a.rec.Duration), slog.Duration("queue_wait", a.rec.QueueWait),
					slog.Int("pid", a.rec.PID), slog.String("remote_addr", a.rec.RemoteAddr))
			}
			a.ResponseWriter = nil
			accessPool.Put(a)
		}()
		next.ServeHTTP(a, r)
	})
}
