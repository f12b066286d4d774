package httpfront

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/phprun/phprun/httpfront/access"
	"github.com/phprun/phprun/httpfront/internal/conns"
	"github.com/phprun/phprun/httpfront/internal/h1"
)

// Options are the front's collaborators, as opposed to its configuration.
type Options struct {
	// Logger receives error and access lines; nil discards them.
	Logger *slog.Logger
	// Access, when non-nil, receives one record per request (for the
	// dashboard's ring and logs). The record is reused after the call
	// returns: copy what you keep. Nil means no record is ever built.
	Access func(*access.Record)
	// Observe, when non-nil, receives each request's final status and
	// duration: the http_metrics counters. Alone (no Access, no
	// access_logs) it is served by a leaner recorder that builds no record.
	Observe func(status int, d time.Duration)
	// AccessDetail fills the records' worker fields (PID, QueueWait,
	// Error). Only the worker handler knows them; they reach the recorder
	// in a note in the request context, which costs two allocations per
	// request (the context value and net/http's request copy), so they are
	// filled only for readers that show them: the dashboard's ring sets
	// this, the metrics plugin (status and duration) does not, and
	// http.access_logs lines always have them.
	AccessDetail bool
	// Debug puts error texts (worker errors, engine failures) into 5xx
	// response bodies, as RoadRunner does with pool.debug; for dev mode.
	Debug bool
	// NoFastPath serves plain HTTP/1.1 with net/http's own connection
	// loop instead of the fast path (package internal/h1); main sets it from
	// PHPRUN_HTTP_FASTPATH=0, an escape hatch and a benchmark baseline.
	NoFastPath bool
}

// Server is the HTTP front: the plain and TLS listeners, the middleware
// chain and the handler that feeds the pool. Its lifecycle fits an
// errgroup: ListenAndServe blocks and returns nil after a graceful
// Shutdown.
type Server struct {
	cfg      Config
	exec     Executor
	log      *slog.Logger
	handler  http.Handler // the middleware chain around the worker handler
	tlsConf  *tls.Config  // nil without TLS
	noFast   bool
	draining atomic.Bool
	fresh    newConns // net/http connections without a first head (newconns.go)

	mu      sync.Mutex   // guards the fields below
	closers []io.Closer  // resources of middleware (static root)
	plain   *http.Server // plain HTTP; behind fast when the fast path serves
	fast    *h1.Server   // nil with NoFastPath
	secure  *http.Server
	plainLn net.Listener
	tlsLn   net.Listener
	closed  bool
	stopped chan struct{} // closed when the first Shutdown has finished
	stopErr error         // its result; written before stopped is closed
}

// New checks cfg and builds the front. It does not listen yet.
func New(cfg Config, exec Executor, opts Options) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("httpfront: config: %w", err)
	}
	if exec == nil {
		return nil, errors.New("httpfront: no executor")
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, exec: exec, log: log, noFast: opts.NoFastPath}
	h, closers, err := buildChain(cfg, exec, opts, log)
	if err != nil {
		return nil, err
	}
	s.handler, s.closers = h, closers
	if cfg.TLSEnabled() {
		if s.tlsConf, err = loadTLS(cfg.SSL); err != nil {
			s.closeResources()
			return nil, err
		}
	}
	return s, nil
}

// buildChain wraps the worker handler in the configured middleware, the
// first listed outermost, and the access recorder around everything.
func buildChain(cfg Config, exec Executor, opts Options, log *slog.Logger) (http.Handler, []io.Closer, error) {
	wantAccess := opts.Access != nil || cfg.AccessLogs
	notes := wantAccess && (opts.AccessDetail || cfg.AccessLogs)
	var h http.Handler = &handler{
		exec: exec, log: log, maxBody: cfg.maxRequestBytes(), internalCode: cfg.InternalErrorCode,
		rawBody: cfg.RawBody, debug: opts.Debug, uploads: newUploadPolicy(cfg.Uploads), notes: notes,
	}
	var closers []io.Closer
	for i := len(cfg.Middleware) - 1; i >= 0; i-- {
		switch name := cfg.Middleware[i]; name {
		case "headers":
			h = newHeaders(cfg.Headers, h, log)
		case "gzip":
			h = gzipMiddleware(h)
		case "static":
			st, err := newStatic(cfg.Static, h, log)
			if err != nil {
				for _, c := range closers {
					c.Close()
				}
				return nil, nil, err
			}
			closers = append(closers, st)
			h = st
		case "proxy_ip_parser":
			h = newProxyIP(cfg, h)
		case "http_metrics":
			// counted by the metrics plugin through Options.Observe,
			// which main wires when metrics run
		case "sendfile":
			h = &sendfileMiddleware{next: h, log: log}
		default:
			// skipped; Config.Warnings says so once, through the config loader
		}
	}
	switch {
	case wantAccess:
		h = accessMiddleware(h, opts.Access, opts.Observe, log, cfg.AccessLogs, notes)
	case opts.Observe != nil:
		h = newObserveMiddleware(h, opts.Observe)
	}
	return h, closers, nil
}

