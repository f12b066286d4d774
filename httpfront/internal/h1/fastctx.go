package h1

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"
)

// Liveness checks: a request's context looks at its socket only once the
// request is this old, and then at most this often. Young requests (nearly
// all of them) pay nothing; a job that waited for a worker is not started
// for a client that has gone.
const (
	livenessAfter = 20 * time.Millisecond
	livenessEvery = 20 * time.Millisecond
)

// connContext is the context of the fast path's requests. net/http
// notices a vanished client with a goroutine blocked in a one-byte read
// for every request; the fast path instead looks when someone asks: Err
// peeks at the socket (without consuming) once the request is older than
// livenessAfter, and reports context.Canceled when the client closed it.
// The engine asks after waiting for a worker; the handler asks between
// the chunks of a stream. Done returns a channel that Err closes then.
// One connContext serves every request of its connection: once the
// client is gone the connection ends.
type connContext struct {
	base context.Context // ServerContextKey, LocalAddrContextKey
	conn net.Conn

	mu        sync.Mutex
	start     time.Time // of the current request
	lastCheck time.Time
	asked     int // Err calls in this request
	done      chan struct{}
	err       error
}

func (c *connContext) init(conn net.Conn, srv *http.Server) {
	c.conn = conn
	ctx := context.WithValue(context.Background(), http.ServerContextKey, srv)
	c.base = context.WithValue(ctx, http.LocalAddrContextKey, conn.LocalAddr())
}

// begin marks the start of a request.
func (c *connContext) begin(start time.Time) {
	c.mu.Lock()
	c.start, c.lastCheck, c.asked = start, start, 0
	c.mu.Unlock()
}

func (c *connContext) Deadline() (time.Time, bool) { return time.Time{}, false }

func (c *connContext) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		if c.err != nil {
			close(c.done)
		}
	}
	return c.done
}

func (c *connContext) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	// The first question of a request comes as it is handed to the engine,
	// microseconds after it was read: the clock need not be read for it.
	c.asked++
	if c.asked == 1 {
		return nil
	}
	now := time.Now()
	if now.Sub(c.start) < livenessAfter || now.Sub(c.lastCheck) < livenessEvery {
		return nil
	}
	c.lastCheck = now
	if peerClosed(c.conn) {
		c.err = context.Canceled
		if c.done != nil {
			close(c.done)
		}
	}
	return c.err
}

func (c *connContext) Value(key any) any { return c.base.Value(key) }

// gone reports whether a check found the client gone.
func (c *connContext) gone() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err != nil
}
