package h1

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/phprun/phprun/httpfront/internal/conns"
)

// fastServer serves plain HTTP/1.1 connections with a lean loop of its own
// and hands every connection it does not handle to a net/http server (see
// fastconn.go for what stays on the fast path).
//
// Why not net/http alone: under load its per-request machinery (a
// background-read goroutine to notice a vanished client, a cancelable
// context, three deadline updates, the chunkWriter's header copies) cost a
// quarter of phprun's Go CPU per hello-world request and, since Go is the
// serial part of the pipeline to PHP, a quarter of its throughput
// (docs/benchmarks.md). The fast path keeps net/http's request parser
// (http.ReadRequest) and mirrors its response rules; everything unusual
// (HTTP/1.0, chunked or Expect bodies, malformed or oversized heads, the
// HTTP/2 preface) goes to net/http with the bytes already read replayed,
// so those requests are answered exactly as before.
type fastServer struct {
	h       http.Handler
	std     *http.Server // serves handed-over connections; source of timeouts
	log     *slog.Logger
	handoff *conns.Handoff
	stdDone chan struct{} // closed when std.Serve has returned
	// strict refuses heads with ambiguous framing (framing.go). phprun's
	// Server sets it; the differential tests leave it off to hold the
	// fast path equal to net/http.
	strict bool

	mu       sync.Mutex
	ln       net.Listener
	conns    map[*fastConn]struct{}
	closing  atomic.Bool // Shutdown or Close called: no new requests
	serving  bool
	stdUp    bool
	connsWG  sync.WaitGroup
	stdErr   error
	shutOnce sync.Once
}

// newFastServer serves plain HTTP/1.1 connections itself and hands any
// connection it does not handle to std, replaying the bytes it already
// read. Timeouts, MaxHeaderBytes and ErrorLog come from std.
func newFastServer(h http.Handler, std *http.Server, log *slog.Logger) *fastServer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &fastServer{h: h, std: std, log: log, conns: make(map[*fastConn]struct{}), stdDone: make(chan struct{})}
}

// Serve accepts connections on ln until Shutdown or Close, and returns
// http.ErrServerClosed then.
func (s *fastServer) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		_ = ln.Close()
		return http.ErrServerClosed
	}
	s.ln = ln
	s.handoff = conns.NewHandoff(ln.Addr())
	s.stdUp = true
	s.mu.Unlock()
	go func() {
		defer close(s.stdDone)
		if err := s.std.Serve(s.handoff); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.stdErr = err
		}
	}()
	return conns.AcceptLoop(ln, s.log, s.closing.Load, func(c net.Conn) bool {
		fc := newFastConn(s, c)
		if !s.track(fc, true) {
			return false
		}
		go fc.serve()
		return true
	})
}

// track adds or removes a connection; adding fails once closing.
func (s *fastServer) track(c *fastConn, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if add {
		if s.closing.Load() {
			return false
		}
		s.conns[c] = struct{}{}
		s.connsWG.Add(1)
		return true
	}
	if _, ok := s.conns[c]; ok {
		delete(s.conns, c)
		s.connsWG.Done()
	}
	return true
}

// handOver passes c to net/http. It fails only after Shutdown closed the
// hand-off listener; the caller then closes c.
func (s *fastServer) handOver(c net.Conn) bool {
	return s.handoff.Push(c)
}

// Shutdown stops accepting, closes idle connections, lets requests in
// flight finish (their responses carry Connection: close) and waits for
// them until ctx ends; then it closes what is left and returns ctx's error.
func (s *fastServer) Shutdown(ctx context.Context) error {
	s.beginClose()
	var stdErr error
	stdDone := make(chan struct{})
	go func() {
		defer close(stdDone)
		if s.isStdUp() {
			stdErr = s.std.Shutdown(ctx)
		}
	}()
	done := make(chan struct{})
	go func() {
		s.connsWG.Wait()
		close(done)
	}()
	// Connections between requests are closed now; busy ones close
	// themselves after their response. One that was busy when we looked
	// may go idle later, so look again until all are gone.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		s.closeIdle()
		select {
		case <-done:
			<-stdDone
			return stdErr
		case <-ctx.Done():
			s.closeAll()
			<-stdDone
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// Close closes the listener and every connection at once.
func (s *fastServer) Close() error {
	s.beginClose()
	s.closeAll()
	if s.isStdUp() {
		return s.std.Close()
	}
	return nil
}

func (s *fastServer) isStdUp() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stdUp
}

func (s *fastServer) beginClose() {
	s.shutOnce.Do(func() {
		s.mu.Lock()
		s.closing.Store(true)
		ln, ho := s.ln, s.handoff
		s.mu.Unlock()
		if ln != nil {
			_ = ln.Close()
		}
		if ho != nil {
			ho.CloseQueue()
		}
	})
}

func (s *fastServer) closeIdle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.closeIfIdle()
	}
}

func (s *fastServer) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		_ = c.rwc.Close()
	}
}