// Handler returns the complete http.Handler (middleware included), for
// embedding the front in another server or for tests.
func (s *Server) Handler() http.Handler { return s.handler }

// loadTLS reads the certificate and the optional client CA bundle.
func loadTLS(c SSLConfig) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(c.Cert, c.Key)
	if err != nil {
		return nil, fmt.Errorf("httpfront: ssl: %w", err)
	}
	conf := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if c.RootCA != "" {
		pem, err := os.ReadFile(c.RootCA)
		if err != nil {
			return nil, fmt.Errorf("httpfront: ssl.root_ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("httpfront: ssl.root_ca: no certificate in %s", c.RootCA)
		}
		conf.ClientCAs = pool
		conf.ClientAuth = tls.VerifyClientCertIfGiven
	}
	switch c.ClientAuthType {
	case "request_client_cert":
		conf.ClientAuth = tls.RequestClientCert
	case "require_any_client_cert":
		conf.ClientAuth = tls.RequireAnyClientCert
	case "verify_client_cert_if_given":
		conf.ClientAuth = tls.VerifyClientCertIfGiven
	case "require_and_verify_client_cert":
		conf.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return conf, nil
}

// httpServer builds one net/http server with the slow-client timeouts.
func (s *Server) httpServer(h http.Handler, h2c bool) *http.Server {
	srv := &http.Server{
		Handler:           closeAfterTE(h),
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    s.cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		HTTP2:             &http.HTTP2Config{MaxConcurrentStreams: int(s.cfg.HTTP2.MaxConcurrentStreams)},
		ConnState:         s.fresh.hook,
	}
	if h2c {
		srv.Protocols = new(http.Protocols)
		srv.Protocols.SetHTTP1(true)
		srv.Protocols.SetUnencryptedHTTP2(true)
	}
	return srv
}

// Listen binds http.address and, with TLS, http.ssl.address. Binding
// before serving lets main fail fast on a taken port and lets tests use
// port 0 (see Addr).
func (s *Server) Listen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return http.ErrServerClosed
	}
	if s.cfg.Address != "" && s.plainLn == nil {
		ln, err := net.Listen("tcp", s.cfg.Address)
		if err != nil {
			return fmt.Errorf("httpfront: listen http.address: %w", err)
		}
		h := s.handler
		if s.cfg.SSL.Redirect {
			h = s.redirectHandler()
		}
		s.plain = s.httpServer(h, s.cfg.HTTP2.H2C)
		if s.noFast {
			s.plainLn = conns.RejectLogListener{Listener: ln, Log: s.log}
		} else {
			// The fast path wraps the connections it hands to net/http.
			// With h2c that includes every connection that opens with
			// the HTTP/2 preface: net/http finds it at the start of the
			// replayed bytes and serves HTTP/2 on it.
			s.plainLn = ln
			s.fast = h1.New(h, s.plain, s.log)
			s.fast.SetStrict(true)
		}
	}
	if s.tlsConf != nil && s.tlsLn == nil {
		ln, err := net.Listen("tcp", s.cfg.SSL.Address)
		if err != nil {
			if s.plainLn != nil {
				s.plainLn.Close()
				s.plainLn, s.plain = nil, nil
			}
			return fmt.Errorf("httpfront: listen http.ssl.address: %w", err)
		}
		s.tlsLn = ln
		s.secure = s.httpServer(s.handler, false)
		s.secure.TLSConfig = tlsConfig(s.tlsConf)
	}
	return nil
}

// Addr is the bound plain address ("" before Listen or without one).
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.plainLn == nil {
		return ""
	}
	return s.plainLn.Addr().String()
}

// TLSAddr is the bound TLS address ("" before Listen or without TLS).
func (s *Server) TLSAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tlsLn == nil {
		return ""
	}
	return s.tlsLn.Addr().String()
}

