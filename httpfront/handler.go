package httpfront

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/engine/wire"
	"github.com/phprun/phprun/httpfront/internal/h1"
)

// Executor is what the front needs from a worker pool; *engine.Pool
// satisfies it. Keeping it an interface lets main wrap the pool (and tests
// count calls) without httpfront knowing how the pool works. Counts is
// all /health and /ready read: atomics, no file, no allocation.
type Executor interface {
	Exec(ctx context.Context, pl engine.Payload) (*engine.Response, error)
	Counts() engine.Counts
}

// errClientGone: writing to the client failed, or it cancelled while a
// stream was running.
var errClientGone = errors.New("client went away")

// handler turns HTTP requests into worker jobs. It is the innermost
// http.Handler; middleware wraps it.
type handler struct {
	exec         Executor
	log          *slog.Logger
	maxBody      int64
	internalCode int
	rawBody      bool
	debug        bool
	uploads      uploadPolicy
	notes        bool // the access middleware puts a requestNote in every request's context
}

// note returns the request's requestNote to fill, nil when no access
// record is kept.
func (h *handler) note(r *http.Request) *requestNote {
	if !h.notes {
		return nil
	}
	return noteOf(r.Context())
}

// responseState is the per-request scratch a response needs; pooled so
// that decoding a response allocates only its header values.
type responseState struct {
	rc      respContext
	restore []headerField
}

var respStatePool = sync.Pool{New: func() any { return new(responseState) }}

// ServeHTTP maps one request to one worker job (PROTOCOL.md 3).
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctxBuf, bodyBuf := getBuf(), getBuf()
	var created []string
	defer func() {
		putBuf(ctxBuf)
		putBuf(bodyBuf)
		if len(created) > 0 {
			if err := removeFiles(created); err != nil {
				h.log.Warn("http: remove upload temp files", slog.String("error", err.Error()))
			}
		}
	}()

	body, parsed, uploads, err := h.readBody(w, r, bodyBuf, &created)
	if err != nil {
		h.fail(w, r, err, false)
		return
	}
	*ctxBuf = appendRequestContext((*ctxBuf)[:0], r, parsed, uploads)

	resp, err := h.exec.Exec(r.Context(), engine.Payload{
		Context:    *ctxBuf,
		Body:       body,
		Codec:      wire.CodecJSON,
		Tag:        engine.Tag{Kind: r.Method, Name: r.URL.Path},
		StreamBody: true,
	})
	if err != nil {
		h.fail(w, r, err, false)
		return
	}
	defer resp.Release()
	if n := h.note(r); n != nil {
		n.pid, n.queueWait = resp.PID(), resp.QueueWait()
	}
	st := respStatePool.Get().(*responseState)
	started, sent, err := h.writeResponse(w, r, resp, st)
	respStatePool.Put(st)
	if err != nil {
		if started {
			h.cut(r, err, sent, resp.PID()) // does not return
		}
		h.fail(w, r, &workerFailure{pid: resp.PID(), err: err}, false)
	}
}

// readBody prepares the job body (PROTOCOL.md 3.4): nothing for HEAD and
// OPTIONS, the data tree for forms (uploads written to temp files), the
// raw bytes otherwise. The body is bounded by max_request_size.
func (h *handler) readBody(w http.ResponseWriter, r *http.Request, buf *[]byte, created *[]string) (body []byte, parsed bool, uploads *tree, err error) {
	if r.Method == http.MethodHead || r.Method == http.MethodOptions || r.Body == nil || r.Body == http.NoBody {
		return nil, false, nil, nil
	}
	if r.ContentLength > h.maxBody {
		return nil, false, nil, fmt.Errorf("%w: Content-Length %d over %d bytes", errTooLarge, r.ContentLength, h.maxBody)
	}
	kind := classifyBody(r.Header.Get("Content-Type"), h.rawBody)
	if kind == bodyMultipart {
		res, err := parseMultipart(http.MaxBytesReader(w, r.Body, h.maxBody), r.Header.Get("Content-Type"), &h.uploads)
		*created = res.created
		if err != nil {
			return nil, false, nil, err
		}
		*buf = res.data.appendJSON((*buf)[:0])
		return *buf, true, res.uploads, nil
	}
	raw, err := readAll(w, r, buf, h.maxBody)
	if err != nil {
		return nil, false, nil, err
	}
	if kind == bodyRaw {
		return raw, false, nil, nil
	}
	t, err := parseURLEncoded(string(raw))
	if err != nil {
		return nil, false, nil, err
	}
	*buf = t.appendJSON((*buf)[:0])
	return *buf, true, nil, nil
}

