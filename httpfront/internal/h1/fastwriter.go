package h1

import (
	"bufio"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/phprun/phprun/httpfront/internal/conns"
)

// fastBodyBuffer is how much body the fast path holds back before the
// header must go out: a response that fits and is complete when the
// handler returns gets a Content-Length, a longer or flushed one is sent
// chunked. It is net/http's bufferBeforeChunkingSize, so both paths frame
// the same responses the same way.
const fastBodyBuffer = 2048

// maxPostHandlerReadBytes is how much unread request body is discarded
// to keep the connection; past it the connection closes (as net/http).
const maxPostHandlerReadBytes = 256 << 10

// headerKV is one header field of the snapshot taken at WriteHeader.
type headerKV struct {
	key    string
	values []string
}

// fastWriter is the fast path's http.ResponseWriter. It mirrors the
// framing rules of net/http's response and chunkWriter (server.go):
// headers as they were at WriteHeader, Content-Type sniffing, a computed
// Content-Length for small complete bodies, chunked encoding otherwise,
// 1xx responses written at once, trailers, HEAD and no-body statuses.
// One fastWriter serves every request of a connection.
type fastWriter struct {
	c   *fastConn
	req *http.Request
	hdr http.Header

	body *bufio.Writer // fastBodyBuffer in front of the framing (w itself)

	status       int
	wroteHeader  bool // a final status was set
	committed    bool // status line and header written
	chunking     bool
	closeAfter   bool
	handlerDone  bool
	isHead       bool
	bodyLimitHit bool // too much request body left unread: close after the response
	wantsClose   bool // the request asked to close (read before the handler runs, as net/http)
	fullDuplex   bool // EnableFullDuplex: the request body is not discarded at the header

	clen    int64 // Content-Length declared or computed; -1 unknown
	written int64 // body bytes the handler wrote

	snap     []headerKV // header at WriteHeader time, sorted by key
	trailers []string   // declared with a Trailer header
	scratch  []byte
}

// fw adapts the framing layer to io.Writer for the body buffer without
// exposing a second Write method on fastWriter.
type fw struct{ w *fastWriter }

func (f fw) Write(p []byte) (int, error) { return f.w.writeFramed(p) }

func (w *fastWriter) reset(c *fastConn, req *http.Request) {
	*w = fastWriter{
		c: c, req: req, hdr: w.hdr, body: w.body, clen: -1,
		snap: w.snap[:0], trailers: w.trailers[:0], scratch: w.scratch[:0],
		isHead:     req.Method == http.MethodHead,
		wantsClose: req.Close || hasToken(req.Header.Get("Connection"), "close"),
	}
	if w.hdr == nil {
		w.hdr = make(http.Header, 8)
	} else {
		clear(w.hdr)
	}
	if w.body == nil {
		w.body = bufio.NewWriterSize(fw{w}, fastBodyBuffer)
	} else {
		w.body.Reset(fw{w})
	}
}

func (w *fastWriter) Header() http.Header { return w.hdr }

func (w *fastWriter) WriteHeader(code int) {
	if w.wroteHeader {
		w.c.srv.log.Warn("http: superfluous WriteHeader call", slog.Int("status", code))
		return
	}
	if code < 100 || code > 999 {
		panic("invalid WriteHeader code " + strconv.Itoa(code))
	}
	if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		w.writeInformational(code)
		return
	}
	w.wroteHeader = true
	w.status = code
	w.takeSnapshot(false)
	if cl := w.get("Content-Length"); cl != "" {
		v, err := strconv.ParseInt(cl, 10, 64)
		if err == nil && v >= 0 {
			w.clen = v
		} else {
			// Dropped from the handler's map but not from the snapshot:
			// net/http does the same (its header clone keeps the value),
			// so the response is chunked, and for HEAD the value is sent.
			w.c.srv.log.Warn("http: invalid Content-Length from the handler", slog.String("value", cl))
			w.hdr.Del("Content-Length")
		}
	}
}

