package conns

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// AcceptLoop accepts connections on ln and hands each to serve until
// Accept fails for good. After Shutdown or Close (closing reports true)
// it returns http.ErrServerClosed, as it does when serve refuses a
// connection because the server is closing; otherwise the error. Failures
// that pass (out of file descriptors, aborted handshakes) are retried
// after a growing wait, as net/http's Serve does, rather than spun on.
func AcceptLoop(ln net.Listener, log *slog.Logger, closing func() bool, serve func(net.Conn) bool) error {
	var backoff time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if closing() {
				return http.ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || isTemporaryAccept(err) {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				log.Warn("http: accept failed; retrying", slog.String("error", err.Error()), slog.Duration("delay", backoff))
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		if !serve(c) {
			_ = c.Close()
			return http.ErrServerClosed
		}
	}
}

// isTemporaryAccept reports accept errors that pass (out of file
// descriptors, aborted handshakes).
func isTemporaryAccept(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}