// readAll reads the body into buf. A declared length (already checked
// against the limit, and enforced by net/http) sizes the buffer, but only
// up to 1 MiB ahead of the bytes actually received, so a client cannot make
// the server allocate max_request_size by merely announcing it. Chunked
// bodies go through MaxBytesReader.
func readAll(w http.ResponseWriter, r *http.Request, buf *[]byte, limit int64) ([]byte, error) {
	const prealloc = 1 << 20
	b := (*buf)[:0]
	rd := r.Body
	if n := r.ContentLength; n >= 0 {
		if want := int(min(n, prealloc)); cap(b) < want {
			b = make([]byte, 0, want)
		}
	} else {
		rd = http.MaxBytesReader(w, r.Body, limit)
	}
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := rd.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			if isTooLarge(err) {
				return nil, err
			}
			// A malformed chunked body, a body cut short, a read timeout:
			// the client's doing, so a 4xx, never a 500 (errorStatus).
			return nil, fmt.Errorf("%w: %w", errBadBody, err)
		}
	}
	*buf = b
	return b, nil
}

// writeResponse copies the worker's frames to the client (PROTOCOL.md
// 3.7–3.9). The first context with a final status sets status and headers;
// a 1xx context before it is sent as an informational response whose
// headers do not leak into the final one; later contexts are ignored.
// Streamed frames are flushed one by one. If the client goes away the
// worker gets STOP. started reports whether the final header was sent,
// sent how many body bytes were written.
//
// A 204 or 304 carries no body (RFC 9110 §6.4.1): what PHP sends with one
// is dropped here, quietly, rather than failing the write.
func (h *handler) writeResponse(w http.ResponseWriter, r *http.Request, resp *engine.Response, st *responseState) (started bool, sent int64, err error) {
	noBody := false
	for {
		if !started && len(resp.Context) > 0 {
			if resp.Flags&wire.CodecProto != 0 {
				// phprun sends JSON contexts, so PHP answers in JSON; a
				// protobuf answer means a worker library pinned to proto.
				return false, 0, fmt.Errorf("%w: protobuf response context (flags %#x) not supported; the worker must answer in JSON", errBadResponse, resp.Flags)
			}
			if err := parseResponseContext(resp.Context, &st.rc); err != nil {
				return false, 0, fmt.Errorf("%w: %v", errBadResponse, err)
			}
			status := st.rc.status
			switch {
			case status < 100 || status > 599:
				return false, 0, fmt.Errorf("%w: unknown status code %d", errBadResponse, status)
			case status < 200:
				if !resp.More() {
					return false, 0, fmt.Errorf("%w: informational status %d without a final response", errBadResponse, status)
				}
				h.informational(w, status, st)
			default:
				h.applyHeaders(w, st.rc.fields, resp.PID())
				w.WriteHeader(status)
				started = true
				noBody = !h1.BodyAllowedForStatus(status)
			}
		}
		if len(resp.Body) > 0 && noBody {
			h.log.LogAttrs(r.Context(), slog.LevelDebug, "http: body of a bodiless status dropped",
				slog.String("path", r.URL.Path), slog.Int("status", st.rc.status), slog.Int("bytes", len(resp.Body)), slog.Int("pid", resp.PID()))
		} else if len(resp.Body) > 0 {
			started = true
			n, err := w.Write(resp.Body)
			sent += int64(n)
			if err != nil {
				_ = resp.Stop()
				return true, sent, fmt.Errorf("%w: %v", errClientGone, err)
			}
			if resp.BodyRest() > 0 {
				n, err := copyBody(w, resp)
				sent += n
				if err != nil {
					return true, sent, err
				}
			}
		}
		if !resp.More() {
			return started, sent, nil
		}
		if started {
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
		}
		// A client that left gets STOP (the worker finishes its generator
		// and stays in service), as in RoadRunner. Next itself is not tied
		// to the request context: the engine would kill the worker instead.
		// exec_ttl and stream_timeout still bound a stuck stream.
		if err := r.Context().Err(); err != nil {
			_ = resp.Stop()
			return started, sent, fmt.Errorf("%w: %v", errClientGone, err)
		}
		if err := resp.Next(context.Background()); err != nil {
			return started, sent, err
		}
	}
}

