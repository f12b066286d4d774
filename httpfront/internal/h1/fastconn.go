package h1

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/phprun/phprun/httpfront/internal/conns"
	"golang.org/x/net/http/httpguts"

	"github.com/phprun/phprun/engine/fdio"
)

// Connection states for Shutdown: an idle connection waits for the next
// request and may be closed; an active one finishes its response first.
const (
	connIdle int32 = iota
	connActive
	connClosing
)

// fastHeadMax is the largest request head the fast path parses (its read
// buffer); longer heads go to net/http, which applies MaxHeaderBytes.
const fastHeadMax = 4096

// rstAvoidanceDelay: after a response that leaves request body unread,
// the write side is closed and the connection lingers this long, so the
// client reads the response before an RST (net/http does the same).
const rstAvoidanceDelay = 500 * time.Millisecond

var (
	fastReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, fastHeadMax) }}
	fastWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4096) }}
	crlfcrlf    = []byte("\r\n\r\n")
)

// fastConn is one plain connection on the fast path.
//
// What the fast path serves: HTTP/1.1 requests whose head fits in 4 KiB,
// with a valid single Host, valid header fields, and either no body or a
// Content-Length body without Expect. Everything else (HTTP/1.0 and 0.9,
// the HTTP/2 preface, chunked or 100-continue uploads, CONNECT, heads net/
// http would reject) is handed to net/http together with the bytes read so
// far, and that connection stays with net/http.
type fastConn struct {
	srv        *fastServer
	rwc        net.Conn
	br         *bufio.Reader
	bw         *bufio.Writer
	remoteAddr string
	state      atomic.Int32
	handedOver bool
	hijacked   bool         // the handler took the connection (Hijack)
	lastPOST   bool         // the previous request was a POST (see the CRLF rule in serve)
	head       []byte       // copy of the head being parsed, replayed on hand-over
	req        http.Request // what parseSimpleHead fills; serveRequest hands the handler a copy
	w          fastWriter
	body       fastBody // wraps the current request's body, if it has one
	ctx        connContext
	date       dateCache

	// read deadline bookkeeping (see armIdle)
	dlKind      int
	idleSetAt   time.Time
	headerArmed bool
	lastDone    time.Time // when the last response was committed
}

func newFastConn(s *fastServer, c net.Conn) *fastConn {
	fc := &fastConn{srv: s, rwc: c, remoteAddr: c.RemoteAddr().String()}
	fc.ctx.init(c, s.std)
	return fc
}

