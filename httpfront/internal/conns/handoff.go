package conns

import (
	"net"
	"sync"
)

// Handoff is the net.Listener a net/http server serves when another loop
// accepts the raw connections: Accept returns the connections pushed to
// it (by the fast path, or by httpfront's TLS listener after the
// handshake).
type Handoff struct {
	addr net.Addr
	ch   chan net.Conn
	mu   sync.Mutex
	done chan struct{}
	shut bool
	err  error // what Accept returns once done is closed; set before
}

// NewHandoff is an open Handoff that reports addr as its address.
func NewHandoff(addr net.Addr) *Handoff {
	return &Handoff{addr: addr, ch: make(chan net.Conn), done: make(chan struct{})}
}

// Push blocks until net/http accepts c, or fails once the listener closed.
func (l *Handoff) Push(c net.Conn) bool {
	select {
	case l.ch <- c:
		return true
	case <-l.done:
		return false
	}
}

func (l *Handoff) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, l.err
	}
}

// Close is called by net/http's Shutdown and Close.
func (l *Handoff) Close() error {
	l.CloseQueue()
	return nil
}

// CloseQueue closes the queue; Accept returns net.ErrClosed from then on.
func (l *Handoff) CloseQueue() { l.CloseWith(net.ErrClosed) }

// CloseWith closes the queue; Accept returns err from then on.
func (l *Handoff) CloseWith(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.shut {
		l.shut = true
		l.err = err
		close(l.done)
	}
}

func (l *Handoff) Addr() net.Addr { return l.addr }
