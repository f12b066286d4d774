package httpfront

import (
	"context"
	"errors"
	"html"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/httpfront/internal/conns"
)

// errBadResponse wraps everything wrong with what a worker answered: a
// status outside 100–599, a broken context, a 1xx without a final frame.
var errBadResponse = errors.New("invalid response from worker")

// errTooLarge: the body is over http.max_request_size.
var errTooLarge = errors.New("request body too large")

// errBadBody: the request body could not be read (malformed chunked
// encoding, cut short, too slow). It is the client's fault, and the
// connection's framing is lost with it, so the answer closes it.
var errBadBody = errors.New("bad request body")

// isTooLarge reports whether err means the body was over the limit.
func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe) || errors.Is(err, errTooLarge) || errors.Is(err, errFormTooLarge)
}

// errorStatus is the one place where errors become HTTP statuses
// (STYLE.md 4). retry asks for a Retry-After header; public says the error
// text is safe to show to any client (it describes the client's request).
func (h *handler) errorStatus(err error) (status int, retry, public bool) {
	var soft *engine.SoftError
	switch {
	case isTooLarge(err):
		return http.StatusRequestEntityTooLarge, false, true
	case errors.Is(err, errBadForm):
		return http.StatusBadRequest, false, true
	case errors.Is(err, errBadBody):
		if conns.IsTimeout(err) {
			return http.StatusRequestTimeout, false, true
		}
		return http.StatusBadRequest, false, true
	case errors.Is(err, engine.ErrNoFreeWorkers), errors.Is(err, engine.ErrQueueFull), errors.Is(err, engine.ErrPoolClosed):
		return http.StatusServiceUnavailable, true, false
	case errors.Is(err, engine.ErrExecTTL):
		return http.StatusGatewayTimeout, false, false
	case errors.Is(err, errBadResponse):
		return http.StatusBadGateway, false, false
	case errors.As(err, &soft):
		return h.internalCode, false, false
	case errors.Is(err, engine.ErrWorkerCrashed), errors.Is(err, engine.ErrScriptNotFound):
		return http.StatusBadGateway, false, false
	}
	var we *engine.WorkerError
	if errors.As(err, &we) {
		return http.StatusBadGateway, false, false
	}
	return h.internalCode, false, false
}

// fail answers a request that could not be served and logs why. When the
// response has already started (a stream broke midway) it only logs: the
// status cannot change any more. A client that went away gets nothing.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error, started bool) int {
	if r.Context().Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errClientGone)) {
		h.log.LogAttrs(r.Context(), slog.LevelDebug, "http: client went away",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("error", err.Error()))
		if n := h.note(r); n != nil {
			n.errText, n.status = "client went away", 499 // 499 only if nothing was written
		}
		return 499
	}
	status, retry, public := h.errorStatus(err)
	pid := errorPID(err)
	if n := h.note(r); n != nil {
		n.errText = err.Error()
		if n.pid == 0 {
			n.pid = pid
		}
	}
	level := slog.LevelError
	if status < 500 {
		level = slog.LevelInfo
	}
	h.log.LogAttrs(context.Background(), level, "http: request failed",
		slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.Int("status", status), slog.Bool("response_started", started), slog.Int("pid", pid),
		slog.String("error", err.Error()))
	if started {
		return status
	}
	hdr := w.Header()
	if retry {
		hdr.Set("Retry-After", "1")
		if !errors.Is(err, engine.ErrPoolClosed) {
			hdr.Set("No-Workers", "true")
		}
	}
	var body string
	switch {
	case public:
		body = err.Error() + "\n"
	case status == h.internalCode:
		// RoadRunner answers internal_error_code with an empty body, or
		// with the HTML-escaped error text under pool.debug.
		if h.debug {
			body = html.EscapeString(err.Error())
		}
	case h.debug:
		body = err.Error() + "\n"
	default:
		body = http.StatusText(status)
		if body == "" {
			body = "error " + strconv.Itoa(status)
		}
		body += "\n"
	}
	if body != "" {
		hdr.Set("Content-Type", "text/plain; charset=utf-8")
		hdr.Set("X-Content-Type-Options", "nosniff")
	}
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	if status == http.StatusRequestEntityTooLarge || errors.Is(err, errBadBody) {
		hdr.Set("Connection", "close") // the rest of the body is not read, or lost its framing
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
	return status
}

// errorPID is the PID of the worker that a failed request reached (a crash,
// a soft error, exec_ttl), so that its access record and log line name it;
// 0 when no worker was involved (no free worker, a body over the limit).
func errorPID(err error) int {
	var soft *engine.SoftError
	if errors.As(err, &soft) {
		return soft.PID
	}
	var we *engine.WorkerError
	if errors.As(err, &we) {
		return we.PID
	}
	var wf *workerFailure
	if errors.As(err, &wf) {
		return wf.pid
	}
	return 0
}

// workerFailure ties an error found after Exec returned (a bad or broken
// response) to the worker that answered; the text and the status stay the
// wrapped error's.
type workerFailure struct {
	pid int
	err error
}

func (e *workerFailure) Error() string { return e.err.Error() }
func (e *workerFailure) Unwrap() error { return e.err }
