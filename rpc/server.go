package rpc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/rpc"
	"sync"
	"time"
)

// Options configure a Server. The zero value works.
type Options struct {
	// Version is what rpc.Version returns (RoadRunner returns its own
	// version; phprun returns its).
	Version string
	// Config returns the effective configuration as JSON for rpc.Config.
	// nil makes rpc.Config answer "{}".
	Config func() ([]byte, error)
	// Logger receives malformed-request and reset messages. Default: discard.
	Logger *slog.Logger
	// MaxPayload caps a request frame's payload (rpc.max_request_bytes).
	// Default DefaultMaxRequestBytes.
	MaxPayload uint32
	// Proto decodes and encodes protobuf (flag 0x80) requests. nil answers
	// them with an error saying the codec is not supported.
	Proto Codec
	// GracePeriod bounds the drain when Serve's context ends. Default 5s.
	GracePeriod time.Duration
	// Jobs returns the jobs pipelines a plugin reports to informer.Jobs
	// (RoadRunner asks it of every plugin; only "jobs" has any). nil
	// answers an empty list.
	Jobs func(plugin string) []JobState
}

// Server is the RPC server: Go net/rpc with goridge framing. Register
// services, then Serve one or more listeners.
type Server struct {
	rpc  *rpc.Server
	opts Options
	log  *slog.Logger
	stop chan struct{} // closed when Shutdown gives up waiting; cancels resets

	wg sync.WaitGroup // one per served connection

	mu        sync.Mutex
	listeners map[net.Listener]struct{} // guarded by mu
	codecs    map[*serverCodec]struct{} // guarded by mu
	shutdown  bool                      // guarded by mu
	stopped   bool                      // guarded by mu; stop is closed
}

// NewServer returns a server with the informer, resetter and rpc services
// registered over pools.
func NewServer(pools Pools, opts Options) (*Server, error) {
	if opts.MaxPayload == 0 {
		opts.MaxPayload = DefaultMaxRequestBytes
	}
	if opts.GracePeriod <= 0 {
		opts.GracePeriod = 5 * time.Second
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{
		rpc:       rpc.NewServer(),
		opts:      opts,
		log:       log,
		stop:      make(chan struct{}),
		listeners: make(map[net.Listener]struct{}),
		codecs:    make(map[*serverCodec]struct{}),
	}
	for name, svc := range map[string]any{
		"informer": &informer{pools: pools, jobs: opts.Jobs},
		"resetter": &resetter{pools: pools, log: log, stop: s.stop},
		"rpc":      &rpcService{version: opts.Version, config: opts.Config},
	} {
		if err := s.Register(name, svc); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Register publishes the methods of rcvr as the service name. Methods
// follow net/rpc's rules: exported, `func (T) M(arg A, reply *R) error`.
// Registering while serving is safe.
func (s *Server) Register(name string, rcvr any) error {
	if err := s.rpc.RegisterName(name, rcvr); err != nil {
		return fmt.Errorf("rpc: register %s: %w", name, err)
	}
	return nil
}

// Serve accepts connections on ln until ctx ends or Shutdown is called,
// and serves each on its own goroutine. When ctx ends, Serve drains (calls
// in flight finish, within Options.GracePeriod) before it returns. It
// returns nil after a graceful stop.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.mu.Lock()
	if s.shutdown {
		s.mu.Unlock()
		_ = ln.Close()
		return nil
	}
	s.listeners[ln] = struct{}{}
	s.mu.Unlock()
	stop := context.AfterFunc(ctx, func() { _ = ln.Close() })
	defer stop()

	var backoff time.Duration
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				gctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.GracePeriod)
				defer cancel()
				return s.Shutdown(gctx)
			}
			if s.isShutdown() {
				return nil
			}
			if errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("rpc: accept: %w", err)
			}
			// Out of file descriptors and the like: wait and retry, as
			// net/http does, rather than spin or give up.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.log.Warn("rpc: accept failed, retrying", "error", err, "delay", backoff)
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
			}
			continue
		}
		backoff = 0
		s.ServeConn(conn)
	}
}

// ServeConn serves one connection on a new goroutine.
func (s *Server) ServeConn(conn io.ReadWriteCloser) {
	c := newServerCodec(conn, s.opts.MaxPayload, s.opts.Proto, func(err error, closing bool) {
		if !closing {
			s.log.Warn("rpc: refused request", "error", err)
			return
		}
		s.log.Warn("rpc: closing connection", "error", err)
	})
	s.mu.Lock()
	if s.shutdown {
		s.mu.Unlock()
		_ = conn.Close()
		return
	}
	s.codecs[c] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		s.rpc.ServeCodec(c) // returns after in-flight calls finished; closes c
		s.mu.Lock()
		delete(s.codecs, c)
		s.mu.Unlock()
	}()
}

// Shutdown stops accepting, lets every connection finish the calls it has
// already read, then closes it. If ctx ends first, the remaining
// connections are closed and running resets are cancelled, and ctx's error
// is returned.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.shutdown = true
	for ln := range s.listeners {
		_ = ln.Close()
	}
	clear(s.listeners)
	for c := range s.codecs {
		c.drain()
	}
	s.mu.Unlock()

	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	if !s.stopped {
		s.stopped = true
		close(s.stop)
	}
	for c := range s.codecs {
		_ = c.Close()
	}
	s.mu.Unlock()
	return fmt.Errorf("rpc: shutdown: %w", ctx.Err())
}

func (s *Server) isShutdown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shutdown
}