// informational sends a 1xx response (103 Early Hints) with the context's
// headers and then restores the header map, so the hints do not leak into
// the final response (RoadRunner issue #280). 101 would hijack the
// protocol and is ignored.
func (h *handler) informational(w http.ResponseWriter, status int, st *responseState) {
	if status == http.StatusSwitchingProtocols {
		h.log.Warn("http: worker sent 101 Switching Protocols; ignored")
		return
	}
	hdr := w.Header()
	st.restore = st.restore[:0]
	for _, f := range st.rc.fields {
		st.restore = append(st.restore, headerField{name: f.name, values: hdr[f.name]})
		hdr[f.name] = f.values
	}
	w.WriteHeader(status)
	for _, f := range st.restore {
		if f.values == nil {
			delete(hdr, f.name)
		} else {
			hdr[f.name] = f.values
		}
	}
}

// applyHeaders adds the worker's headers. Names listed in Trailer are sent
// as trailers (renamed with http.TrailerPrefix, as RoadRunner does), and
// Http2-Push values become server pushes where the connection allows.
//
// Values with control bytes (NUL and the like, RFC 9110 §5.5) are dropped
// and logged with the worker's PID: passed on, they reach clients and
// caches that each read them differently. CR and LF are turned into
// spaces when the header is written, as net/http does.
func (h *handler) applyHeaders(w http.ResponseWriter, fields []headerField, pid int) {
	hdr := w.Header()
	var trailer, push []string
	for _, f := range fields {
		switch f.name {
		case "Trailer":
			trailer = f.values
			continue
		case "Http2-Push":
			push = f.values
			continue
		}
		if !validHeaderName(f.name) {
			continue
		}
		values := f.values
		for _, v := range f.values {
			if hasControlByte(v) {
				values = h.dropControlValues(f.name, f.values, pid)
				break
			}
		}
		if len(values) == 0 {
			continue
		}
		if old, ok := hdr[f.name]; ok {
			hdr[f.name] = append(old, values...)
		} else {
			hdr[f.name] = values
		}
	}
	for _, list := range trailer {
		for _, name := range splitList(list) {
			name = http.CanonicalHeaderKey(name)
			if v, ok := hdr[name]; ok {
				hdr[http.TrailerPrefix+name] = v
				delete(hdr, name)
			}
		}
	}
	if p, ok := w.(http.Pusher); ok {
		for _, target := range push {
			_ = p.Push(target, nil)
		}
	}
}

// validHeaderName reports whether s is an RFC 9110 token, so a worker
// cannot inject header syntax through a name.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			continue
		}
		switch c {
		case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
			continue
		}
		return false
	}
	return true
}

// hasControlByte reports whether v holds a byte RFC 9110 §5.5 forbids in a
// field value, other than CR and LF (which the writers replace): NUL,
// the other C0 controls but HTAB, and DEL.
func hasControlByte(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 && c != '\t' && c != '\r' && c != '\n' || c == 0x7f {
			return true
		}
	}
	return false
}

// dropControlValues returns values without those that hold control bytes,
// and logs each one dropped.
func (h *handler) dropControlValues(name string, values []string, pid int) []string {
	kept := make([]string, 0, len(values))
	for _, v := range values {
		if !hasControlByte(v) {
			kept = append(kept, v)
			continue
		}
		h.log.LogAttrs(context.Background(), slog.LevelWarn, "http: response header value with control bytes dropped",
			slog.String("header", name), slog.String("value", strconv.QuoteToASCII(truncateString(v, 100))), slog.Int("pid", pid))
	}
	return kept
}

func truncateString(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