// writeInformational sends a 1xx response with the current header (minus
// the length fields) at once; the header map is left as it is (RFC 8297).
func (w *fastWriter) writeInformational(code int) {
	bw := w.c.bw
	writeStatus(bw, code, &w.scratch)
	w.takeSnapshot(true)
	writeFields(bw, w.snap, &w.scratch)
	bw.WriteString("\r\n")
	if err := bw.Flush(); err != nil {
		w.closeAfter = true
	}
	w.snap = w.snap[:0]
}

// takeSnapshot copies the header map into snap, sorted by key as net/http
// writes it; noLength leaves out the length fields (1xx responses).
func (w *fastWriter) takeSnapshot(noLength bool) {
	w.snap = w.snap[:0]
	for k, v := range w.hdr {
		if noLength && (k == "Content-Length" || k == "Transfer-Encoding") {
			continue
		}
		w.snap = append(w.snap, headerKV{k, v})
	}
	slices.SortFunc(w.snap, func(a, b headerKV) int { return strings.Compare(a.key, b.key) })
}

func (w *fastWriter) Write(p []byte) (int, error) {
	if done, err := w.admit(len(p)); done {
		return 0, err
	}
	return w.body.Write(p)
}

func (w *fastWriter) WriteString(s string) (int, error) {
	if done, err := w.admit(len(s)); done {
		return 0, err
	}
	return w.body.WriteString(s)
}

// admit applies net/http's checks before n body bytes are written: the
// implied 200, no body for 1xx/204/304, no more than a declared
// Content-Length. done means write nothing and return err.
func (w *fastWriter) admit(n int) (done bool, err error) {
	if w.c.hijacked {
		return true, http.ErrHijacked
	}
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if n == 0 {
		return true, nil
	}
	if !bodyAllowedForStatus(w.status) {
		return true, http.ErrBodyNotAllowed
	}
	w.written += int64(n)
	if w.clen != -1 && w.written > w.clen {
		return true, http.ErrContentLength
	}
	return false, nil
}

// Flush sends what is buffered, the header first if need be.
func (w *fastWriter) Flush() {
	if w.c.hijacked {
		return
	}
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	_ = w.body.Flush()
	if !w.committed {
		w.commit(nil)
	}
	if err := w.c.bw.Flush(); err != nil {
		w.closeAfter = true
	}
}

// ReadFrom is net/http's response.ReadFrom: the first 512 bytes go
// through Write (for sniffing, and so nothing is sent before the source
// delivers), then with a known length the connection's ReadFrom takes
// over, which is sendfile for files (static middleware).
func (w *fastWriter) ReadFrom(src io.Reader) (n int64, err error) {
	bufp := conns.CopyBuffer()
	defer conns.PutCopyBuffer(bufp)
	rf, ok := w.c.rwc.(io.ReaderFrom)
	if !ok {
		return io.CopyBuffer(writerOnly{w}, src, *bufp)
	}
	if !w.committed {
		n0, err := io.CopyBuffer(writerOnly{w}, io.LimitReader(src, sniffLen), *bufp)
		n += n0
		if err != nil || n0 < sniffLen {
			return n, err
		}
	}
	_ = w.body.Flush()
	if !w.committed {
		w.commit(nil)
	}
	if err := w.c.bw.Flush(); err != nil {
		w.closeAfter = true
		return n, err
	}
	if !w.chunking && bodyAllowedForStatus(w.status) && !w.isHead {
		n0, err := rf.ReadFrom(src)
		n += n0
		w.written += n0
		return n, err
	}
	n0, err := io.CopyBuffer(writerOnly{w}, src, *bufp)
	return n + n0, err
}

// sniffLen is how many bytes http.DetectContentType looks at.
const sniffLen = 512

// SetReadDeadline, SetWriteDeadline and EnableFullDuplex serve
// http.ResponseController, as on net/http's connections.
func (w *fastWriter) SetReadDeadline(t time.Time) error {
	w.c.dlKind = dlOther // the loop re-arms its own deadlines next time
	return w.c.rwc.SetReadDeadline(t)
}
func (w *fastWriter) SetWriteDeadline(t time.Time) error { return w.c.rwc.SetWriteDeadline(t) }
func (w *fastWriter) EnableFullDuplex() error            { w.fullDuplex = true; return nil }

