package httpfront

import (
	"bytes"
	"io"
	"log/slog"
	"net"
)

// net/http answers requests it cannot parse (malformed request lines,
// header bombs → 431, bad Host, bad Content-Length) itself, before any
// handler runs, and logs nothing. rejectLogListener wraps accepted plain
// connections so those answers still leave a log line naming the cause
// (the fast path and tlsListener wrap the connections they hand to
// net/http likewise). The cost is one wrapper per connection and a
// prefix check per write.
type rejectLogListener struct {
	net.Listener
	log *slog.Logger
}

func (l rejectLogListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &rejectLogConn{Conn: c, log: l.log}, nil
}

type rejectLogConn struct {
	net.Conn
	log *slog.Logger
}

// goErrorHeaders is what net/http writes after the status line of its own
// error responses (server.go: errorHeaders); handler responses always
// differ (they carry Date, and headers in sorted order).
var goErrorHeaders = []byte("\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n")

func (c *rejectLogConn) Write(p []byte) (int, error) {
	if len(p) > 12 && p[9] == '4' && bytes.HasPrefix(p, []byte("HTTP/1.1 4")) {
		if i := bytes.Index(p, goErrorHeaders); i > 0 {
			reason := p[i+len(goErrorHeaders):]
			reason = reason[:min(len(reason), 200)]
			c.log.Info("http: request rejected by the HTTP parser",
				slog.String("status", string(p[9:i])), slog.String("reason", string(reason)),
				slog.String("remote_addr", c.RemoteAddr().String()))
		}
	}
	return c.Conn.Write(p)
}

// ReadFrom keeps sendfile for static files working through the wrapper.
func (c *rejectLogConn) ReadFrom(r io.Reader) (int64, error) { return readFromConn(c.Conn, r) }

// CloseWrite keeps net/http's graceful close (FIN, then a short linger)
// working, so that a client still reads e.g. a 413 sent before its body.
func (c *rejectLogConn) CloseWrite() error { return closeWriteConn(c.Conn) }

// readFromConn and closeWriteConn reach the ReadFrom (sendfile) and
// CloseWrite of the connection inside a wrapper that embeds net.Conn,
// which hides them.
func readFromConn(c net.Conn, r io.Reader) (int64, error) {
	if rf, ok := c.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c}, r)
}

func closeWriteConn(c net.Conn) error {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
