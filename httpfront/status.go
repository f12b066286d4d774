package httpfront

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/phprun/phprun/engine"
)

// Checker is a plugin the status endpoints report on. *Server is the
// "http" checker; a jobs pool can be another later.
type Checker interface {
	// PluginName is the name used in ?plugin= and in the JSON body.
	PluginName() string
	// Health returns 200 while the plugin can serve at all, with a reason
	// otherwise.
	Health() (status int, message string)
	// Ready returns 200 while the plugin can take a request right now.
	Ready() (status int, message string)
}

// PluginName implements Checker.
func (s *Server) PluginName() string { return "http" }

// Health is 200 when at least one worker is ready or working
// (RoadRunner's "status"). It stays 200 while draining, so an orchestrator
// does not kill a process that is finishing its requests.
func (s *Server) Health() (int, string) {
	st := s.exec.Counts()
	if st.Alive() {
		return http.StatusOK, ""
	}
	if st.BootError != "" {
		return http.StatusServiceUnavailable, "no workers alive: " + st.BootError
	}
	return http.StatusServiceUnavailable, "no workers alive"
}

// Draining reports whether Shutdown has begun; the status endpoints then
// answer "service is shutting down".
func (s *Server) Draining() bool { return s.draining.Load() }

// Ready is 200 when at least one worker is idle, and 503 once draining.
func (s *Server) Ready() (int, string) {
	if s.draining.Load() {
		return http.StatusServiceUnavailable, "service is shutting down"
	}
	if s.exec.Counts().Count(engine.StateReady) > 0 {
		return http.StatusOK, ""
	}
	return http.StatusServiceUnavailable, "no idle workers"
}

// StatusServer serves /health and /ready on status.address with the
// JSON body of RoadRunner ≥ 2024.3 (PROTOCOL.md 6.4).
type StatusServer struct {
	cfg      StatusConfig
	checkers []Checker
	log      *slog.Logger

	mu  sync.Mutex // guards srv and ln
	srv *http.Server
	ln  net.Listener
}

// NewStatus builds the status endpoints for the given plugins.
func NewStatus(cfg StatusConfig, log *slog.Logger, checkers ...Checker) (*StatusServer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("httpfront: config: %w", err)
	}
	if cfg.Address == "" {
		return nil, errors.New("httpfront: status.address: required to serve status endpoints")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &StatusServer{cfg: cfg, checkers: checkers, log: log}, nil
}

// statusEntry is one element of the JSON array.
type statusEntry struct {
	PluginName   string `json:"plugin_name"`
	ErrorMessage string `json:"error_message"`
	StatusCode   int    `json:"status_code"`
}

// Handler serves /health and /ready (and /jobs, reported like /ready for
// compatibility with probes that use it).
func (s *StatusServer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) { s.report(w, r, Checker.Health, false) })
	mux.HandleFunc("/ready", func(w http.ResponseWriter, r *http.Request) { s.report(w, r, Checker.Ready, true) })
	mux.HandleFunc("/jobs", func(w http.ResponseWriter, r *http.Request) { s.report(w, r, Checker.Ready, true) })
	return mux
}

// report answers as RoadRunner's status plugin does: while shutting down
// a plain-text "service is shutting down" (unavailable_status_code for
// /ready, 200 for /health); otherwise a JSON array with one entry per
// selected plugin, where a failing plugin reads "internal server error,
// see logs" with unavailable_status_code. phprun's own reason goes to the
// log instead.
func (s *StatusServer) report(w http.ResponseWriter, r *http.Request, check func(Checker) (int, string), ready bool) {
	if s.shuttingDown() {
		code := http.StatusOK
		if ready {
			code = s.cfg.UnavailableStatusCode
		}
		http.Error(w, "service is shutting down", code)
		return
	}
	want := r.URL.Query()["plugin"]
	entries := []statusEntry{}
	code := http.StatusOK
	for _, c := range s.checkers {
		if len(want) > 0 && !contains(want, c.PluginName()) {
			continue // unknown or unselected plugins are skipped
		}
		st, msg := check(c)
		e := statusEntry{PluginName: c.PluginName(), StatusCode: st}
		if st >= 500 {
			s.log.Info("status: plugin not available", slog.String("plugin", c.PluginName()),
				slog.String("path", r.URL.Path), slog.String("reason", msg))
			e.ErrorMessage, e.StatusCode = "internal server error, see logs", s.cfg.UnavailableStatusCode
			code = s.cfg.UnavailableStatusCode
		}
		entries = append(entries, e)
	}
	body, _ := json.Marshal(entries)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(body)
}

// shuttingDown reports whether a checker that can drain is draining.
func (s *StatusServer) shuttingDown() bool {
	for _, c := range s.checkers {
		if d, ok := c.(interface{ Draining() bool }); ok && d.Draining() {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Listen binds status.address.
func (s *StatusServer) Listen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", s.cfg.Address)
	if err != nil {
		return fmt.Errorf("httpfront: listen status.address: %w", err)
	}
	timeout := time.Duration(s.cfg.CheckTimeout) * time.Second
	s.ln = ln
	s.srv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: timeout, ReadTimeout: timeout,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	return nil
}

// Addr is the bound address ("" before Listen).
func (s *StatusServer) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// ListenAndServe serves until Shutdown (returning nil) or until ctx ends.
func (s *StatusServer) ListenAndServe(ctx context.Context) error {
	if err := s.Listen(); err != nil {
		return err
	}
	s.mu.Lock()
	srv, ln := s.srv, s.ln
	s.mu.Unlock()
	stop := context.AfterFunc(ctx, func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	})
	defer stop()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("httpfront: status: %w", err)
	}
	return nil
}

// Shutdown stops the status server. Call it after the HTTP front and the
// pool have stopped, so probes see /health until the very end.
func (s *StatusServer) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	srv, ln := s.srv, s.ln
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	err := srv.Shutdown(ctx)
	_ = ln.Close()
	if err != nil {
		return fmt.Errorf("httpfront: status shutdown: %w", err)
	}
	return nil
}
