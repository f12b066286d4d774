package httpfront

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// newConns tracks the connections phprun's net/http servers hold in
// http.StateNew: accepted (or handed over by the fast path or the TLS
// listener) but without a complete first request head yet. net/http's
// Shutdown closes idle connections at once but waits up to five seconds
// for new ones, which a client that sends half a head and stops makes
// phprun's shutdown wait for. Nothing on such a connection is being
// served, so Shutdown closes them at once (closeLoop).
type newConns struct {
	mu    sync.Mutex
	conns map[net.Conn]struct{} // guarded by mu
}

// hook is the servers' ConnState callback.
func (n *newConns) hook(c net.Conn, st http.ConnState) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if st == http.StateNew {
		if n.conns == nil {
			n.conns = make(map[net.Conn]struct{})
		}
		n.conns[c] = struct{}{}
		return
	}
	delete(n.conns, c)
}

// closeAll closes every connection still waiting for its first head.
// Holding mu while closing keeps a connection from turning active (its
// state hook waits for mu) between the check and the close.
func (n *newConns) closeAll() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for c := range n.conns {
		_ = c.Close()
		delete(n.conns, c)
	}
}

// closeLoop closes new connections now and every 50 ms until done is
// closed: connections handed over while shutting down are caught too.
func (n *newConns) closeLoop(done <-chan struct{}) {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		n.closeAll()
		select {
		case <-done:
			return
		case <-t.C:
		}
	}
}
