package httpfront

import (
	"context"
	"time"
)

// requestNote is what the worker handler learns about a request that the
// access record needs and the response cannot tell: the worker that
// answered, how long the job queued, and why the request failed. The
// access middleware puts one in the request context; the handler fills it
// (handler.go, errors.go, cut.go) and the middleware reads it back once the
// handler has returned. The middlewares in between see only a context
// value they do not know, so nothing reaches across them into a writer.
type requestNote struct {
	pid       int           // worker that answered, or the one that failed
	queueWait time.Duration // time the job waited for a worker
	errText   string        // why the request failed
	status    int           // status for a request that wrote nothing (499: client gone)
}

// noteKey is the context key of the request's *requestNote.
type noteKey struct{}

// withNote returns ctx carrying n for the handlers below the access
// middleware.
func withNote(ctx context.Context, n *requestNote) context.Context {
	return context.WithValue(ctx, noteKey{}, n)
}

// noteOf returns the request's note, nil when no access record is kept
// (then the handler has nothing to fill).
func noteOf(ctx context.Context) *requestNote {
	n, _ := ctx.Value(noteKey{}).(*requestNote)
	return n
}
