package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"sync"

	"github.com/phprun/phprun/engine"
)

// Errors of the supervisor's commands. The texts of ErrNotFound and
// ErrExists are RoadRunner's (service v5.1.9), which PHP code may match.
var (
	ErrNotFound = errors.New("doesn't exist")
	ErrExists   = errors.New("already exists")
	ErrNoProc   = errors.New("should have at least 1 process")
	ErrClosed   = errors.New("service: supervisor closed")
)

// NameError is a command's error about one service; its text is
// RoadRunner's "the service with <name> name <problem>".
type NameError struct {
	Name string
	Err  error
}

func (e *NameError) Error() string { return "the service with " + e.Name + " name " + e.Err.Error() }
func (e *NameError) Unwrap() error { return e.Err }

// Options configure a Supervisor.
type Options struct {
	// Logger receives lifecycle messages (started, exited, back-off).
	// Default: discard.
	Logger *slog.Logger
	// Bus receives each output line as an engine.EventWorkerOutput whose
	// Pool is LogSource(name). nil logs the lines through Logger instead.
	Bus *engine.Bus
}

// Supervisor runs a set of named services. All methods are safe for
// concurrent use.
type Supervisor struct {
	log *slog.Logger
	bus *engine.Bus

	mu       sync.Mutex        // guards services and closed
	services map[string]*group // guarded by mu
	closed   bool              // guarded by mu
}

// group is one named service: its config and its process slots. op
// serializes the slow commands (restart, stop, start) on this service
// without holding the supervisor's lock while processes stop.
type group struct {
	name string
	cfg  Config // normalized

	op    sync.Mutex // held by a command changing procs
	procs []*proc    // written under both op and Supervisor.mu; read under either
}

// New returns a supervisor for services; nothing runs until Start.
func New(services Services, opts Options) *Supervisor {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Supervisor{log: log, bus: opts.Bus, services: map[string]*group{}}
	for name, cfg := range services {
		s.services[name] = &group{name: name, cfg: cfg.Normalized()}
	}
	return s
}

// Start starts every configured service. A service that cannot start is
// reported (logged, and shown as failed) and the others run anyway.
func (s *Supervisor) Start() {
	for _, name := range s.Names() {
		g := s.lookup(name)
		if g == nil {
			continue
		}
		g.op.Lock()
		if len(g.procs) == 0 {
			if err := s.launch(g, 0, false); err != nil {
				s.log.Error("service could not start; the other services keep running", "service", name, "error", err.Error())
			}
		}
		g.op.Unlock()
	}
}

// launch starts g's process_num processes (caller holds g.op). With
// strict, a process that cannot start stops the ones already started and
// the error is returned (RoadRunner's Create); otherwise the slot stays,
// failed or backing off, and the first error is returned for reporting.
func (s *Supervisor) launch(g *group, restarts int, strict bool) error {
	procs := make([]*proc, 0, g.cfg.ProcessNum)
	var first error
	for i := range g.cfg.ProcessNum {
		p := newProc(g.name, i, g.cfg, s.log, s.bus, restarts)
		rn, err := p.start()
		if err != nil && strict {
			for _, q := range procs {
				q.requestStop(false)
				<-q.done
			}
			return err
		}
		if err != nil {
			p.setState(StateFailed, err.Error())
			first = cmpOr(first, err)
		}
		go p.run(rn, err)
		procs = append(procs, p)
	}
	s.mu.Lock()
	if s.closed { // Close ran meanwhile and did not see these
		s.mu.Unlock()
		stopAll(procs, true)
		return ErrClosed
	}
	g.procs = procs
	s.mu.Unlock()
	return first
}

// Create adds and starts a service (RPC service.Create).
func (s *Supervisor) Create(name string, cfg Config) error {
	if cfg.ProcessNum <= 0 {
		return &NameError{name, ErrNoProc}
	}
	if err := (Services{name: cfg}).Validate(); err != nil {
		return fmt.Errorf("the service with %s name: %w", name, err)
	}
	g := &group{name: name, cfg: cfg.Normalized()}
	g.op.Lock()
	defer g.op.Unlock()
	s.mu.Lock()
	switch {
	case s.closed:
		s.mu.Unlock()
		return ErrClosed
	case s.services[name] != nil:
		s.mu.Unlock()
		return &NameError{name, ErrExists}
	}
	s.services[name] = g
	s.mu.Unlock()
	if err := s.launch(g, 0, true); err != nil {
		s.mu.Lock()
		delete(s.services, name)
		s.mu.Unlock()
		return err
	}
	return nil
}

