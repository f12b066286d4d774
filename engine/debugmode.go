package engine

import (
	"errors"
	"fmt"
)

// debugMode is the one-worker debug mode: a fresh worker per job, one at
// a time (debugslot.go), started with its own environment.
type debugMode struct {
	environ []string      // the workers' environment
	slot    chan struct{} // holds a token while a debug worker lives
	noTTL   bool          // exec_ttl off: a job paused in a debugger is not killed
}

// errReloading refuses a debug-mode switch while a reload runs.
var errReloading = errors.New("a reload is in progress; try again when it is done")

// SetDebug switches the pool into the one-worker debug mode, or back, while
// it serves (the dashboard's debug key). On: each job gets a fresh worker,
// one at a time, started with env added to server.env and with exec_ttl
// off; the ready workers stop, busy ones when their job ends, and jobs
// already waiting in the queue are still served by them. Off: a new
// generation of num_workers boots as on Reload while the jobs that arrive
// wait in the queue for it; the debug worker in flight stops after its job.
// No job is failed either way. A pool started with pool.debug stays as it
// is (ErrDebugFixed).
func (p *Pool) SetDebug(on bool, env map[string]string) error {
	if p.closed.Load() {
		return ErrPoolClosed
	}
	if p.cfg.Pool.Debug {
		return fmt.Errorf("engine: debug mode: %w", ErrDebugFixed)
	}
	var m *debugMode
	if on {
		merged := make(map[string]string, len(p.cfg.Server.Env)+len(env))
		for k, v := range p.cfg.Server.Env {
			merged[k] = v
		}
		for k, v := range env {
			merged[k] = v
		}
		m = &debugMode{environ: p.buildEnv(merged), slot: make(chan struct{}, 1), noTTL: true}
	}
	reply := make(chan error, 1)
	if !p.send(command{kind: cmdDebug, debug: m, reply: reply}) {
		return ErrPoolClosed
	}
	if err := <-reply; err != nil {
		return fmt.Errorf("engine: debug mode: %w", err)
	}
	return nil
}

// Debugging reports whether the pool runs the one-worker debug mode.
func (p *Pool) Debugging() bool { return p.debug.Load() != nil }

// setDebug runs SetDebug in the supervisor, so that the target and the
// mode change together.
func (s *supervisor) setDebug(m *debugMode) error {
	if s.closing {
		return ErrPoolClosed
	}
	if (m != nil) == (s.p.debug.Load() != nil) {
		return nil // already so
	}
	if s.reload != nil {
		return errReloading
	}
	if m != nil {
		s.p.debug.Store(m)
		s.target, s.extra = 0, 0
		for _, w := range s.takeIdle() {
			s.p.startRetire(w, StateStopping)
		}
		s.snapshot()
		return nil
	}
	s.p.debug.Store(nil)
	s.target = s.p.cfg.Pool.NumWorkers
	reply := make(chan error, 1) // nobody waits for the boot itself
	s.startReload(reply, "debug mode off")
	return nil
}