// Hijack hands the connection to the handler (net/http's semantics: a
// header already written is flushed first; the reader keeps what the
// client sent ahead). The server forgets the connection.
func (w *fastWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c := w.c
	if c.hijacked {
		return nil, nil, http.ErrHijacked
	}
	if w.handlerDone {
		return nil, nil, errors.New("httpfront: Hijack after the handler returned")
	}
	if w.wroteHeader {
		_ = w.body.Flush()
		if !w.committed {
			w.commit(nil)
		}
		_ = c.bw.Flush()
	}
	c.hijacked = true
	c.srv.track(c, false)
	_ = c.rwc.SetDeadline(time.Time{})
	return c.rwc, bufio.NewReadWriter(c.br, bufio.NewWriter(c.rwc)), nil
}

// writerOnly hides ReadFrom from io.Copy.
type writerOnly struct{ io.Writer }

// writeFramed is the chunkWriter: the first call commits the header (with
// p, the first body bytes, for sniffing and the computed length).
func (w *fastWriter) writeFramed(p []byte) (int, error) {
	if !w.committed {
		w.commit(p)
	}
	if w.isHead {
		return len(p), nil
	}
	bw := w.c.bw
	if w.chunking {
		w.scratch = strconv.AppendInt(w.scratch[:0], int64(len(p)), 16)
		w.scratch = append(w.scratch, '\r', '\n')
		bw.Write(w.scratch)
	}
	n, err := bw.Write(p)
	if w.chunking && err == nil {
		_, err = bw.WriteString("\r\n")
	}
	if err != nil {
		w.closeAfter = true
		_ = w.c.rwc.Close()
	}
	return n, err
}

// finish completes the response after the handler returned.
func (w *fastWriter) finish() {
	w.handlerDone = true
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	_ = w.body.Flush()
	if !w.committed {
		w.commit(nil)
	}
	if w.chunking {
		bw := w.c.bw
		bw.WriteString("0\r\n")
		w.writeTrailers(bw)
		bw.WriteString("\r\n")
	}
	if !w.isHead && w.clen != -1 && bodyAllowedForStatus(w.status) && w.clen != w.written {
		w.closeAfter = true // the client waits for bytes that will not come
	}
}

// writeTrailers sends the values of TrailerPrefix keys and of the names
// declared in a Trailer header, read from the header map now.
func (w *fastWriter) writeTrailers(bw *bufio.Writer) {
	var t []headerKV
	for k, vv := range w.hdr {
		if kk, ok := strings.CutPrefix(k, http.TrailerPrefix); ok {
			t = append(t, headerKV{kk, vv})
		}
	}
	for _, k := range w.trailers {
		if vv := w.hdr[k]; len(vv) > 0 {
			t = append(t, headerKV{k, vv})
		}
	}
	if len(t) == 0 {
		return
	}
	slices.SortStableFunc(t, func(a, b headerKV) int { return strings.Compare(a.key, b.key) })
	writeFields(bw, t, &w.scratch)
}

