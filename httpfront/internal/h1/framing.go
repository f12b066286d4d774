package h1

import (
	"bytes"
	"log/slog"
	"time"

	"github.com/phprun/phprun/httpfront/internal/conns"
)

// Strict message framing (RFC 9112 §6–7). net/http resolves a request
// that carries both Content-Length and Transfer-Encoding by letting
// Transfer-Encoding win and keeps the connection open; it joins folded
// header lines; and it ignores Transfer-Encoding on HTTP/1.0 in favour of
// Content-Length. A proxy in front that reads the same bytes the other way
// then sees the rest of the body as a second request (request smuggling).
// phprun's Server therefore answers such heads with 400 and closes the
// connection before net/http parses them (fastConn.serve calls framingFault
// on every head it reads; SetStrict turns this on), and closes the
// connection after every request with a Transfer-Encoding that net/http
// serves (httpfront's closeAfterTE), which
// covers the heads phprun cannot see: TLS connections, later requests on
// a connection handed to net/http, and heads over 4 KiB.

// framingFault returns why the request head must be refused, or "". head
// runs through its blank line with CRLF line ends (peekHead's guarantee).
// It costs one pass over the head's line starts.
func framingFault(head []byte) string {
	line, rest, _ := bytes.Cut(head, []byte("\r\n"))
	http10 := bytes.HasSuffix(line, []byte(" HTTP/1.0"))
	var te, cl int
	for len(rest) > 2 {
		line, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			return "folded header line (obs-fold)"
		}
		name, _, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue // net/http refuses the line itself
		}
		switch len(name) {
		case len("Transfer-Encoding"):
			if asciiEqualFold(name, "transfer-encoding") {
				te++
			}
		case len("Content-Length"):
			if asciiEqualFold(name, "content-length") {
				cl++
			}
		}
	}
	switch {
	case te > 0 && cl > 0:
		return "Content-Length together with Transfer-Encoding"
	case te > 0 && http10:
		return "Transfer-Encoding in an HTTP/1.0 request"
	}
	return ""
}

// asciiEqualFold reports whether b equals the lower-case ASCII s, ignoring
// case.
func asciiEqualFold(b []byte, s string) bool {
	for i := 0; i < len(b); i++ {
		if b[i]|0x20 != s[i] {
			return false
		}
	}
	return true
}

// badFraming is the answer to a refused head, in net/http's form for its
// own 400s (so logs and clients see one style).
const badFraming = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: "

// rejectFraming answers 400, logs why at info level (a client error), and
// closes the connection gracefully: the write side first, then a linger
// so that the client reads the answer before the socket is reset.
func (c *fastConn) rejectFraming(reason string) {
	c.srv.log.Info("http: request rejected", slog.String("status", "400 Bad Request"),
		slog.String("reason", reason), slog.String("remote_addr", c.remoteAddr))
	_ = c.rwc.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = c.bw.WriteString(badFraming)
	_, _ = c.bw.WriteString(reason)
	if c.bw.Flush() == nil {
		_ = conns.CloseWrite(c.rwc)
		time.Sleep(rstAvoidanceDelay)
	}
}

// FramingFault is framingFault for httpfront's fuzz test, whose oracle and
// seed corpus (the adversarial cases) live there.
func FramingFault(head []byte) string { return framingFault(head) }