// ListenAndServe listens (unless Listen was called) and serves until
// Shutdown, returning nil after a graceful close. When ctx ends first it
// shuts down gracefully itself, bounded by http.shutdown_timeout.
func (s *Server) ListenAndServe(ctx context.Context) error {
	if err := s.Listen(); err != nil {
		if errors.Is(err, http.ErrServerClosed) {
			return nil // Shutdown came first
		}
		return err
	}
	s.mu.Lock()
	type unit struct {
		srv  *http.Server
		fast *h1.Server
		ln   net.Listener
		tls  bool
	}
	var units []unit
	if s.plain != nil {
		units = append(units, unit{s.plain, s.fast, s.plainLn, false})
	}
	if s.secure != nil {
		units = append(units, unit{s.secure, nil, s.tlsLn, true})
	}
	s.mu.Unlock()

	errc := make(chan error, len(units))
	for _, u := range units {
		go func() {
			var err error
			switch {
			case u.tls:
				// The handshakes run in tlsListener (tlslisten.go says why).
				err = u.srv.Serve(newTLSListener(u.ln, u.srv.TLSConfig, u.srv, s.log))
			case u.fast != nil:
				err = u.fast.Serve(u.ln)
			default:
				err = u.srv.Serve(u.ln)
			}
			if errors.Is(err, http.ErrServerClosed) {
				err = nil
			}
			errc <- err
		}()
	}
	stop := context.AfterFunc(ctx, func() {
		sctx, cancel := context.WithTimeout(context.Background(), s.cfg.DrainTimeout())
		defer cancel()
		if err := s.Shutdown(sctx); err != nil {
			s.log.Warn("http: shutdown", slog.String("error", err.Error()))
		}
	})
	defer stop()
	var first error
	for range units {
		if err := <-errc; err != nil && first == nil {
			first = fmt.Errorf("httpfront: serve: %w", err)
			s.closeServers() // one listener failed: stop the other too
		}
	}
	return first
}

// SetDraining makes /ready answer 503 ("service is shutting down") while
// requests still flow; main calls it first on SIGTERM so load balancers
// stop sending before Shutdown closes the listeners.
func (s *Server) SetDraining() { s.draining.Store(true) }

// Shutdown stops accepting connections and waits for in-flight requests
// (streams included) until ctx ends; then it closes what is left. It marks
// the front as draining too.
func (s *Server) Shutdown(ctx context.Context) error {
	s.draining.Store(true)
	s.mu.Lock()
	if s.stopped != nil { // a second call waits for the first
		stopped := s.stopped
		s.mu.Unlock()
		select {
		case <-stopped:
			return s.stopErr
		case <-ctx.Done():
			return fmt.Errorf("httpfront: shutdown: %w", ctx.Err())
		}
	}
	s.stopped = make(chan struct{})
	defer close(s.stopped)
	s.closed = true
	srvs := []*http.Server{s.plain, s.secure}
	lns := []net.Listener{s.plainLn, s.tlsLn}
	fast := s.fast
	s.mu.Unlock()
	closerDone := make(chan struct{})
	defer close(closerDone)
	go s.fresh.closeLoop(closerDone)
	var errs []error
	if fast != nil {
		// It shuts its net/http server down too.
		if err := fast.Shutdown(ctx); err != nil {
			errs = append(errs, err)
			fast.Close()
		}
		srvs[0] = nil
	}
	for i, srv := range srvs {
		if srv == nil {
			if lns[i] != nil {
				_ = lns[i].Close()
			}
			continue
		}
		if err := srv.Shutdown(ctx); err != nil {
			errs = append(errs, err)
			srv.Close()
		}
		if lns[i] != nil {
			_ = lns[i].Close() // still open if Serve never ran
		}
	}
	s.closeResources()
	if err := errors.Join(errs...); err != nil {
		s.stopErr = fmt.Errorf("httpfront: shutdown: %w", err)
	}
	return s.stopErr
}

// closeServers closes both servers at once (used when one fails).
func (s *Server) closeServers() {
	s.mu.Lock()
	srvs := []*http.Server{s.plain, s.secure}
	fast := s.fast
	s.mu.Unlock()
	if fast != nil {
		fast.Close()
	}
	for _, srv := range srvs {
		if srv != nil {
			srv.Close()
		}
	}
}

func (s *Server) closeResources() {
	s.mu.Lock()
	closers := s.closers
	s.closers = nil
	s.mu.Unlock()
	for _, c := range closers {
		c.Close()
	}
}

// redirectHandler answers every plain request with 308 to https on the TLS
// port (http.ssl.redirect).
func (s *Server) redirectHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, port, _ := net.SplitHostPort(s.TLSAddr())
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if port != "443" {
			host = net.JoinHostPort(host, port)
		}
		target := "https://" + host + r.URL.RequestURI()
		http.Redirect(w, r, target, http.StatusPermanentRedirect)
	})
}
