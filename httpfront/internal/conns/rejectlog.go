package conns

import (
	"bytes"
	"io"
	"log/slog"
	"net"
)

// net/http answers requests it cannot parse (malformed request lines,
// header bombs → 431, bad Host, bad Content-Length) itself, before any
// handler runs, and logs nothing. RejectLogListener wraps accepted plain
// connections so those answers still leave a log line naming the cause
// (the fast path and tlsListener wrap the connections they hand to
// net/http likewise). The cost is one wrapper per connection and a
// prefix check per write.
type RejectLogListener struct {
	net.Listener
	Log *slog.Logger
}

func (l RejectLogListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &RejectLogConn{Conn: c, Log: l.Log}, nil
}

// RejectLogConn logs the error answers net/http writes itself on Conn to
// Log (see RejectLogListener).
type RejectLogConn struct {
	net.Conn
	Log *slog.Logger
}

// goErrorHeaders is what net/http writes after the status line of its own
// error responses (server.go: errorHeaders); handler responses always
// differ (they carry Date, and headers in sorted order).
var goErrorHeaders = []byte("\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n")

func (c *RejectLogConn) Write(p []byte) (int, error) {
	if len(p) > 12 && p[9] == '4' && bytes.HasPrefix(p, []byte("HTTP/1.1 4")) {
		if i := bytes.Index(p, goErrorHeaders); i > 0 {
			reason := p[i+len(goErrorHeaders):]
			reason = reason[:min(len(reason), 200)]
			c.Log.Info("http: request rejected by the HTTP parser",
				slog.String("status", string(p[9:i])), slog.String("reason", string(reason)),
				slog.String("remote_addr", c.RemoteAddr().String()))
		}
	}
	return c.Conn.Write(p)
}

// ReadFrom keeps sendfile for static files working through the wrapper.
func (c *RejectLogConn) ReadFrom(r io.Reader) (int64, error) { return ReadFrom(c.Conn, r) }

// CloseWrite keeps net/http's graceful close (FIN, then a short linger)
// working, so that a client still reads e.g. a 413 sent before its body.
func (c *RejectLogConn) CloseWrite() error { return CloseWrite(c.Conn) }

// ReadFrom and CloseWrite reach the ReadFrom (sendfile) and
// CloseWrite of the connection inside a wrapper that embeds net.Conn,
// which hides them.
func ReadFrom(c net.Conn, r io.Reader) (int64, error) {
	if rf, ok := c.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c}, r)
}

func CloseWrite(c net.Conn) error {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