// Restart stops every process of the service (SIGTERM, then SIGKILL after
// timeout_stop_sec) and starts new ones, running or not before.
func (s *Supervisor) Restart(name string) error {
	g := s.lookup(name)
	if g == nil {
		return &NameError{name, ErrNotFound}
	}
	g.op.Lock()
	defer g.op.Unlock()
	restarts := stopAll(g.procs, false)
	if s.isClosed() {
		return ErrClosed
	}
	s.log.Info("service restarting", "service", name)
	return s.launch(g, restarts+1, false)
}

// Stop stops every process of the service and keeps it listed as
// stopped, so that StartService can start it again.
func (s *Supervisor) Stop(name string) error {
	g := s.lookup(name)
	if g == nil {
		return &NameError{name, ErrNotFound}
	}
	g.op.Lock()
	defer g.op.Unlock()
	stopAll(g.procs, false)
	s.log.Info("service stopped", "service", name)
	return nil
}

// StartService starts a service whose processes are all stopped, exited
// or failed; it does nothing to one that runs.
func (s *Supervisor) StartService(name string) error {
	g := s.lookup(name)
	if g == nil {
		return &NameError{name, ErrNotFound}
	}
	g.op.Lock()
	defer g.op.Unlock()
	restarts := 0
	for _, p := range g.procs {
		select {
		case <-p.done:
		default:
			return nil // still supervised: running or about to restart
		}
		restarts = max(restarts, p.status().Restarts)
	}
	if s.isClosed() {
		return ErrClosed
	}
	if len(g.procs) > 0 {
		restarts++
	}
	return s.launch(g, restarts, false)
}

// Terminate stops the service and forgets it (RPC service.Terminate).
func (s *Supervisor) Terminate(name string) error {
	s.mu.Lock()
	g := s.services[name]
	delete(s.services, name)
	s.mu.Unlock()
	if g == nil {
		return &NameError{name, ErrNotFound}
	}
	g.op.Lock()
	defer g.op.Unlock()
	stopAll(g.procs, false)
	s.log.Info("service terminated", "service", name)
	return nil
}

// Statuses returns a snapshot of each process of the service.
func (s *Supervisor) Statuses(name string) ([]Status, error) {
	s.mu.Lock()
	g := s.services[name]
	var procs []*proc
	if g != nil {
		procs = g.procs
	}
	s.mu.Unlock()
	if g == nil {
		return nil, &NameError{name, ErrNotFound}
	}
	out := make([]Status, 0, len(procs))
	for _, p := range procs {
		out = append(out, p.status())
	}
	if len(out) == 0 { // configured but never started
		out = append(out, Status{Service: name, Command: g.cfg.Command, State: StateStopped})
	}
	return out, nil
}

// Snapshot returns the statuses of every service, by name.
func (s *Supervisor) Snapshot() []Status {
	var out []Status
	for _, name := range s.Names() {
		st, err := s.Statuses(name)
		if err == nil {
			out = append(out, st...)
		}
	}
	return out
}

// Names lists the services (configured and created), sorted.
func (s *Supervisor) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.services))
	for n := range s.services {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Config returns the (normalized) configuration of a service.
func (s *Supervisor) Config(name string) (Config, bool) {
	g := s.lookup(name)
	if g == nil {
		return Config{}, false
	}
	return g.cfg, true
}

// Close stops every service at once (each SIGTERM, then SIGKILL after its
// timeout_stop_sec) and waits for them. When ctx ends first the rest are
// killed. Nothing can be started afterwards.
func (s *Supervisor) Close(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	var procs []*proc
	for _, g := range s.services {
		procs = append(procs, g.procs...)
	}
	s.mu.Unlock()
	for _, p := range procs {
		p.requestStop(false)
	}
	done := make(chan struct{})
	go func() {
		for _, p := range procs {
			<-p.done
		}
		close(done)
	}()
	select {
	case <-done:
		if len(procs) > 0 {
			s.log.Info("services stopped", "processes", len(procs))
		}
		return nil
	case <-ctx.Done():
	}
	for _, p := range procs {
		p.requestStop(true)
	}
	<-done
	return fmt.Errorf("service: stop: %w (remaining services were killed)", ctx.Err())
}

func (s *Supervisor) lookup(name string) *group {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.services[name]
}

func (s *Supervisor) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// stopAll stops procs in parallel and waits; it returns the highest
// restart count among them, so that a restart continues the count.
func stopAll(procs []*proc, force bool) int {
	for _, p := range procs {
		p.requestStop(force)
	}
	n := 0
	for _, p := range procs {
		<-p.done
		n = max(n, p.status().Restarts)
	}
	return n
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