// commit decides the framing and writes the status line and header
// (chunkWriter.writeHeader in net/http).
func (w *fastWriter) commit(p []byte) {
	w.committed = true
	var extra struct {
		contentType, connection, transferEncoding string
		date, contentLength                       bool
	}
	trailers := false
	for i := range w.snap {
		if strings.HasPrefix(w.snap[i].key, http.TrailerPrefix) {
			trailers = true
		}
	}
	for _, v := range w.lookup("Trailer") {
		trailers = true
		forEachElement(v, func(k string) {
			k = http.CanonicalHeaderKey(k)
			if httpguts.ValidTrailerHeader(k) {
				w.trailers = append(w.trailers, k)
			}
		})
	}
	te := w.get("Transfer-Encoding")
	hasTE := te != ""
	if w.handlerDone && !trailers && !hasTE && bodyAllowedForStatus(w.status) && !w.has("Content-Length") && (!w.isHead || len(p) > 0) {
		w.clen = int64(len(p))
		extra.contentLength = true
	}
	hasCL := w.clen != -1

	if w.wantsClose || w.c.srv.closing.Load() || hasToken(w.get("Connection"), "close") {
		w.closeAfter = true
	}
	// Unread request body: discard a little of it to keep the
	// connection, or close after the response (net/http's rules).
	if w.req.ContentLength != 0 && !w.closeAfter && !w.fullDuplex {
		b := &w.c.body
		tooBig := false
		switch {
		case b.closed:
			if !b.eof {
				w.closeAfter = true
			}
		case w.req.ContentLength-b.n >= maxPostHandlerReadBytes:
			tooBig = true
		default:
			_, err := io.CopyN(io.Discard, b, maxPostHandlerReadBytes+1)
			switch err {
			case nil:
				tooBig = true
			case io.EOF:
			default:
				w.closeAfter = true
			}
		}
		if tooBig {
			w.closeAfter, w.bodyLimitHit = true, true
			w.del("Connection")
			extra.connection = "close"
		}
	}

	if bodyAllowedForStatus(w.status) {
		if _, haveType := w.find("Content-Type"); !haveType && w.get("Content-Encoding") == "" && !hasTE && len(p) > 0 {
			extra.contentType = http.DetectContentType(p)
		}
	} else {
		w.del("Content-Length")
		w.del("Transfer-Encoding")
		if w.status == http.StatusNotModified {
			w.del("Content-Type")
		}
	}
	if !w.has("Date") {
		extra.date = true
	}
	if hasCL && hasTE && te != "identity" {
		w.c.srv.log.Warn("http: handler set both Transfer-Encoding and Content-Length; Content-Length dropped", slog.String("transfer_encoding", te))
		w.del("Content-Length")
		hasCL = false
	}
	switch {
	case w.isHead || !bodyAllowedForStatus(w.status):
		w.del("Transfer-Encoding")
	case hasCL:
		w.del("Transfer-Encoding")
	case hasTE && te == "identity":
		w.closeAfter = true
		w.del("Transfer-Encoding")
	default:
		w.chunking = true
		extra.transferEncoding = "chunked"
		if hasTE && te == "chunked" {
			w.del("Transfer-Encoding")
		}
	}
	if w.chunking {
		w.del("Content-Length")
	}
	if w.closeAfter && (w.c.srv.closing.Load() || !hasToken(w.get("Connection"), "close")) {
		w.del("Connection")
		extra.connection = "close"
	}

	w.c.lastDone = time.Now()
	bw := w.c.bw
	writeStatus(bw, w.status, &w.scratch)
	writeFields(bw, w.snap, &w.scratch)
	if extra.date {
		bw.WriteString("Date: ")
		bw.Write(w.c.date.get(w.c.lastDone))
		bw.WriteString("\r\n")
	}
	if extra.contentLength {
		bw.WriteString("Content-Length: ")
		w.scratch = strconv.AppendInt(w.scratch[:0], w.clen, 10)
		bw.Write(w.scratch)
		bw.WriteString("\r\n")
	}
	for _, f := range [...]struct{ k, v string }{
		{"Content-Type", extra.contentType}, {"Connection", extra.connection}, {"Transfer-Encoding", extra.transferEncoding},
	} {
		if f.v != "" {
			bw.WriteString(f.k)
			bw.WriteString(": ")
			bw.WriteString(f.v)
			bw.WriteString("\r\n")
		}
	}
	bw.WriteString("\r\n")
}

// find, get, has, lookup and del work on the WriteHeader snapshot.
func (w *fastWriter) find(key string) (int, bool) {
	for i := range w.snap {
		if w.snap[i].key == key {
			return i, true
		}
	}
	return -1, false
}

