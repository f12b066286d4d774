package httpfront

import (
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/phprun/phprun/httpfront/internal/conns"
)

// tlsListener is the listener net/http serves http.ssl.address from: it
// runs each connection's TLS handshake itself and hands net/http the
// finished connection.
//
// Why not ServeTLS: net/http answers HTTP/1.x requests it cannot parse
// (400, 431, 505) by writing to the *tls.Conn, below anything that sees
// plaintext, and logs nothing; conns.RejectLogConn needs the plaintext. So
// HTTP/1.x connections reach net/http wrapped in a tlsRejectLogConn, whose
// ConnectionState gives Request.TLS its value (net/http takes it from any
// connection with that method). HTTP/2 connections, whose errors are
// frames and are logged by net/http's HTTP/2 server, go as the *tls.Conn
// itself, which net/http's ALPN dispatch needs.
//
// Handshakes run in a goroutine per connection (net/http runs them in the
// connection's goroutine), bounded by net/http's handshake timeout, so a
// slow client never holds up Accept. Close closes the listener and the
// connections still in their handshake.
type tlsListener struct {
	ln    net.Listener
	conf  *tls.Config
	std   *http.Server // source of the handshake timeout and ErrorLog
	log   *slog.Logger
	ready *conns.Handoff // handshaken connections, for Accept
	start sync.Once      // the accept loop starts with the first Accept

	mu      sync.Mutex
	closed  bool
	shaking map[net.Conn]struct{} // connections in their handshake
	wg      sync.WaitGroup        // handshake goroutines
}

// tlsConfig completes conf for the listener: ALPN offers HTTP/2 first,
// as ServeTLS would set it up.
func tlsConfig(conf *tls.Config) *tls.Config {
	c := conf.Clone()
	if !slices.Contains(c.NextProtos, "h2") {
		c.NextProtos = append([]string{"h2"}, c.NextProtos...)
	}
	if !slices.Contains(c.NextProtos, "http/1.1") {
		c.NextProtos = append(c.NextProtos, "http/1.1")
	}
	return c
}

// newTLSListener serves TLS on ln with conf (from tlsConfig, and std's
// TLSConfig too, so that net/http sets up HTTP/2 for ALPN "h2").
func newTLSListener(ln net.Listener, conf *tls.Config, std *http.Server, log *slog.Logger) *tlsListener {
	return &tlsListener{
		ln: ln, conf: conf, std: std, log: log,
		ready:   conns.NewHandoff(ln.Addr()),
		shaking: make(map[net.Conn]struct{}),
	}
}

// Accept returns the next handshaken connection, or what ended the loop
// that accepts raw ones (net.ErrClosed after Close).
func (l *tlsListener) Accept() (net.Conn, error) {
	l.start.Do(func() {
		go func() { l.ready.CloseWith(conns.AcceptLoop(l.ln, l.log, l.isClosed, l.handshakeAsync)) }()
	})
	return l.ready.Accept()
}

// Close is called by net/http's Shutdown and Close.
func (l *tlsListener) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	l.ready.CloseQueue()
	for c := range l.shaking {
		_ = c.Close()
	}
	l.mu.Unlock()
	err := l.ln.Close()
	l.wg.Wait()
	return err
}

func (l *tlsListener) Addr() net.Addr { return l.ln.Addr() }

func (l *tlsListener) isClosed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

// handshakeAsync starts raw's handshake; false once closed.
func (l *tlsListener) handshakeAsync(raw net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.shaking[raw] = struct{}{}
	l.wg.Add(1)
	go l.handshake(raw)
	return true
}

func (l *tlsListener) handshake(raw net.Conn) {
	defer l.wg.Done()
	tc := tls.Server(raw, l.conf)
	d := handshakeTimeout(l.std)
	if d > 0 {
		_ = raw.SetDeadline(time.Now().Add(d))
	}
	err := tc.Handshake()
	l.mu.Lock()
	delete(l.shaking, raw)
	closed := l.closed
	l.mu.Unlock()
	if closed {
		_ = raw.Close()
		return
	}
	if err != nil {
		l.handshakeFailed(raw, err)
		_ = raw.Close()
		return
	}
	if d > 0 {
		_ = raw.SetDeadline(time.Time{})
	}
	var c net.Conn = tc
	if tc.ConnectionState().NegotiatedProtocol != "h2" {
		c = &tlsRejectLogConn{RejectLogConn: conns.RejectLogConn{Conn: tc, Log: l.log}, tc: tc}
	}
	if !l.ready.Push(c) {
		_ = raw.Close()
	}
}

// handshakeFailed answers and logs as net/http does: a client that spoke
// plain HTTP gets a 400 in plain text.
func (l *tlsListener) handshakeFailed(raw net.Conn, err error) {
	reason := err.Error()
	var re tls.RecordHeaderError
	if errors.As(err, &re) && re.Conn != nil && recordLooksLikeHTTP(re.RecordHeader) {
		_, _ = io.WriteString(re.Conn, "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n")
		reason = "client sent an HTTP request to an HTTPS server"
	}
	if l.std.ErrorLog != nil {
		l.std.ErrorLog.Printf("http: TLS handshake error from %s: %v", raw.RemoteAddr(), reason)
	}
}

// recordLooksLikeHTTP reports whether the first five bytes a client sent
// to the TLS port start an HTTP request.
func recordLooksLikeHTTP(hdr [5]byte) bool {
	switch string(hdr[:]) {
	case "GET /", "HEAD ", "POST ", "PUT /", "OPTIO":
		return true
	}
	return false
}

// handshakeTimeout is net/http's: the shortest of the read-header, read
// and write timeouts that are set.
func handshakeTimeout(s *http.Server) time.Duration {
	var d time.Duration
	for _, v := range []time.Duration{s.ReadHeaderTimeout, s.ReadTimeout, s.WriteTimeout} {
		if v > 0 && (d == 0 || v < d) {
			d = v
		}
	}
	return d
}

// tlsRejectLogConn is a conns.RejectLogConn over a TLS connection; net/http sets
// Request.TLS from its ConnectionState.
type tlsRejectLogConn struct {
	conns.RejectLogConn
	tc *tls.Conn
}

func (c *tlsRejectLogConn) ConnectionState() tls.ConnectionState { return c.tc.ConnectionState() }