// serve runs the request loop until the client leaves, an error, a
// hand-over or Shutdown.
func (c *fastConn) serve() {
	// Plain reads and writes are raw calls (package fdio: they keep the
	// runtime's sysmon asleep); deadlines, sendfile and the rest use rwc.
	rw := fdio.Conn(c.rwc)
	c.br = fastReaders.Get().(*bufio.Reader)
	c.br.Reset(rw)
	c.bw = fastWriters.Get().(*bufio.Writer)
	c.bw.Reset(rw)
	defer func() {
		if v := recover(); v != nil && v != http.ErrAbortHandler {
			c.srv.log.Error("http: panic serving request", slog.String("remote_addr", c.remoteAddr),
				slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
		}
		c.srv.track(c, false)
		if c.hijacked {
			return // the handler owns the connection and its reader now
		}
		if !c.handedOver {
			// What is buffered goes out before the close, a panicking
			// handler's partial response included (net/http's finalFlush).
			_ = c.bw.Flush()
		}
		c.bw.Reset(nil)
		fastWriters.Put(c.bw)
		if !c.handedOver {
			_ = c.rwc.Close()
			c.br.Reset(nil)
			fastReaders.Put(c.br)
		}
	}()
	first := true
	for {
		// net/http waits for 4 bytes between requests and ends quietly on
		// EOF before them (a client's trailing CRLF before it closes is no
		// request); the first request has no such wait.
		c.headerArmed = false
		if (first && c.br.Buffered() == 0 || !first && c.br.Buffered() < 4) && !c.waitRequest(first) {
			return
		}
		first = false
		now := time.Now()
		if c.lastPOST {
			// RFC 7230 section 3: old clients send a CRLF after a POST
			// body; net/http skips up to four CR/LF bytes there too.
			peek, _ := c.br.Peek(4)
			k := 0
			for k < len(peek) && (peek[k] == '\r' || peek[k] == '\n') {
				k++
			}
			_, _ = c.br.Discard(k)
		}
		n, err := c.peekHead()
		if errors.Is(err, errNotFast) {
			c.handOver(nil)
			return
		}
		http10 := errors.Is(err, errHTTP10Head)
		if err != nil && !http10 {
			return // EOF or timeout before a complete head: net/http says nothing either
		}
		// The connection counts as idle (Shutdown closes it at once) until
		// a complete head is here: half a head is no request being served.
		if !c.state.CompareAndSwap(connIdle, connActive) {
			return // Shutdown closed us while idle
		}
		head, _ := c.br.Peek(n)
		if c.srv.strict {
			if reason := framingFault(head); reason != "" {
				c.rejectFraming(reason)
				return
			}
		}
		if http10 {
			c.handOver(nil)
			return
		}
		c.head = append(c.head[:0], head...)
		var req *http.Request
		if parseSimpleHead(head, &c.req) {
			_, _ = c.br.Discard(n)
			req = &c.req
		} else if req, err = http.ReadRequest(c.br); err != nil {
			c.handOver(c.head)
			return
		}
		if !c.fastRequest(req) {
			c.handOver(c.head)
			return
		}
		c.lastPOST = req.Method == http.MethodPost
		if !c.serveRequest(req, now) {
			return
		}
		c.state.Store(connIdle)
	}
}

// errNotFast: the head does not fit the fast path's buffer.
var errNotFast = errors.New("request head too large for the fast path")

// errHTTP10Head: a complete HTTP/1.0 head is buffered; it goes to net/http
// once the strict framing checks have seen it.
var errHTTP10Head = errors.New("HTTP/1.0 request head")

// waitRequest waits (idle, so Shutdown may close the connection) for the
// next request: its first byte before the first request, bounded by
// ReadHeaderTimeout, and four bytes later, bounded by IdleTimeout
// (ReadTimeout when unset), as net/http waits.
func (c *fastConn) waitRequest(first bool) bool {
	n := 4
	if first {
		n = 1
		c.armHeader()
	} else {
		c.armIdle()
	}
	_, err := c.br.Peek(n)
	return err == nil
}

// Read deadlines cost a timer update each; on a busy keep-alive
// connection the fast path sets none at all per request. The idle
// deadline is re-armed only when an eighth of it has passed since it was
// set (so a connection may be closed after 7/8 of idle_timeout of
// silence at the earliest), the header deadline only when the head was
// not complete in what the first read brought, the body deadline only
// for requests with a body.
const (
	dlNone  = iota // no read deadline set
	dlIdle         // the idle deadline, set at idleSetAt
	dlOther        // a header, body or handler-set deadline
)

func (c *fastConn) armIdle() {
	std := c.srv.std
	d := std.IdleTimeout
	if d == 0 {
		d = std.ReadTimeout
	}
	if d <= 0 {
		c.setReadDeadline(time.Time{}, dlNone)
		return
	}
	now := c.lastDone // end of the previous response (no clock read here)
	if now.IsZero() {
		now = time.Now()
	}
	if c.dlKind == dlIdle && now.Sub(c.idleSetAt) < d/8 {
		return
	}
	c.idleSetAt = now
	c.setReadDeadline(now.Add(d), dlIdle)
}

// armHeader bounds reading the rest of the head, once per request.
func (c *fastConn) armHeader() {
	if c.headerArmed {
		return
	}
	c.headerArmed = true
	std := c.srv.std
	d := std.ReadHeaderTimeout
	if d == 0 {
		d = std.ReadTimeout
	}
	if d > 0 {
		c.setReadDeadline(time.Now().Add(d), dlOther)
	} else {
		c.setReadDeadline(time.Time{}, dlNone)
	}
}

func (c *fastConn) setReadDeadline(t time.Time, kind int) {
	if kind == dlNone && c.dlKind == dlNone {
		return
	}
	_ = c.rwc.SetReadDeadline(t)
	c.dlKind = kind
}

// peekHead waits until the request head (through its blank line) is
// buffered and returns its length. It returns errNotFast as soon as the
// bytes show the request is not for the fast path (a first line that is
// not HTTP/1.1, a bare LF, a head over fastHeadMax), so that net/http
// answers it without waiting for more.
func (c *fastConn) peekHead() (int, error) {
	from, lineDone, http10 := 0, false, false
	for {
		buf, _ := c.br.Peek(c.br.Buffered())
		for i := from; i < len(buf); i++ {
			j := bytes.IndexByte(buf[i:], '\n')
			if j < 0 {
				break
			}
			i += j
			if i == 0 || buf[i-1] != '\r' {
				return 0, errNotFast // bare LF: net/http's lenient parser decides
			}
			if !lineDone {
				if !fastRequestLine(buf[:i+1]) {
					// An HTTP/1.0 head is read whole for the strict
					// framing checks (framing.go) before net/http gets it.
					if !c.srv.strict || !bytes.HasSuffix(buf[:i+1], []byte(" HTTP/1.0\r\n")) {
						return 0, errNotFast
					}
					http10 = true
				}
				lineDone = true
			}
			if i >= 3 && buf[i-2] == '\n' && buf[i-3] == '\r' {
				if http10 {
					return i + 1, errHTTP10Head
				}
				return i + 1, nil
			}
		}
		if len(buf) >= fastHeadMax {
			return 0, errNotFast
		}
		from = len(buf)
		c.armHeader()
		if _, err := c.br.Peek(len(buf) + 1); err != nil {
			if len(buf) > 0 && !conns.IsTimeout(err) {
				return 0, errNotFast // a head cut short: net/http answers what there is
			}
			return 0, err
		}
	}
}

// fastRequestLine checks cheaply that line is
// "METHOD SP target SP HTTP/1.1\r\n" with a target other than "*";
// anything else (other versions, the HTTP/2 preface, a leading CRLF,
// OPTIONS *, garbage) goes to net/http.
func fastRequestLine(line []byte) bool {
	line = bytes.TrimSuffix(line, []byte("\r\n"))
	rest, ok := bytes.CutSuffix(line, []byte(" HTTP/1.1"))
	if !ok || len(rest) < 3 || rest[0] == ' ' {
		return false
	}
	sp := bytes.IndexByte(rest, ' ')
	return sp > 0 && sp < len(rest)-1 && string(rest[sp+1:]) != "*"
}

// fastRequest applies net/http's checks beyond ReadRequest (Host, header
// syntax) and the fast path's own limits; false hands the request over.
func (c *fastConn) fastRequest(req *http.Request) bool {
	if req.ProtoMajor != 1 || req.ProtoMinor != 1 || req.Method == http.MethodConnect || req.Method == "PRI" || req.RequestURI == "*" {
		return false
	}
	if len(req.TransferEncoding) > 0 || req.ContentLength < 0 {
		return false
	}
	if _, ok := req.Header["Expect"]; ok {
		return false
	}
	// ReadRequest has removed Host from the header (and refused two).
	// An empty req.Host may be a missing or an empty header, and an
	// absolute-form target hides the header's value: net/http's checks
	// need the header itself, so those go there.
	if req.URL.Host != "" || req.Host == "" || !httpguts.ValidHostHeader(req.Host) {
		return false
	}
	for k, vv := range req.Header {
		if !httpguts.ValidHeaderFieldName(k) {
			return false
		}
		for _, v := range vv {
			if !httpguts.ValidHeaderFieldValue(v) {
				return false
			}
		}
	}
	return true
}

// serveRequest runs the handler for req and completes the response. It
// reports whether the connection may serve another request.
func (c *fastConn) serveRequest(req *http.Request, start time.Time) bool {
	std := c.srv.std
	if req.ContentLength > 0 {
		// Neither the idle nor the header deadline may cut a slow upload.
		if d := std.ReadTimeout; d > 0 {
			c.setReadDeadline(start.Add(d), dlOther)
		} else {
			c.setReadDeadline(time.Time{}, dlNone)
		}
	}
	if d := std.WriteTimeout; d > 0 {
		_ = c.rwc.SetWriteDeadline(time.Now().Add(d))
	}
	req.RemoteAddr = c.remoteAddr
	c.body = fastBody{}
	if req.ContentLength > 0 {
		c.body = fastBody{rc: req.Body, cl: req.ContentLength}
		req.Body = &c.body
	}
	c.ctx.begin(start)
	req = req.WithContext(&c.ctx)
	w := &c.w
	w.reset(c, req)
	c.srv.h.ServeHTTP(w, req)
	if c.hijacked {
		return false
	}
	w.finish()
	err := c.bw.Flush()
	// As net/http's finishRequest: close the body (a large unread rest is
	// not read, and the connection then closes after a linger) and remove
	// the temp files of a multipart form the handler parsed.
	if req.ContentLength > 0 {
		_ = c.body.Close()
	}
	if req.MultipartForm != nil {
		_ = req.MultipartForm.RemoveAll()
	}
	if std.WriteTimeout > 0 {
		_ = c.rwc.SetWriteDeadline(time.Time{})
	}
	if err != nil || c.ctx.gone() {
		return false
	}
	if w.closeAfter || c.body.early {
		if w.bodyLimitHit || c.body.early {
			_ = conns.CloseWrite(c.rwc)
			time.Sleep(rstAvoidanceDelay)
		}
		return false
	}
	return !c.srv.closing.Load()
}

// fastBody counts what the handler reads of a request body, so that the
// unread rest is known when the response starts (net/http's body type
// knows it; ours wraps it). Close does not read a large rest (net/http's
// early close): the connection is closed after the response instead.
type fastBody struct {
	rc     io.ReadCloser
	cl     int64 // the request's Content-Length
	n      int64 // bytes read
	eof    bool
	closed bool
	early  bool // closed with more than maxPostHandlerReadBytes unread
}

func (b *fastBody) Read(p []byte) (int, error) {
	if b.closed {
		return 0, http.ErrBodyReadAfterClose
	}
	n, err := b.rc.Read(p)
	b.n += int64(n)
	if err == io.EOF {
		b.eof = true
	}
	return n, err
}

func (b *fastBody) Close() error {
	if b.closed {
		return nil
	}
	b.closed = true
	if b.eof {
		return nil
	}
	if b.cl-b.n > maxPostHandlerReadBytes {
		b.early = true
		return nil
	}
	n, err := io.CopyN(io.Discard, b.rc, maxPostHandlerReadBytes)
	b.n += n
	if err == io.EOF {
		b.eof = true
		return nil
	}
	if err == nil {
		b.early = true // more than the limit was left
		return nil
	}
	return err
}

// closeIfIdle closes the connection if it waits between requests.
func (c *fastConn) closeIfIdle() {
	if c.state.CompareAndSwap(connIdle, connClosing) {
		_ = c.rwc.Close()
	}
}

// handOver gives the connection to net/http; prefix (the head already
// consumed from the reader, if any) is replayed before the buffered bytes.
func (c *fastConn) handOver(prefix []byte) {
	_ = c.rwc.SetReadDeadline(time.Time{})
	_ = c.rwc.SetWriteDeadline(time.Time{})
	hc := &handedConn{Conn: c.rwc, br: c.br}
	if len(prefix) > 0 {
		hc.prefix = append([]byte(nil), prefix...)
	}
	c.handedOver = true
	c.srv.track(c, false)
	if !c.srv.handOver(&conns.RejectLogConn{Conn: hc, Log: c.srv.log}) {
		_ = c.rwc.Close()
	}
}

// handedConn is a connection handed to net/http: reads return the
// replayed prefix, then what the fast path had buffered, then the socket.
type handedConn struct {
	net.Conn
	prefix []byte
	br     *bufio.Reader
}

func (h *handedConn) Read(p []byte) (int, error) {
	if len(h.prefix) > 0 {
		n := copy(p, h.prefix)
		h.prefix = h.prefix[n:]
		return n, nil
	}
	if h.br != nil {
		if h.br.Buffered() > 0 {
			return h.br.Read(p)
		}
		h.br = nil // drained: from now on straight from the socket
	}
	return h.Conn.Read(p)
}

// CloseWrite and ReadFrom keep net/http's graceful close and sendfile
// working through the wrapper.
func (h *handedConn) CloseWrite() error                   { return conns.CloseWrite(h.Conn) }
func (h *handedConn) ReadFrom(r io.Reader) (int64, error) { return conns.ReadFrom(h.Conn, r) }

// ensure connContext satisfies context.Context at compile time.
var _ context.Context = (*connContext)(nil)