func (w *fastWriter) lookup(key string) []string {
	if i, ok := w.find(key); ok {
		return w.snap[i].values
	}
	return nil
}

func (w *fastWriter) get(key string) string {
	if v := w.lookup(key); len(v) > 0 {
		return v[0]
	}
	return ""
}

func (w *fastWriter) has(key string) bool {
	i, ok := w.find(key)
	return ok && len(w.snap[i].values) > 0
}

func (w *fastWriter) del(key string) {
	if i, ok := w.find(key); ok {
		w.snap = slices.Delete(w.snap, i, i+1)
	}
}

// writeStatus writes "HTTP/1.1 <code> <text>" as net/http does.
func writeStatus(bw *bufio.Writer, code int, scratch *[]byte) {
	bw.WriteString("HTTP/1.1 ")
	if text := http.StatusText(code); text != "" {
		*scratch = strconv.AppendInt((*scratch)[:0], int64(code), 10)
		bw.Write(*scratch)
		bw.WriteByte(' ')
		bw.WriteString(text)
	} else {
		// 100 ≤ code ≤ 999 (WriteHeader checks), so three digits.
		*scratch = strconv.AppendInt((*scratch)[:0], int64(code), 10)
		bw.Write(*scratch)
		bw.WriteString(" status code ")
		bw.Write(*scratch)
	}
	bw.WriteString("\r\n")
}

// writeFields writes header fields as net/http's Header.writeSubset:
// invalid names dropped, CR/LF in values turned into spaces, values
// trimmed, TrailerPrefix keys left out.
func writeFields(bw *bufio.Writer, kvs []headerKV, scratch *[]byte) {
	for _, kv := range kvs {
		if strings.HasPrefix(kv.key, http.TrailerPrefix) || !httpguts.ValidHeaderFieldName(kv.key) {
			continue
		}
		for _, v := range kv.values {
			bw.WriteString(kv.key)
			bw.WriteString(": ")
			if strings.ContainsAny(v, "\r\n") {
				b := append((*scratch)[:0], v...)
				for i, c := range b {
					if c == '\r' || c == '\n' {
						b[i] = ' '
					}
				}
				*scratch = b
				v = string(b)
			}
			bw.WriteString(textproto.TrimString(v))
			bw.WriteString("\r\n")
		}
	}
}

// bodyAllowedForStatus: 1xx, 204 and 304 responses carry no body.
func bodyAllowedForStatus(status int) bool {
	switch {
	case status >= 100 && status <= 199, status == http.StatusNoContent, status == http.StatusNotModified:
		return false
	}
	return true
}

// hasToken reports whether token (lower case) occurs in the header value
// v on token boundaries (space, comma, tab), case-insensitively: the
// rule of net/http's hasToken, so both paths read Connection alike.
func hasToken(v, token string) bool {
	if len(token) > len(v) || token == "" {
		return false
	}
	for sp := 0; sp <= len(v)-len(token); sp++ {
		if b := v[sp]; b != token[0] && b|0x20 != token[0] {
			continue
		}
		if sp > 0 && !isTokenBoundary(v[sp-1]) {
			continue
		}
		if end := sp + len(token); end != len(v) && !isTokenBoundary(v[end]) {
			continue
		}
		if strings.EqualFold(v[sp:sp+len(token)], token) {
			return true
		}
	}
	return false
}

func isTokenBoundary(b byte) bool { return b == ' ' || b == ',' || b == '\t' }

// forEachElement calls fn for each non-empty element of a "#rule" list.
func forEachElement(v string, fn func(string)) {
	for f := range strings.SplitSeq(v, ",") {
		if f = textproto.TrimString(f); f != "" {
			fn(f)
		}
	}
}

// dateCache formats the Date header once per second.
type dateCache struct {
	sec int64
	buf []byte
}

func (d *dateCache) get(now time.Time) []byte {
	if s := now.Unix(); s != d.sec || d.buf == nil {
		d.sec = s
		d.buf = now.UTC().AppendFormat(d.buf[:0], http.TimeFormat)
	}
	return d.buf
}
