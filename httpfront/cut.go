package httpfront

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/httpfront/internal/conns"
)

// cut ends a response that broke after its head went out: the worker died,
// hit exec_ttl, broke the protocol, the relay failed, or the client went
// away. The status has been sent and cannot change, and ending the body
// normally would hand the client (and any cache before it) a complete-
// looking response with a truncated body. So cut logs one line with the
// bytes sent so far and aborts the handler with http.ErrAbortHandler:
// HTTP/1.1 then closes the connection without the terminating chunk (or
// short of Content-Length), HTTP/2 resets the stream with INTERNAL_ERROR.
// Both net/http and the fast path take that panic as a silent abort.
//
// cut does not return.
func (h *handler) cut(r *http.Request, err error, sent int64, pid int) {
	level := slog.LevelError
	if errors.Is(err, errClientGone) {
		level = slog.LevelDebug // nobody is left to see the cut
	}
	h.log.LogAttrs(context.Background(), level, "http: response cut",
		slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("pid", pid),
		slog.Int64("bytes_sent", sent), slog.String("error", err.Error()))
	if n := h.note(r); n != nil {
		n.errText = "response cut: " + err.Error()
	}
	panic(http.ErrAbortHandler)
}

// copyBody passes the rest of a large response frame from the relay to the
// client in 32 KiB pieces (engine.Payload.StreamBody), so that phprun's
// memory per response stays bounded whatever the body's size. A write
// failure stops the response (the worker reads STOP or has the rest
// drained); a relay failure comes back as the engine's error.
func copyBody(w http.ResponseWriter, resp *engine.Response) (int64, error) {
	bufp := conns.CopyBuffer()
	defer conns.PutCopyBuffer(bufp)
	buf := *bufp
	var sent int64
	for resp.BodyRest() > 0 {
		n, err := resp.ReadBody(buf)
		if n > 0 {
			m, werr := w.Write(buf[:n])
			sent += int64(m)
			if werr != nil {
				_ = resp.Stop()
				return sent, fmt.Errorf("%w: %v", errClientGone, werr)
			}
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return sent, err
		}
	}
	return sent, nil
}
